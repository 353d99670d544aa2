"""Tutors and the S9 Projet Entreprise (ROLE-3, ROLE-4, EVAL-1…3): every
write goes through a function here, under a transaction, checked against
``contratpro.roles`` whatever the caller (view, demo), with its event in the
one log.

EVAL-1's rounding: each part is kept to two decimals; the S9 grade is
0.2 × conduct + 0.4 × report + 0.4 × appraisal computed exactly in
``Decimal`` and then rounded once to two decimals, half up (a third decimal
of 5 goes up: 12.345 → 12.35).

The PFE tutor is a rule, not a field: the tuteur école named here follows
the PFE too (ROLE-4, « normalement aussi tuteur PFE »), so ``pfe_tutor``
returns them; a different PFE tutor would be a field of the pfe subject.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contratpro import roles
from contratpro.roles import Actor, Group_
from conventions.dossier.deadlines import Obligation, dossier_url, in_window
from conventions.dossier.models import OPEN_STATES, Dossier
from conventions.dossier.steps import BY_CODE
from grading.scoring import bareme_and_points, bareme_for, conduct_grade, counted_steps
from students.history import event_record
from students.models import AcademicYear, Department, Option

from .models import GRADE_MAX, S9Evaluation, S9Year
from .tasks import notify_tutor_named

TWO_PLACES = Decimal("0.01")
DEFAULT_THRESHOLD = Decimal("10")
ECTS = 10  # EVAL-1: the S9 Projet Entreprise is worth 10 ECTS
WEIGHTS = {"conduct": Decimal("0.2"), "report": Decimal("0.4"), "appraisal": Decimal("0.4")}
REPORT_SOURCE = "grading.s9"


# --- ROLE-3: naming the tuteur école -----------------------------------------

def teachers():
    """The accounts that may tutor: the teachers group (ROLE-4, ROLE-6)."""
    return get_user_model().objects.filter(is_active=True, groups__name=Group_.TEACHERS.value)


def tutor_candidates(department):
    """The teachers, the department's own first: its head, the heads of its
    options, and those who already tutor one of its students (the portal
    records no teacher's department otherwise); then everyone else, by name.
    One query; each user carries ``own``."""
    own = (
        Q(Exists(Department.objects.filter(pk=department.pk, head=OuterRef("pk"))))
        | Q(Exists(Option.objects.filter(department=department, head=OuterRef("pk"))))
        | Q(Exists(Dossier.objects.filter(student__department=department, tuteur_ecole=OuterRef("pk"))))
    )
    return teachers().annotate(own=Exists(get_user_model().objects.filter(own, pk=OuterRef("pk")))).order_by(
        "-own", "last_name", "first_name", "pk"
    )


def pfe_tutor(dossier):
    """ROLE-4: by default (the only case so far) the tuteur école follows the PFE."""
    return dossier.tuteur_ecole


@transaction.atomic
def tutor_name(*, dossier, tutor, by):
    """ROLE-3: the head of the student's department (or the office) names
    the dossier's tuteur école among the teachers; the event names who
    replaced whom; the tutor is told by mail once, after commit."""
    if not roles.can_name_tutor(by, dossier):
        raise PermissionDenied(_("Seul le responsable du département de l'élève nomme son tuteur école."))
    if tutor is None or not teachers().filter(pk=tutor.pk).exists():
        raise ValidationError({"tutor": _("Choisissez un enseignant de l'école.")})
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.tuteur_ecole_id == tutor.pk:
        raise ValidationError({"tutor": _("%(name)s est déjà le tuteur école de ce dossier.") % {
            "name": tutor.get_full_name() or tutor.username}})
    previous = locked.tuteur_ecole
    locked.tuteur_ecole = tutor
    locked.save(update_fields=["tuteur_ecole", "updated_at"])
    dossier.tuteur_ecole = tutor
    name = tutor.get_full_name() or tutor.username
    if previous is None:
        summary = _("Tuteur école nommé : %(name)s (il suit aussi le PFE).") % {"name": name}
    else:
        summary = _("Tuteur école remplacé : %(name)s au lieu de %(before)s (il suit aussi le PFE).") % {
            "name": name, "before": previous.get_full_name() or previous.username}
    event_record(dossier=locked, actor=by, verb="grading.tutor.name", summary=summary,
                 changes={"tuteur_ecole": [previous.pk if previous else None, tutor.pk]})
    notify_tutor_named.delay_on_commit(dossier.pk, tutor.pk)
    return locked


# --- EVAL-1, EVAL-3: the S9 grade ------------------------------------------

def threshold_of(year):
    """EVAL-3: the year's ECTS threshold, 10/20 unless set."""
    row = S9Year.objects.filter(year=year).only("ects_threshold").first()
    return row.ects_threshold if row else DEFAULT_THRESHOLD


@dataclass(frozen=True)
class S9Grade:
    conduct: object  # Decimal or None
    report: object
    appraisal: object
    grade: object  # Decimal, or None until the three parts exist
    provisional_grade: object  # the grade with the missing parts counted 0, for the record
    missing: tuple  # French names of the missing parts
    threshold: Decimal
    ects: int  # 10 or 0; 0 while provisional
    open_steps: int = 0  # SCORE-3: counted steps still open (à faire, soumis, refusé): the conduct part is provisional

    @property
    def provisional(self):
        return bool(self.missing)

    @property
    def conduct_provisional(self):
        return self.conduct is not None and self.open_steps > 0


PART_NAMES = {
    "conduct": "la note de conduite de la démarche",
    "report": "la note du rapport",
    "appraisal": "la note du tuteur entreprise",
}


def conduct_provisional_text(open_steps):
    """SCORE-3: « note de conduite provisoire : N étapes encore ouvertes »."""
    return ngettext(
        "note de conduite provisoire : %(n)s étape encore ouverte",
        "note de conduite provisoire : %(n)s étapes encore ouvertes", open_steps) % {"n": open_steps}


def round_grade(value):
    """EVAL-1: to two decimals, half up (12.345 → 12.35, where the banker's
    rounding would give 12.34). With three two-decimal parts the exact sum is
    a multiple of 0.002, so it never sits on .xx5 itself: the rule decides
    only for a part typed with more decimals, which the services refuse."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def s9_grade(*, conduct, report, appraisal, threshold=DEFAULT_THRESHOLD, open_steps=0):
    """EVAL-1: 0.2 × conduct + 0.4 × report + 0.4 × appraisal, rounded once
    to two decimals half up; provisional (and without ECTS) until all three
    exist. EVAL-3: 10 ECTS when the grade is at least ``threshold``.

    SCORE-3: the conduct part is read from the points given; while
    ``open_steps`` counted steps are still open (à faire, soumis or refusé,
    as the barème's sheet counts them) it is provisional and said so. It
    does not hold the S9 grade back: the grade is complete once its three
    parts exist, and may be transmitted (``s9_transmit``)."""
    parts = {"conduct": conduct, "report": report, "appraisal": appraisal}
    missing = tuple(_(PART_NAMES[key]) for key, value in parts.items() if value is None)
    rounded = round_grade(sum(WEIGHTS[key] * Decimal(value) for key, value in parts.items() if value is not None))
    grade = None if missing else rounded
    return S9Grade(
        conduct=conduct, report=report, appraisal=appraisal, grade=grade, provisional_grade=rounded,
        missing=missing, threshold=threshold, ects=ECTS if grade is not None and grade >= threshold else 0,
        open_steps=open_steps,
    )


def open_counted_steps(dossier, lines):
    """SCORE-3: how many of the counted steps ``lines`` are still open on
    ``dossier`` (its ``steps`` read or prefetched): not yet validated."""
    states = {s.code: s.state for s in dossier.steps.all()}
    return sum(1 for line in lines if states.get(line.step) in OPEN_STATES)


def conduct_grades(dossiers, *, with_open=False):
    """SCORE-3's conduct grade of each of ``dossiers`` (a list, each with
    ``steps`` and ``scores`` prefetched): one barème per year, no query per
    dossier. ``with_open``: ``(grade, open counted steps)`` instead."""
    baremes = {}
    found = {}
    for dossier in dossiers:
        if dossier.year_id not in baremes:
            baremes[dossier.year_id] = bareme_for(dossier.year)
        bareme = baremes[dossier.year_id]
        applicable = {s.code for s in dossier.steps.all()}
        lines = counted_steps(dossier, bareme, applicable)
        grade = conduct_grade({s.step: s.points for s in dossier.scores.all()}, lines)
        found[dossier.pk] = (grade, open_counted_steps(dossier, lines)) if with_open else grade
    return found


def grades_for(dossiers):
    """``{dossier pk: S9Grade}`` for ``dossiers`` (each with ``steps``,
    ``scores`` and ``s9_evaluation`` read): thresholds in one query."""
    dossiers = list(dossiers)
    conduct = conduct_grades(dossiers, with_open=True)
    thresholds = dict(S9Year.objects.filter(year__in={d.year_id for d in dossiers}).values_list("year", "ects_threshold"))
    result = {}
    for dossier in dossiers:
        evaluation = evaluation_of(dossier)
        result[dossier.pk] = s9_grade(
            conduct=conduct[dossier.pk][0], open_steps=conduct[dossier.pk][1],
            report=evaluation.report_grade if evaluation else None,
            appraisal=evaluation.appraisal_grade if evaluation else None,
            threshold=thresholds.get(dossier.year_id, DEFAULT_THRESHOLD),
        )
    return result


def evaluation_of(dossier):
    """The dossier's ``S9Evaluation`` or None, from what was read with it."""
    try:
        return dossier.s9_evaluation
    except S9Evaluation.DoesNotExist:
        return None


# --- EVAL-1, ROLE-4: entering the grades -------------------------------------

def _check_grade(value, field, label):
    if value is None:
        raise ValidationError({field: _("Indiquez %(what)s, de 0 à 20.") % {"what": label}})
    value = Decimal(value)
    if not Decimal("0") <= value <= GRADE_MAX:
        raise ValidationError({field: _("Une note va de 0 à 20.")})
    if value != value.quantize(TWO_PLACES):
        raise ValidationError({field: _("Une note a au plus deux décimales (par exemple 13,25).")})
    return value.quantize(TWO_PLACES)


def _locked_evaluation(dossier):
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    evaluation, _created = S9Evaluation.objects.get_or_create(dossier=dossier)
    return evaluation


def _reason_if_transmitted(evaluation, reason):
    """ROLE-4: a grade once transmitted to the scolarité changes only with a written reason."""
    reason = (reason or "").strip()
    if evaluation.transmitted_at and not reason:
        raise ValidationError({"reason": _(
            "Cette note a déjà été transmise à la scolarité : indiquez par écrit pourquoi elle change.")})
    return reason


def _fmt(value):
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


@transaction.atomic
def report_grade_set(*, dossier, grade, comment="", by, reason=""):
    """EVAL-1, ROLE-4: the tuteur école grades the written report (/20, with
    a comment). Refused out of 0–20 or with more than two decimals; after
    transmission only with a reason, kept in the event."""
    if not roles.can_grade_report(by, dossier):
        raise PermissionDenied(_("Seul le tuteur école de l'élève note le rapport."))
    grade = _check_grade(grade, "grade", _("la note du rapport"))
    evaluation = _locked_evaluation(dossier)
    reason = _reason_if_transmitted(evaluation, reason)
    before = evaluation.report_grade
    evaluation.report_grade, evaluation.report_comment = grade, (comment or "").strip()
    evaluation.report_by, evaluation.report_at = by, timezone.now()
    evaluation.full_clean()
    evaluation.save()
    summary = _("Rapport de Projet Entreprise noté %(grade)s/20%(before)s.") % {
        "grade": _fmt(grade), "before": _(" (avant : %(g)s)") % {"g": _fmt(before)} if before is not None else ""}
    event_record(dossier=dossier, actor=by, verb="grading.s9.report", step="A", summary=summary, comment=reason,
                 changes={"report_grade": [_fmt(before), _fmt(grade)]})
    return evaluation


@transaction.atomic
def appraisal_from_paper(*, dossier, grade, by, reason=""):
    """EVAL-1, step B: the company tutor's appraisal (/20) typed in from
    the paper fiche by the office or the tuteur école, marked as such."""
    if not roles.can_type_appraisal(by, dossier):
        raise PermissionDenied(_("Seuls le tuteur école et le service Contrats pro saisissent la fiche papier."))
    grade = _check_grade(grade, "grade", _("la note du tuteur entreprise"))
    evaluation = _locked_evaluation(dossier)
    reason = _reason_if_transmitted(evaluation, reason)
    before = evaluation.appraisal_grade
    evaluation.appraisal_grade, evaluation.appraisal_source = grade, S9Evaluation.Source.PAPER
    evaluation.appraisal_by, evaluation.appraisal_at = by, timezone.now()
    evaluation.full_clean()
    evaluation.save()
    summary = _("Évaluation du tuteur entreprise saisie depuis la fiche papier : %(grade)s/20%(before)s.") % {
        "grade": _fmt(grade), "before": _(" (avant : %(g)s)") % {"g": _fmt(before)} if before is not None else ""}
    event_record(dossier=dossier, actor=by, verb="grading.s9.appraisal", step="B", summary=summary, comment=reason,
                 changes={"appraisal_grade": [_fmt(before), _fmt(grade)], "source": "papier"})
    return evaluation


@transaction.atomic
def s9_transmit(*, dossier, by):
    """EVAL-2: the tuteur école passes the complete S9 grade to the
    scolarité; a provisional one is refused, saying what is missing.

    SCORE-3 [decision]: a conduct part still provisional (steps open) does
    not hold the transmission back. Steps D and F close after the S9 (end
    of S9, before the PFE) while EVAL-2 wants the grade before the
    holidays: the conduct grade transmitted is the one of the points given
    on that day, and the event says how many steps were still open."""
    if not roles.can_transmit_s9(by, dossier):
        raise PermissionDenied(_("Seul le tuteur école de l'élève transmet la note du S9."))
    evaluation = _locked_evaluation(dossier)
    dossier = Dossier.objects.prefetch_related("steps", "scores").select_related("year").get(pk=dossier.pk)
    dossier.s9_evaluation = evaluation
    grade = grades_for([dossier])[dossier.pk]
    if grade.provisional:
        raise ValidationError(_("La note du S9 est encore provisoire : il manque %(missing)s.") % {
            "missing": ", ".join(grade.missing)})
    evaluation.transmitted_at, evaluation.transmitted_by = timezone.now(), by
    evaluation.save(update_fields=["transmitted_at", "transmitted_by"])
    summary = _("Note du S9 transmise à la scolarité : %(grade)s/20, %(ects)s ECTS.") % {
        "grade": _fmt(grade.grade), "ects": grade.ects}
    if grade.conduct_provisional:
        summary += " " + conduct_provisional_text(grade.open_steps).capitalize() + "."
    event_record(dossier=dossier, actor=by, verb="grading.s9.transmit", summary=summary,
                 changes={"open_steps": grade.open_steps})
    return evaluation


# --- NOTIF-1: the report grade in the deadlines registry -----------------------

def report_obligations(dossiers, due_between=None):
    """EVAL-2: the tuteur école grades the report before the Christmas
    holidays (step A's deadline); done when the grade is entered. One query,
    its rows read as tuples with their year's fields, the year and its
    deadline made once per year (not a model instance per dossier); with
    ``due_between``, only the obligations due within it are built."""
    due_of = BY_CODE["A"].deadline
    # A queryset stays a subquery (one query in all); a list gives its ids.
    ids = dossiers.values("pk") if isinstance(dossiers, QuerySet) else [d.pk for d in dossiers]
    year_fields = [field.attname for field in AcademicYear._meta.concrete_fields]
    rows = Dossier.objects.filter(pk__in=ids, tuteur_ecole__isnull=False).annotate(
        graded=Exists(S9Evaluation.objects.filter(dossier=OuterRef("pk"), report_grade__isnull=False))
    ).values_list("pk", "graded", *(f"year__{name}" for name in year_fields))
    url, label = dossier_url("grading:s9-report"), _("Noter le rapport de Projet Entreprise (S9)")
    actors, due = frozenset({Actor.TUTOR}), {}  # due: the year's fields -> its deadline
    for row in rows:
        year_values = row[2:]
        if year_values not in due:
            due[year_values] = due_of(AcademicYear(**dict(zip(year_fields, year_values))))
        if in_window(due[year_values], due_between):
            yield Obligation(
                dossier_id=row[0], key="s9:report", label=label, actors=actors, due=due[year_values],
                done=row[1], url=url(row[0]),
            )


def grade_of(dossier):
    """One dossier's ``S9Grade`` and its ``S9Evaluation`` (or None): two
    queries whatever the dossier (the evaluation with the year's threshold,
    the barème with the points), plus its steps unless prefetched."""
    row = Dossier.objects.filter(pk=dossier.pk).select_related("s9_evaluation").annotate(
        s9_threshold=Subquery(S9Year.objects.filter(year=OuterRef("year_id")).values("ects_threshold")[:1])
    ).first()
    evaluation = evaluation_of(row)
    bareme, points = bareme_and_points(dossier)
    lines = counted_steps(dossier, bareme, {s.code for s in dossier.steps.all()})
    grade = s9_grade(
        conduct=conduct_grade(points, lines), open_steps=open_counted_steps(dossier, lines),
        report=evaluation.report_grade if evaluation else None,
        appraisal=evaluation.appraisal_grade if evaluation else None,
        threshold=row.s9_threshold if row.s9_threshold is not None else DEFAULT_THRESHOLD,
    )
    return grade, evaluation
