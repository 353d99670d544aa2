"""Background jobs of the PFE (NOTIF-2): thin, idempotent, by id."""

from celery import shared_task

from . import ics


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def defence_mail_jury(defence_id):
    """PFE-1: the jury gets the defence's current revision, once."""
    return ics.defence_mail_jury(defence_id)
