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


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_link_email(link_id, url):
    """E-mail a personal link to its contact (ROLE-5). A link revoked or
    expired before the mail goes out is not sent."""
    from django.core.mail import EmailMessage

    from .links import PURPOSE_HELP, contact_email, link_state
    from .models import ExternalLink

    link = ExternalLink.objects.select_related("contact", "dossier__student__user", "dossier__company").get(pk=link_id)
    if link_state(link) != "active":
        return False
    student = link.dossier.student
    context = {
        "link": link,
        "contact": link.contact,
        "student": student,
        "company": link.dossier.company,
        "what": PURPOSE_HELP[link.purpose],
        "url": url,
        "office_email": contact_email(),
    }
    EmailMessage(
        subject=_("IMT Mines Alès – votre lien personnel : %(purpose)s (%(student)s)")
        % {"purpose": link.get_purpose_display(), "student": student.full_name},
        body=render_to_string("emails/link_sent.txt", context),
        to=[link.contact.email],
        reply_to=[contact_email()],
    ).send()
    return True


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_convention_copies(dossier_id, target, by_id):
    """DOC-8: e-mail the signed convention to the company (step 6') or the
    CERFA and convention to the service social (step 7); idempotent, see
    ``conventions.convention.convention_copies_send``."""
    from .convention import convention_copies_send

    return convention_copies_send(dossier_id=dossier_id, target=target, by_id=by_id)
