"""Background jobs of the conventions room (NOTIF-2)."""

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .models import Dossier


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_dossier_opened(dossier_id):
    """Tell the office and the department head that a student took step 1."""
    from .services import notification_recipients

    dossier = Dossier.objects.for_detail().get(pk=dossier_id)
    context = {"dossier": dossier, "student": dossier.student}
    send_mail(
        subject=_("Contrat pro : %(name)s (%(dept)s) engage sa démarche")
        % {"name": dossier.student.full_name, "dept": dossier.student.department.code},
        message=render_to_string("emails/dossier_opened.txt", context),
        from_email=None,
        recipient_list=notification_recipients(dossier),
    )


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_pdf(job_id):
    """Build one PDF (NOTIF-2); see ``conventions.pdf``."""
    from .pdf import pdf_build

    return pdf_build(job_id)
