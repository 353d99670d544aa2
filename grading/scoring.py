"""Scoring of the démarche (SCORE-1…3).

The barème is a per-year table (``BaremeLine``), created with SCORE-2's
defaults the first time a year is scored and editable in the admin. The
conduct grade counts only the steps that apply to the dossier (STEP-5) and
that the barème counts.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.dossier.steps import BY_CODE, CATALOGUE
from students.history import event_record

from .models import BaremeLine, ScoreMode, StepScore

# SCORE-2 [decision]: the steps the student acts in count; 6, 6', 7 (office
# alone) are tracked but not scored; 2, A, C and D are progressive.
NOT_COUNTED = frozenset({"6", "6p", "7"})
PROGRESSIVE = frozenset({"2", "A", "C", "D"})
TWO_PLACES = Decimal("0.01")


def default_line(year, code):
    return BaremeLine(
        year=year,
        step=code,
        counted=code not in NOT_COUNTED,
        mode=ScoreMode.PROGRESSIVE if code in PROGRESSIVE else ScoreMode.BINARY,
    )


def bareme_for(year):
    """The year's barème by step code, created with SCORE-2's defaults when missing."""
    lines = {line.step: line for line in year.bareme.all()}
    missing = [default_line(year, step.code) for step in CATALOGUE if step.code not in lines]
    if missing:
        BaremeLine.objects.bulk_create(missing, ignore_conflicts=True)
        lines = {line.step: line for line in BaremeLine.objects.filter(year=year)}
    return lines


def counted_steps(dossier, bareme, applicable_codes):
    """The barème lines that count for this dossier, in the catalogue's order."""
    return [bareme[s.code] for s in CATALOGUE if s.code in applicable_codes and bareme[s.code].counted]


def conduct_grade(points_by_step, lines):
    """SCORE-3: sum of points / sum of maxima × 20, to two decimals (half up).

    ``lines`` are the counted, applicable barème lines; a step without
    points counts 0. ``None`` when nothing counts."""
    maximum = sum(line.maximum for line in lines)
    if not maximum:
        return None
    total = sum(points_by_step.get(line.step, 0) for line in lines)
    return (Decimal(total) * 20 / Decimal(maximum)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def bareme_and_points(dossier):
    """The year's barème and this dossier's points on it, read together in
    one query (SCORE-2, SCORE-3): ``(bareme by step, points by step)``."""
    scored = StepScore.objects.filter(dossier=dossier, step=OuterRef("step")).values("points")[:1]
    lines = list(BaremeLine.objects.filter(year_id=dossier.year_id).annotate(dossier_points=Subquery(scored)))
    if {step.code for step in CATALOGUE} - {line.step for line in lines}:
        return bareme_for(dossier.year), {s.step: s.points for s in dossier.scores.all()}
    points = {line.step: line.dossier_points for line in lines if line.dossier_points is not None}
    return {line.step: line for line in lines}, points


def dossier_scoresheet(dossier, bareme=None, points=None):
    """Rows (code, label, mode, points, maximum), totals and the /20 grade of
    one dossier. Pass the year's ``bareme`` when scoring many dossiers, and
    prefetch ``steps`` and ``scores``; or pass both from ``bareme_and_points``."""
    bareme = bareme or bareme_for(dossier.year)
    applicable = {s.code for s in dossier.steps.all()}
    lines = counted_steps(dossier, bareme, applicable)
    if points is None:
        points = {s.step: s.points for s in dossier.scores.all()}
    states = {s.code: s.state for s in dossier.steps.all()}
    rows = [
        {
            "code": line.step,
            "display_code": BY_CODE[line.step].display_code,
            "label": BY_CODE[line.step].label,
            "mode": ScoreMode(line.mode).label,
            "points": points.get(line.step),
            "maximum": line.maximum,
            "choices": range(line.maximum + 1),
        }
        for line in lines
    ]
    return {
        "rows": rows,
        "total": sum(points.get(line.step, 0) for line in lines),
        "maximum": sum(line.maximum for line in lines),
        "grade": conduct_grade(points, lines),
        # Steps not validated yet count 0 (SCORE-3): until they close, the grade is provisional.
        "open_steps": sum(1 for line in lines if states.get(line.step) != "valide"),
    }


@transaction.atomic
def score_set(*, dossier, step, points, by):
    """The office gives a step its points (SCORE-1, SCORE-2): the step must
    apply to the dossier and count in the year's barème."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro note la démarche."))
    line = bareme_for(dossier.year).get(step)
    if line is None or not dossier.steps.filter(code=step).exists():
        raise ValidationError(_("Cette étape ne s'applique pas à ce dossier."))
    if not line.counted:
        raise ValidationError(_("Cette étape n'est pas notée dans le barème de l'année."))
    if not 0 <= points <= line.maximum:
        raise ValidationError(
            _("L'étape %(code)s se note de 0 à %(max)s.") % {"code": BY_CODE[step].display_code, "max": line.maximum}
        )
    previous = StepScore.objects.filter(dossier=dossier, step=step).first()
    score, _created = StepScore.objects.update_or_create(
        dossier=dossier, step=step, defaults={"points": points, "maximum": line.maximum, "by": by}
    )
    event_record(
        dossier=dossier, actor=by, verb="grading.score.set", step=step,
        summary=_("Étape %(code)s notée %(points)s/%(max)s%(before)s.")
        % {
            "code": BY_CODE[step].display_code,
            "points": points,
            "max": line.maximum,
            "before": _(" (avant : %(p)s)") % {"p": previous.points} if previous else "",
        },
    )
    return score
