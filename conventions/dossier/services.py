"""State changes of dossiers. Each runs in a transaction and records an event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
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



@transaction.atomic
def incident_report(*, dossier, kind, start, by, description=""):
    """ABS-3, step E: the student or the office records an incident; step E
    then applies to the dossier (STEP-5). A rupture is recorded once, on a
    day no later than today: it ends the steps not yet validated
    (``steps.ended_by_rupture``), named in its event."""

    if not roles.can_report_incident(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro signalent un incident."))
    if kind == Incident.Kind.RUPTURE:
        # One rupture per dossier, whoever reports it first (the row is locked).
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        if dossier.incidents.filter(kind=Incident.Kind.RUPTURE).exists():
            raise ValidationError(_("La rupture de ce contrat est déjà enregistrée."))
        if start and start > timezone.localdate():
            raise ValidationError({"start": _("Une rupture se signale une fois survenue : sa date est passée ou d'aujourd'hui.")})
    incident = Incident(dossier=dossier, kind=kind, start=start, description=description, reported_by=by)
    incident.full_clean()
    incident.save()
    before = set(dossier.steps.values_list("code", flat=True))
    after = {row.code for row in steps.steps_sync(dossier)}
    summary = _("Incident signalé : %(incident)s.") % {"incident": incident}
    ended = [steps.BY_CODE[code].display_code for code in sorted(before - after, key=steps.ORDER.get)]
    if ended:
        summary += " " + _("Étapes closes, sans objet après la rupture : %(codes)s.") % {"codes": ", ".join(ended)}
    event_record(
        dossier=dossier, actor=by, verb="conventions.incident.report", summary=summary,
        changes={"steps_ended": ended} if ended else None,
    )
    return incident
