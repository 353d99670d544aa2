"""Sessions, their signature and the carnet's totals (ATT-1, ATT-2).

Every write goes through a function here, under a transaction, checked
against ``contratpro.roles`` whatever the caller (view, import, demo).
"""

import datetime
import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from contratpro import roles
from contratpro.frenchdates import long_date
from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.dossier.proposals import Proposal
from conventions.models import Dossier
from students import programme
from students.history import event_record
from students.models import AcademicYear, Student

from .models import Presence, PresenceCorrection, Session, SessionSignature

SIGN_VERB = "attendance.session.sign"
CORRECT_VERB = "attendance.presence.correct"
# CAL-2, ATT-2: the hours at school, per semester.
TARGET_MINUTES = {"s9": programme.S9_HOURS * 60, "s10": programme.S10_HOURS * 60}
# ATT-1: a sheet says who was present, so it is signed once the session has begun.
NOT_STARTED = _lazy("Une séance se signe une fois commencée.")
DUPLICATE = _lazy("Ce module a déjà une séance ce jour-là à cette heure.")


def minutes_between(start, end):
    """The minutes from ``start`` to ``end`` (two times of the same day)."""
    day = datetime.date(2000, 1, 1)
    return int((datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)).total_seconds() // 60)


def year_of(day):
    """The academic year whose 12 months hold ``day`` (CAL-1), or None."""
    return AcademicYear.objects.filter(rentree__lte=day, contract_end__gte=day).first()


@transaction.atomic
def session_save(*, values, options, by, session=None):
    """Create ``session`` (None) or change it from ``values`` (module, kind,
    date, start, end, room, teacher) and ``options``. The office only; a
    signed session no longer changes (ATT-1: what was signed stays)."""
    if not roles.can_manage_sessions(by):
        raise PermissionDenied(_("Seul le service Contrats pro saisit les séances."))
    if session is None:
        session = Session()
    else:
        session = Session.objects.select_for_update().get(pk=session.pk)
        if SessionSignature.objects.filter(session=session).exists():
            raise ValidationError(_("Cette séance est signée : elle ne peut plus être modifiée."))
    for name, value in values.items():
        setattr(session, name, value)
    year = year_of(session.date) if session.date else None
    if year is None:
        raise ValidationError({"date": _("Cette date n'appartient à aucune année universitaire du portail.")})
    session.year = year
    if session.start and session.end:
        session.minutes = max(minutes_between(session.start, session.end), 0)
    _check_options(session.module, options)
    session.full_clean()
    try:
        # Two confirmations of the same import may both pass ``full_clean``:
        # the second one's insert then breaks the natural key (module, date,
        # start), refused in French, the outer transaction left usable.
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise ValidationError(str(DUPLICATE)) from exc
    session.options.set(options)
    return session


def session_started(session, now=None):
    """ATT-1: whether ``session`` has begun — its day at its start, in local
    time, is not after ``now`` (by default, now)."""
    start = timezone.make_aware(datetime.datetime.combine(session.date, session.start))
    return start <= (now or timezone.now())


def _check_options(module, options):
    wrong = [option for option in options if option.department_id != module.department_id]
    if wrong:
        raise ValidationError({"options": _("L'option « %(option)s » n'appartient pas au département du module.") % {
            "option": wrong[0].name}})
    if module.option_id and any(option.pk != module.option_id for option in options):
        raise ValidationError({"options": _("Ce module est celui de l'option « %(option)s » : la séance est pour "
                                            "elle seule.") % {"option": module.option.name}})


def expected_students(session):
    """ATT-1: who the session's carnet lines are for — the contrat-pro
    students (a dossier of the session's year) of its module's department,
    and of its options when it names some (else of the module's own option)."""
    students = Student.objects.filter(
        Exists(Dossier.objects.filter(student=OuterRef("pk"), year=session.year_id)),
        year=session.year_id, department=session.module.department_id,
    )
    option_ids = [option.pk for option in session.options.all()]
    if not option_ids and session.module.option_id:
        option_ids = [session.module.option_id]
    if option_ids:
        students = students.filter(option__in=option_ids)
    return students.select_related("user").order_by("user__last_name", "user__first_name", "pk")


def expected_sessions(student):
    """ATT-1: the sessions ``student`` has a carnet line for — those of their
    year and department for their option (a session naming options), or for
    everyone of the module (a session naming none)."""
    through = Session.options.through.objects
    names_options = Exists(through.filter(session=OuterRef("pk")))
    names_mine = Exists(through.filter(session=OuterRef("pk"), option=student.option_id))
    module_mine = Q(module__option__isnull=True)
    if student.option_id:
        module_mine |= Q(module__option=student.option_id)
    return Session.objects.filter(year=student.year_id, module__department=student.department_id).filter(
        (names_options & names_mine) | (~names_options & module_mine)
    )


def canonical_content(session, presences):
    """What a signature covers, as plain data: the session and, for each
    expected student, present or not (``presences``: student → bool)."""
    return {
        "session": {
            "id": session.pk, "module": session.module.name, "kind": session.kind,
            "date": session.date.isoformat(), "start": session.start.strftime("%H:%M"),
            "end": session.end.strftime("%H:%M"), "room": session.room, "teacher": session.teacher_id,
        },
        "students": [
            {"id": student.pk, "name": student.full_name, "present": bool(present)}
            for student, present in sorted(presences.items(), key=lambda item: item[0].pk)
        ],
    }


def digest(content):
    """SHA-256 of the canonical JSON of ``content`` (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signature_intact(signature):
    """ATT-1: whether what is kept of a signed session is still what its
    teacher signed (the content's SHA-256 recomputed against the one taken
    at signing), for the office to read in words rather than as a hash."""
    return digest(signature.content) == signature.sha256


@transaction.atomic
def session_sign(*, session, present, by):
    """ATT-1: the session's own teacher signs it once for all: one carnet
    line per expected student, present when in ``present`` (students or
    their ids). Another teacher is refused (PermissionDenied) and nothing is
    written; a signed session cannot be signed again."""
    session = Session.objects.select_for_update().select_related("module", "year").get(pk=session.pk)
    if not roles.can_sign_session(by, session):
        raise PermissionDenied(_("Seul l'enseignant de cette séance peut la signer."))
    if not session_started(session):
        raise ValidationError(str(NOT_STARTED))
    if SessionSignature.objects.filter(session=session).exists():
        raise ValidationError(_("Cette séance est déjà signée : seul le service Contrats pro peut la corriger."))
    expected = list(expected_students(session))
    present_ids = {getattr(item, "pk", item) for item in present}
    unknown = present_ids - {student.pk for student in expected}
    if unknown:
        raise ValidationError(_("Un élève coché n'est pas attendu à cette séance."))
    presences = {student: student.pk in present_ids for student in expected}
    content = canonical_content(session, presences)
    signature = SessionSignature.objects.create(
        session=session, signed_by=by, signed_at=timezone.now(), sha256=digest(content), content=content,
    )
    Presence.objects.bulk_create(
        Presence(session=session, student=student, present=flag) for student, flag in presences.items()
    )
    return signature


@transaction.atomic
def presence_correct(*, session, present, reason, by):
    """ATT-1: the office corrects a signed session with a written reason.
    The signature stays as signed; the correction keeps who was present
    before and after, the SHA-256 of the corrected content, and an event in
    the history of each student whose line changed."""
    if not roles.can_correct_attendance(by):
        raise PermissionDenied(_("Seul le service Contrats pro corrige une séance signée."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    session = Session.objects.select_for_update().select_related("module", "year").get(pk=session.pk)
    signature = SessionSignature.objects.filter(session=session).first()
    if signature is None:
        raise ValidationError(_("Cette séance n'est pas encore signée par son enseignant."))
    lines = list(session.presences.select_related("student__user").order_by("student_id"))
    present_ids = {getattr(item, "pk", item) for item in present}
    if present_ids - {line.student_id for line in lines}:
        raise ValidationError(_("Un élève coché n'a pas de ligne pour cette séance."))
    changed = [line for line in lines if line.present != (line.student_id in present_ids)]
    if not changed:
        raise ValidationError(_("La correction ne change aucune présence."))
    before = sorted(line.student_id for line in lines if line.present)
    for line in changed:
        line.present = not line.present
    Presence.objects.bulk_update(changed, ["present"])
    content = canonical_content(session, {line.student: line.present for line in lines})
    correction = PresenceCorrection.objects.create(
        signature=signature, by=by, at=timezone.now(), reason=reason, before=before,
        after=sorted(line.student_id for line in lines if line.present), sha256=digest(content),
    )
    dossiers = {d.student_id: d for d in Dossier.objects.filter(student__in=[row.student_id for row in changed],
                                                                 year=session.year_id)}
    for line in changed:
        summary = _("Carnet corrigé : %(state)s à la séance « %(module)s » du %(date)s") % {
            "state": _("présent") if line.present else _("absent"), "module": session.module.name,
            "date": long_date(session.date),
        }
        event_record(
            verb=CORRECT_VERB, summary=summary, student=line.student, dossier=dossiers.get(line.student_id),
            actor=by, comment=reason, changes={"present": [not line.present, line.present],
                                               "session": session.pk},
        )
    return correction


def _semester_minutes(prefix, s9_end):
    """ATT-2, the one split: the minutes of sessions signed with the line
    present, up to the year's end of S9 (``s9_end``, a path to it) in S9,
    after it in S10. ``prefix`` leads from the queried model to the
    presence lines."""
    counted = Q(**{f"{prefix}present": True, f"{prefix}session__signature__isnull": False})
    minutes, day = f"{prefix}session__minutes", f"{prefix}session__date"
    zero = Value(0, output_field=IntegerField())
    return {
        "s9": Coalesce(Sum(minutes, filter=counted & Q(**{f"{day}__lte": F(s9_end)})), zero),
        "s10": Coalesce(Sum(minutes, filter=counted & Q(**{f"{day}__gt": F(s9_end)})), zero),
    }


def signed_minutes(presences):
    """``presences`` (a Presence queryset) aggregated to the minutes signed
    present in S9 and in S10 (ATT-2): one query."""
    return presences.aggregate(**_semester_minutes("", "session__year__s9_end"))


def with_totals(students):
    """``students`` annotated with ``s9_minutes`` and ``s10_minutes``, the
    minutes signed present per semester (ATT-2), in the same query."""
    sums = _semester_minutes("presences__", "year__s9_end")
    return students.annotate(s9_minutes=sums["s9"], s10_minutes=sums["s10"])


def totals(minutes):
    """People's view of ``{"s9": minutes, "s10": minutes}``: hours signed
    against the target of each semester (ATT-2)."""
    rows = []
    for key, label in (("s9", _("S9")), ("s10", _("S10"))):
        done, target = minutes.get(key) or 0, TARGET_MINUTES[key]
        rows.append({
            "key": key, "label": label, "hours": hours(done), "target": target // 60,
            "percent": min(100, round(100 * done / target)) if target else 0,
        })
    return rows


def hours(minutes):
    """``minutes`` as French hours: « 3 h », « 4 h 30 »."""
    h, m = divmod(int(minutes or 0), 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def carnet_request(*, dossier, by):
    """ATT-1, ATT-3, NOTIF-2: ask for the dossier's carnet as a new version of
    its CARNET document, built by the PDF task (``pdf.carnet_build``): the
    request never waits for it. The office, or the dossier's student."""
    if not roles.can_produce_carnet(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro produisent le carnet de présence."))
    return pdf_request(dossier=dossier, kind=DocumentKind.CARNET, by=by)


# Step C (STEP-1: sign the carnet at every class), its proposed points
# (SCORE-1): the share of the sessions expected so far that are signed with
# the student present, against these thresholds, by the barème's maximum.
STEP_C_THRESHOLDS = {
    2: ((90, 2), (70, 1)),  # progressive (SCORE-2's default for C): ≥ 90 % → 2, ≥ 70 % → 1, else 0
    1: ((90, 1),),  # fait / non fait, when the year's barème says so: ≥ 90 % → 1, else 0
}


def carnet_share(student, now=None):
    """``(attended, expected)``: the sessions of ``student``'s carnet begun by
    ``now`` (by default, now), and those of them signed by their teacher
    with the student present (ATT-1); one query."""
    now = timezone.localtime(now or timezone.now())
    begun = Q(date__lt=now.date()) | Q(date=now.date(), start__lte=now.time())
    attended = Exists(Presence.objects.filter(session=OuterRef("pk"), student=student, present=True))
    counts = expected_sessions(student).filter(begun).aggregate(
        expected=Count("pk"), attended=Count("pk", filter=Q(attended, signature__isnull=False)),
    )
    return counts["attended"], counts["expected"]


def step_c_points(attended, expected, maximum):
    """Step C's points for ``attended`` of ``expected`` sessions, on a scale
    of 0 to ``maximum`` (1 or 2), by ``STEP_C_THRESHOLDS``: a share of
    at least 90 % gives the maximum; in mode progressive at least 70 % gives
    1; less gives 0. None when no session was expected yet."""
    if not expected:
        return None
    for percent, points in STEP_C_THRESHOLDS[maximum]:
        if attended * 100 >= percent * expected:
            return points
    return 0


def step_c_proposal(dossier, *, maximum, now=None):
    """The proposal (``conventions.dossier.proposals``) for step C of
    ``dossier``: ``step_c_points`` of its student's carnet so far, with what
    it comes from, « 46 présences signées sur 48 séances »; the office
    confirms it or scores otherwise (SCORE-1). None before any session."""
    attended, expected = carnet_share(dossier.student, now)
    points = step_c_points(attended, expected, maximum)
    if points is None:
        return None
    reason = _("%(attended)s %(expected)s") % {
        "attended": ngettext("%(n)s présence signée", "%(n)s présences signées", attended) % {"n": attended},
        "expected": ngettext("sur %(n)s séance à ce jour", "sur %(n)s séances à ce jour", expected) % {"n": expected},
    }
    return Proposal(points=points, reason=reason)
