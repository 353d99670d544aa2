"""Background jobs of the dossier (NOTIF-2)."""

from celery import shared_task

from contratpro.school.services import office_contact
from conventions.mailtexts.registry import mail_message

from . import mail
from .models import Dossier


def notification_recipients(dossier, office=None):
    """The office's mailbox (CONTACT-1, from the school's identity of the
    dossier's year) and the heads of the student's department and option."""
    emails = [(office or office_contact(dossier.year.start_year))["email"]]
    for head in (dossier.student.department.head, dossier.student.option and dossier.student.option.head):
        if head is not None and head.email and head.email not in emails:
            emails.append(head.email)
    return emails


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_dossier_opened(dossier_id):
    """Tell the office and the department head that a student took step 1."""
    dossier = Dossier.objects.for_detail().get(pk=dossier_id)
    office = office_contact(dossier.year.start_year)
    mail_message(
        mail.KEY, mail.opened_context(dossier, office), to=notification_recipients(dossier, office),
        reply_to=[office["email"]],
    ).send()
