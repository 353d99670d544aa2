"""Background jobs of the personal links (ROLE-5, NOTIF-2)."""

from celery import shared_task

from .mail import link_message
from .models import ExternalLink
from .services import link_state


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_link_email(link_id, url):
    """E-mail a personal link to its contact (ROLE-5). A link revoked or
    expired before the mail goes out is not sent."""
    link = ExternalLink.objects.select_related("contact", "dossier__student__user", "dossier__company", "dossier__year").get(pk=link_id)
    if link_state(link) != "active":
        return False
    if link.purpose == ExternalLink.Purpose.SIGN_CONVENTION and not link.contact.email_confirmed:
        return False  # ROLE-5, DOC-12: never to an address the office has not confirmed
    link_message(link, url).send()
    return True
