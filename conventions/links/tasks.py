"""Background jobs of the personal links (ROLE-5, NOTIF-2)."""

from celery import shared_task
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .models import ExternalLink
from .services import PURPOSE_HELP, contact_email, link_state


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_link_email(link_id, url):
    """E-mail a personal link to its contact (ROLE-5). A link revoked or
    expired before the mail goes out is not sent."""
    link = ExternalLink.objects.select_related("contact", "dossier__student__user", "dossier__company", "dossier__year").get(pk=link_id)
    if link_state(link) != "active":
        return False
    if link.purpose == ExternalLink.Purpose.SIGN_CONVENTION and not link.contact.email_confirmed:
        return False  # ROLE-5, DOC-12: never to an address the office has not confirmed
    student = link.dossier.student
    context = {
        "link": link,
        "contact": link.contact,
        "student": student,
        "company": link.dossier.company,
        "what": PURPOSE_HELP[link.purpose],
        "url": url,
        "office_email": contact_email(link.dossier.year.start_year),
    }
    EmailMessage(
        subject=_("IMT Mines Alès – votre lien personnel : %(purpose)s (%(student)s)")
        % {"purpose": link.get_purpose_display(), "student": student.full_name},
        body=render_to_string("emails/link_sent.txt", context),
        to=[link.contact.email],
        reply_to=[context["office_email"]],
    ).send()
    return True
