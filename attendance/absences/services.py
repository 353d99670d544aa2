"""Absences and incidents (ABS-1…3, NOTIF-3): every write goes through a
function here, under a transaction, checked against ``contratpro.roles``
whatever the caller (view, demo), with its event in the one log.
"""

import datetime
import hashlib
import secrets
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.frenchdates import long_date, long_datetime
from conventions.documents.files import check_upload
from conventions.documents.models import private_storage
from conventions.dossier.deadlines import Obligation, dossier_url
from conventions.dossier.models import Dossier, Incident
from conventions.dossier.services import incident_report
from students.history import event_record
from students.models import CalendarPeriod

from ..services import expected_sessions
from .models import AbsenceState, ExceptionalAbsence, RuptureDeclaration, SickLeave
from .tasks import notify_absence_requested, notify_incident_reported

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# ABS-1, DOMAIN.md §5 (CT L1226-1): the employer is told within 48 hours of the arrêt's start.
EMPLOYER_NOTICE = datetime.timedelta(hours=48)
# ABS-1: « employeur prévenu le » no earlier than this before the arrêt's first day
# (a mistyped year is refused, not stored), no later than now plus the leeway.
EMPLOYER_TOLD_BEFORE = datetime.timedelta(days=31)
CLOCK_LEEWAY = datetime.timedelta(minutes=5)
# NOTIF-3, DOMAIN.md §3 (CT D6325-5): a rupture is reported within 30 calendar days.
RUPTURE_NOTICE = datetime.timedelta(days=30)
RUPTURE_SOURCE = "attendance.incidents"


# --- ABS-1: sick leave ---------------------------------------------------------

def employer_deadline(start):
    """ABS-1: the moment the employer must have been told by: the arrêt
    starts at 00:00 of its first day, Europe/Paris, and the deadline falls
    exactly 48 hours later, counted in real hours (a change to or from
    summer time in between moves the wall clock, not the deadline)."""
    beginning = datetime.datetime.combine(start, datetime.time(0), tzinfo=PARIS)
    return (beginning.astimezone(datetime.UTC) + EMPLOYER_NOTICE).astimezone(PARIS)


def told_late(start, told_at):
    """ABS-1: « employeur prévenu tardivement » when told strictly later than
    ``employer_deadline(start)``; at 48 h exactly the employer was told in time."""
    return told_at > employer_deadline(start)


def _sick_leave_date_errors(dossier, start, end, employer_told_at):
    """ABS-1: the dates of a declaration, each refused with its reason: the
    arrêt lies within the contract (``Dossier.start_date``/``end_date``, the
    year's rentrée and end of contracts when not filled in), its last day
    follows its first, and the employer was told no earlier than 31 days
    before its first day and not later than now (a few minutes' leeway for
    the clock of the device typing it)."""
    year = dossier.year
    first_allowed = dossier.start_date or year.rentree
    last_allowed = dossier.end_date or year.contract_end
    errors = {}
    if start < first_allowed:
        errors["start"] = _("Cet arrêt commence avant le début du contrat, le %(date)s.") % {
            "date": long_date(first_allowed)}
    elif start > last_allowed:
        errors["start"] = _("Cet arrêt commence après la fin du contrat, le %(date)s.") % {
            "date": long_date(last_allowed)}
    if end < start:
        errors["end"] = _("Le dernier jour de l'arrêt suit le premier (ou est le même jour).")
    elif end > last_allowed:
        errors["end"] = _("Le dernier jour de l'arrêt dépasse la fin du contrat, le %(date)s.") % {
            "date": long_date(last_allowed)}
    earliest = datetime.datetime.combine(start, datetime.time(0), tzinfo=PARIS) - EMPLOYER_TOLD_BEFORE
    if employer_told_at > timezone.now() + CLOCK_LEEWAY:
        errors["employer_told_at"] = _("Indiquez quand l'employeur a été prévenu : ce moment est à venir.")
    elif employer_told_at < earliest:
        errors["employer_told_at"] = _(
            "L'employeur est prévenu au plus tôt 31 jours avant le premier jour de l'arrêt : vérifiez cette date."
        )
    return errors


def sick_leave_declare(*, dossier, start, end, employer_told_at, uploaded_file, by):
    """ABS-1, ABS-3: the student (or the office for them) declares an arrêt
    de travail: its first and last days, the arrêt itself (PDF, PNG or JPEG
    checked by content, size-capped: DOC-6's checks) and when the employer
    was told. Records the step-E incident of kind arrêt (or links the one
    already reported for that first day without its file), flags a late
    notice (``told_late``) and tells the office after commit (not again for
    an arrêt it already heard of). One arrêt per first day: a second
    declaration (a double POST) is refused under the dossier's lock. A
    refusal writes nothing, neither a row nor a file."""
    if not roles.can_request_absence(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro déclarent un arrêt de travail."))
    errors = _sick_leave_date_errors(dossier, start, end, employer_told_at)
    try:
        content, content_type, name = check_upload(uploaded_file)
    except ValidationError as exc:
        errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    stored = private_storage().save(f"absences/{dossier.pk}/{secrets.token_hex(20)}", ContentFile(content))
    try:
        return _sick_leave_record(
            dossier=dossier, start=start, end=end, employer_told_at=employer_told_at, by=by,
            file_name=stored, content=content, content_type=content_type, name=name,
        )
    except BaseException:
        private_storage().delete(stored)  # the transaction is gone: so is its file
        raise


def _already_declared():
    """ABS-1: the refusal of a second arrêt for the same first day (a double POST)."""
    return {"start": _("Un arrêt commençant ce jour-là est déjà déclaré.")}


@transaction.atomic
def _sick_leave_record(*, dossier, start, end, employer_told_at, by, file_name, content, content_type, name):
    # One declaration at a time per dossier: a double POST waits here, then finds the first.
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if SickLeave.objects.filter(dossier=dossier, start=start).exists():
        raise ValidationError(_already_declared())
    late = told_late(start, employer_told_at)
    # An arrêt already reported as an incident (step E) without its file gets
    # it now; the office heard of that report, so it is not mailed again.
    incident = dossier.incidents.filter(kind=Incident.Kind.SICK_LEAVE, start=start, sick_leave__isnull=True).first()
    reported_here = incident is None
    if reported_here:
        incident = incident_report(
            dossier=dossier, kind=Incident.Kind.SICK_LEAVE, start=start, by=by,
            description=_("Arrêt de travail du %(start)s au %(end)s.") % {
                "start": long_date(start), "end": long_date(end)},
        )
    leave = SickLeave(
        dossier=dossier, incident=incident, start=start, end=end, employer_told_at=employer_told_at, told_late=late,
        file_name=file_name, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
        content_type=content_type, original_name=name, declared_by=by,
    )
    leave.full_clean()
    try:
        with transaction.atomic():
            leave.save()
    except IntegrityError as exc:  # a race the lock did not see (another database, a script)
        raise ValidationError(_already_declared()) from exc
    summary = _("Arrêt de travail déclaré, du %(start)s au %(end)s ; employeur prévenu le %(told)s.") % {
        "start": long_date(start), "end": long_date(end), "told": long_datetime(employer_told_at),
    }
    if late:
        summary += " " + _("Employeur prévenu tardivement (plus de 48 heures après le début de l'arrêt).")
    event_record(dossier=dossier, actor=by, verb="attendance.sick_leave.declare", summary=summary,
                 changes={"told_late": late})
    if reported_here:
        notify_incident_reported.delay_on_commit(incident.pk)
    return leave


# --- ABS-2: exceptional one-day absence ------------------------------------------

def exam_period_on(dossier, day):
    """The exam period of the dossier's year (its department's or everyone's)
    that holds ``day``, or None (CAL-4)."""
    return (
        CalendarPeriod.objects.filter(year=dossier.year_id, kind=CalendarPeriod.Kind.EXAM, start__lte=day, end__gte=day)
        .filter(Q(department__isnull=True) | Q(department=dossier.student.department_id))
        .order_by("start").first()
    )


def sessions_on(absence):
    """ABS-2: the sessions of the student's carnet on the absence's day."""
    return list(
        expected_sessions(absence.dossier.student).filter(date=absence.day)
        .select_related("module", "teacher").order_by("start")
    )


def exam_refusal(period):
    return _(
        "Refusée d'office : ce jour tombe pendant la période d'examens « %(label)s » (du %(start)s au %(end)s). "
        "Aucune absence exceptionnelle n'est accordée pendant les examens."
    ) % {"label": period, "start": long_date(period.start), "end": long_date(period.end)}


@transaction.atomic
def absence_request(*, dossier, day, reason, by):
    """ABS-2: the student (or the office for them) asks for one day away
    from class for an unavoidable company need, with the company's reason.
    A past day is refused (nothing written); a day in an exam period is
    recorded as refused by the service at once, with the reason stated;
    any other goes to the department head, told by mail after commit."""
    if not roles.can_request_absence(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro demandent une absence exceptionnelle."))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Indiquez le motif de l'entreprise : la mission qui ne peut pas attendre.")
    if day < timezone.localdate():
        errors["day"] = _("Ce jour est passé : une absence exceptionnelle se demande à l'avance.")
    elif not dossier.year.rentree <= day <= dossier.year.contract_end:
        errors["day"] = _("Ce jour n'appartient pas à l'année %(year)s.") % {"year": dossier.year}
    if errors:
        raise ValidationError(errors)
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if ExceptionalAbsence.objects.filter(dossier=dossier, day=day).exclude(state=AbsenceState.REFUSED).exists():
        raise ValidationError({"day": _("Une demande existe déjà pour ce jour.")})
    absence = ExceptionalAbsence(dossier=dossier, day=day, reason=reason, requested_by=by)
    period = exam_period_on(dossier, day)
    if period is not None:
        absence.state = AbsenceState.REFUSED
        absence.decided_at = timezone.now()
        absence.decision_comment = exam_refusal(period)
    absence.full_clean()
    absence.save()
    summary = _("Absence exceptionnelle demandée pour le %(day)s.") % {"day": long_date(day)}
    if period is not None:
        summary += " " + absence.decision_comment
    event_record(dossier=dossier, actor=by, verb="attendance.absence.request", summary=summary,
                 to_state=absence.state)
    if period is None:
        notify_absence_requested.delay_on_commit(absence.pk)
    return absence


def _locked(absence):
    return ExceptionalAbsence.objects.select_for_update(of=("self",)).select_related(
        "dossier__student__department", "dossier__student__option", "dossier__year"
    ).get(pk=absence.pk)


@transaction.atomic
def absence_decide(*, absence, accept, by, comment="", makeup_what="", makeup_planned_on=None):
    """ABS-2, ROLE-3: the head of the student's department accepts or
    refuses a pending request; a refusal says why. An acceptance may plan
    the make-up at once (``makeup_plan`` otherwise)."""
    absence = _locked(absence)
    if not roles.can_decide_absence(by, absence.dossier):
        raise PermissionDenied(_("Seul le responsable du département de l'élève décide d'une absence exceptionnelle."))
    if absence.state != AbsenceState.REQUESTED:
        raise ValidationError(_("Cette demande est déjà décidée : %(state)s.") % {"state": absence.get_state_display()})
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Expliquez à l'élève pourquoi l'absence est refusée.")})
    absence.state = AbsenceState.ACCEPTED if accept else AbsenceState.REFUSED
    absence.decided_by, absence.decided_at, absence.decision_comment = by, timezone.now(), comment
    if accept and (makeup_what or "").strip():
        absence.makeup_what, absence.makeup_planned_on = makeup_what.strip(), makeup_planned_on
    absence.full_clean()
    absence.save()
    event_record(
        dossier=absence.dossier, actor=by, verb="attendance.absence.decide", to_state=absence.state, comment=comment,
        summary=_("Absence exceptionnelle du %(day)s : %(state)s.") % {
            "day": long_date(absence.day), "state": absence.get_state_display().lower()},
    )
    return absence


@transaction.atomic
def makeup_plan(*, absence, what, planned_on, by):
    """ABS-2: the office or the head says how and when an accepted absence is made up."""
    absence = _locked(absence)
    if not roles.can_follow_makeup(by, absence.dossier):
        raise PermissionDenied(_("Seuls le service Contrats pro et le responsable de département suivent un rattrapage."))
    what = (what or "").strip()
    if absence.state != AbsenceState.ACCEPTED or absence.makeup_done_at:
        raise ValidationError(_("Seule une absence acceptée, pas encore rattrapée, attend son rattrapage."))
    if not what:
        raise ValidationError({"what": _("Indiquez ce qui rattrape l'absence (séance, travail à rendre…).")})
    absence.makeup_what, absence.makeup_planned_on = what, planned_on
    absence.save(update_fields=["makeup_what", "makeup_planned_on"])
    event_record(
        dossier=absence.dossier, actor=by, verb="attendance.absence.makeup_plan",
        summary=_("Rattrapage de l'absence du %(day)s prévu : %(what)s%(when)s.") % {
            "day": long_date(absence.day), "what": what,
            "when": (" " + _("le %(date)s") % {"date": long_date(planned_on)}) if planned_on else ""},
    )
    return absence


@transaction.atomic
def makeup_done(*, absence, by):
    """ABS-2: the office or the head marks the make-up done; until then the
    absence stays on their queue."""
    absence = _locked(absence)
    if not roles.can_follow_makeup(by, absence.dossier):
        raise PermissionDenied(_("Seuls le service Contrats pro et le responsable de département suivent un rattrapage."))
    if absence.state != AbsenceState.ACCEPTED or absence.makeup_done_at:
        raise ValidationError(_("Seule une absence acceptée, pas encore rattrapée, attend son rattrapage."))
    if not absence.makeup_what:
        raise ValidationError(_("Prévoyez d'abord le rattrapage : ce qui le fait et quand."))
    absence.makeup_done_at, absence.makeup_done_by = timezone.now(), by
    absence.save(update_fields=["makeup_done_at", "makeup_done_by"])
    event_record(
        dossier=absence.dossier, actor=by, verb="attendance.absence.makeup_done",
        summary=_("Absence du %(day)s rattrapée : %(what)s.") % {"day": long_date(absence.day), "what": absence.makeup_what},
    )
    return absence


# --- ABS-3: incidents, the rupture and its 30 days --------------------------------

REPORTED_HERE = (Incident.Kind.ACCIDENT, Incident.Kind.RUPTURE, Incident.Kind.OTHER)


@transaction.atomic
def incident_declare(*, dossier, kind, start, by, description=""):
    """ABS-3, step E: the student or the office reports an accident, a
    rupture or another incident (an arrêt comes with its file:
    ``sick_leave_declare``); the office is told after commit. A rupture ends
    the remaining steps and starts the employer's 30 days (NOTIF-3)."""
    if kind not in REPORTED_HERE:
        raise ValidationError({"kind": _("Un arrêt de travail se déclare avec l'arrêt lui-même (« Déclarer un arrêt »).")})
    incident = incident_report(dossier=dossier, kind=kind, start=start, by=by, description=(description or "").strip())
    notify_incident_reported.delay_on_commit(incident.pk)
    return incident


def rupture_due(incident):
    """NOTIF-3: the employer reports the rupture by its date + 30 calendar days."""
    return incident.start + RUPTURE_NOTICE


@transaction.atomic
def rupture_declaration_record(*, incident, by):
    """NOTIF-3: the office records that the employer reported the rupture
    (to the OPCO, DREETS and URSSAF); its obligation is then done."""
    if not roles.can_record_rupture_declaration(by):
        raise PermissionDenied(_("Seul le service Contrats pro enregistre la déclaration de la rupture."))
    if incident.kind != Incident.Kind.RUPTURE:
        raise ValidationError(_("Seule une rupture se déclare à l'OPCO."))
    try:
        with transaction.atomic():
            declaration = RuptureDeclaration.objects.create(incident=incident, recorded_by=by)
    except IntegrityError as exc:
        raise ValidationError(_("La déclaration de cette rupture est déjà enregistrée.")) from exc
    event_record(
        dossier=incident.dossier, actor=by, verb="attendance.rupture.declared",
        summary=_("L'employeur a déclaré la rupture du %(date)s à l'OPCO.") % {"date": long_date(incident.start)},
    )
    return declaration


def rupture_obligations(dossiers, due_between=None):
    """The deadlines registry's source « attendance.incidents » (NOTIF-3):
    for each rupture, the company declares it to the OPCO by its date + 30
    days, done once the office recorded it; one query (with
    ``due_between``, only the ruptures whose 30 days end within it)."""
    declared = Exists(RuptureDeclaration.objects.filter(incident=OuterRef("pk")))
    rows = Incident.objects.filter(dossier__in=dossiers, kind=Incident.Kind.RUPTURE)
    if due_between is not None:
        rows = rows.filter(start__range=(due_between[0] - RUPTURE_NOTICE, due_between[1] - RUPTURE_NOTICE))
    label, actors = _("Déclarer la rupture à l'OPCO"), frozenset({roles.Actor.COMPANY})
    url = dossier_url("attendance:incident-report")
    for incident in rows.annotate(declared=declared).only("pk", "dossier_id", "start"):
        yield Obligation(
            dossier_id=incident.dossier_id, key=f"rupture:{incident.pk}", label=label, actors=actors,
            due=rupture_due(incident), done=incident.declared, url=url(incident.dossier_id),
        )
