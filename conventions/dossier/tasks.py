"""Background jobs of the dossier (NOTIF-2)."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from contratpro.school.services import office_contact

from .models import Dossier


def notification_recipients(dossier):
    """The office's mailbox (CONTACT-1, from the school's identity of the
    dossier's year) and the heads of the student's department and option."""
    emails = [office_contact(dossier.year.start_year)["email"]]
    for head in (dossier.student.department.head, dossier.student.option and dossier.student.option.head):
        if head is not None and head.email and head.email not in emails:
            emails.append(head.email)
    return emails


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_dossier_opened(dossier_id):
    """Tell the office and the department head that a student took step 1."""
    dossier = Dossier.objects.for_detail().get(pk=dossier_id)
    context = {"dossier": dossier, "student": dossier.student}
    send_mail(
        subject=_("Contrat pro : %(name)s (%(dept)s) engage sa démarche")
        % {"name": dossier.student.full_name, "dept": dossier.student.department.code},
        message=render_to_string("emails/dossier_opened.txt", context),
        from_email=None,
        recipient_list=notification_recipients(dossier),
    )
