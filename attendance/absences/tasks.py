"""Background jobs of absences and incidents (NOTIF-2): thin, by id.

Neither is ``acks_late``: a mail is not idempotent (a worker lost after
``send_mail`` but before its ack would send it twice on redelivery), so the
message is acknowledged when the worker takes it. The price, accepted: a
worker lost mid-task loses that mail and nobody re-sends it; what it
announces stays on the office's list of arrêts and incidents and on the
head's queue, which are where the work is done."""

from celery import shared_task

from contratpro.school.services import office_contact
from conventions.dossier.models import Incident
from conventions.mailtexts.registry import mail_message

from . import mail
from .models import ExceptionalAbsence


@shared_task(acks_late=False, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_incident_reported(incident_id):
    """ABS-3: tell the office's mailbox (CONTACT-1) that an incident was
    reported, once, after the report's commit."""
    incident = Incident.objects.select_related(
        "dossier__student__user", "dossier__student__department", "dossier__year", "dossier__company", "reported_by"
    ).get(pk=incident_id)
    office = office_contact(incident.dossier.year.start_year)
    mail_message(mail.INCIDENT, mail.incident_context(incident, office), to=[office["email"]]).send()


@shared_task(acks_late=False, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_absence_requested(absence_id):
    """ABS-2: tell the heads of the student's department and option that a
    request waits for their decision."""
    absence = ExceptionalAbsence.objects.select_related(
        "dossier__student__user", "dossier__student__department__head", "dossier__student__option__head",
        "dossier__company", "dossier__year",
    ).get(pk=absence_id)
    student = absence.dossier.student
    heads = [head.email for head in (student.department.head, student.option and student.option.head)
             if head is not None and head.email]
    if not heads:
        return
    office = office_contact(absence.dossier.year.start_year)
    mail_message(
        mail.REQUEST, mail.request_context(absence, office), to=list(dict.fromkeys(heads)), reply_to=[office["email"]],
    ).send()
