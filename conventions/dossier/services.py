"""State changes of dossiers. Each runs in a transaction and records an event."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.frenchdates import long_date
from students import eligibility
from students.history import event_record

from . import steps
from .models import Dossier, Incident
from .tasks import notify_dossier_opened


@transaction.atomic
def dossier_open(*, student, by):
    """Step 1 (STEP-1): the student informs the office and their department
    head of their project. Allowed once no eligibility check blocks and every
    stated risk is acknowledged (ELIG-1…8); opens the dossier of the year and
    notifies both, after commit (NOTIF-2)."""
    if by.pk != student.user_id:
        raise PermissionDenied(_("Seul l'élève engage sa démarche (étape 1)."))
    if Dossier.objects.filter(student=student, year=student.year).exists():
        raise ValidationError(_("Votre dossier %(year)s est déjà ouvert : l'étape 1 est faite.") % {"year": student.year})
    result = eligibility.evaluate(student)
    if result.blocking:
        raise ValidationError(
            _("Étape 1 impossible : %(rules)s bloque encore. Réglez d'abord ce point.")
            % {"rules": ", ".join(c.title for c in result.blocking)}
        )
    if result.awaiting_acknowledgement:
        raise ValidationError(
            _("Étape 1 impossible : acceptez d'abord le risque signalé (%(rules)s).")
            % {"rules": ", ".join(c.title for c in result.awaiting_acknowledgement)}
        )
    dossier = Dossier.objects.create(student=student, year=student.year)
    steps.steps_sync(dossier)
    steps.step_transition(step=dossier.steps.get(code="1"), action=steps.SUBMIT, by=by)
    event_record(
        student=student, actor=by, verb="conventions.dossier.open",
        summary=_("Étape 1 – le service Contrats pro et le responsable de département sont informés du projet."),
    )
    notify_dossier_opened.delay_on_commit(dossier.pk)
    return dossier


@transaction.atomic
def dossier_approve_contract(*, dossier, by):
    """ELIG-9: the department head approves the contract; without it the
    dossier cannot pass step 3 (``steps.contract_approved``)."""
    if not roles.can_approve_contract(by, dossier):
        raise PermissionDenied(_("Seul le responsable du département de l'élève donne cet accord."))
    if dossier.head_approval_at:
        raise ValidationError(_("Le contrat a déjà reçu l'accord du responsable de département."))
    dossier.head_approval_by = by
    dossier.head_approval_at = timezone.now()
    dossier.save(update_fields=["head_approval_by", "head_approval_at", "updated_at"])
    event_record(
        student=dossier.student, actor=by, verb="conventions.dossier.approve",
        summary=_("Accord du responsable de département sur le contrat."),
    )
    return dossier



def incident_bounds(dossier):
    """ABS-3: an incident falls within the contract and has happened: from
    the contract's first day (the year's rentrée while it is not known, less
    the summer weeks a contract may start in) to its last day or today,
    whichever comes first."""
    year = dossier.year
    first = dossier.start_date or (year.rentree - datetime.timedelta(days=92))
    last = min(timezone.localdate(), dossier.end_date or year.contract_end)
    return first, last


def _check_incident_date(dossier, start):
    first, last = incident_bounds(dossier)
    if start is None:
        return
    if start > timezone.localdate():
        raise ValidationError({"start": _("Un incident se signale une fois survenu : sa date est passée ou d'aujourd'hui.")})
    if not first <= start <= last:
        raise ValidationError({"start": _(
            "Cette date n'est pas dans le contrat : un incident se situe entre le %(first)s et le %(last)s."
        ) % {"first": long_date(first), "last": long_date(last)}})


def _close_steps(dossier, by, incident, summary, verb):
    """Sync the steps after ``incident`` and record the event, naming the
    steps a confirmed rupture closed."""
    before = set(dossier.steps.values_list("code", flat=True))
    after = {row.code for row in steps.steps_sync(dossier)}
    ended = [steps.BY_CODE[code].display_code for code in sorted(before - after, key=steps.ORDER.get)]
    if ended:
        summary += " " + _("Étapes closes, sans objet après la rupture : %(codes)s.") % {"codes": ", ".join(ended)}
    event_record(
        dossier=dossier, actor=by, verb=verb, summary=summary,
        changes={"steps_ended": ended} if ended else None,
    )


@transaction.atomic
def incident_report(*, dossier, kind, start, by, description=""):
    """ABS-3, step E: the student or the office records an incident; step E
    then applies to the dossier (STEP-5). Its date lies within the contract
    and is past (``incident_bounds``). A rupture is recorded once; reported
    by the office it is confirmed at once and ends the steps not yet
    validated (``steps.ended_by_rupture``), named in its event; reported by
    the student it waits for the office's confirmation (``rupture_confirm``)
    or dismissal (``rupture_dismiss``), and closes nothing meanwhile."""

    if not roles.can_report_incident(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro signalent un incident."))
    _check_incident_date(dossier, start)
    incident = Incident(dossier=dossier, kind=kind, start=start, description=description, reported_by=by)
    if kind == Incident.Kind.RUPTURE:
        # One rupture per dossier, whoever reports it first (the row is locked).
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        if dossier.incidents.filter(kind=Incident.Kind.RUPTURE).exists():
            raise ValidationError(_("La rupture de ce contrat est déjà enregistrée."))
        if roles.can_confirm_rupture(by):
            incident.confirmed_at, incident.confirmed_by = timezone.now(), by
    incident.full_clean()
    incident.save()
    summary = _("Incident signalé : %(incident)s.") % {"incident": incident}
    if incident.awaits_confirmation:
        summary += " " + _("Le service Contrats pro doit confirmer la rupture avant que la démarche ne s'arrête.")
    _close_steps(dossier, by, incident, summary, "conventions.incident.report")
    return incident


@transaction.atomic
def rupture_confirm(*, incident, by):
    """ABS-3: the office confirms a rupture the student reported: the steps
    not yet validated close (``steps.ended_by_rupture``)."""
    if not roles.can_confirm_rupture(by):
        raise PermissionDenied(_("Seul le service Contrats pro confirme une rupture."))
    incident = Incident.objects.select_for_update().select_related("dossier__year").get(pk=incident.pk)
    if not incident.awaits_confirmation:
        raise ValidationError(_("Cette rupture est déjà confirmée."))
    incident.confirmed_at, incident.confirmed_by = timezone.now(), by
    incident.save(update_fields=["confirmed_at", "confirmed_by"])
    summary = _("Rupture du %(date)s confirmée par le service Contrats pro.") % {"date": long_date(incident.start)}
    _close_steps(incident.dossier, by, incident, summary, "conventions.incident.rupture_confirm")
    return incident


@transaction.atomic
def rupture_dismiss(*, incident, reason, by):
    """ABS-3: the office sets aside a rupture the student reported by
    mistake (or with a wrong date, to be reported again), with a written
    reason kept in the event log; nothing had closed."""
    if not roles.can_confirm_rupture(by):
        raise PermissionDenied(_("Seul le service Contrats pro écarte un signalement de rupture."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Écrivez pourquoi ce signalement est écarté : l'élève le lira dans l'historique.")})
    incident = Incident.objects.select_for_update().select_related("dossier").get(pk=incident.pk)
    if not incident.awaits_confirmation:
        raise ValidationError(_("Une rupture confirmée ne s'écarte plus."))
    dossier, label = incident.dossier, str(incident)
    incident.delete()
    summary = _("Signalement écarté : %(incident)s. Motif : %(reason)s") % {"incident": label, "reason": reason}
    _close_steps(dossier, by, None, summary, "conventions.incident.rupture_dismiss")
