"""Background jobs of the notifications (issue 15, NOTIF-2): one mail per
notification, queued after the event's commit."""

from celery import shared_task

from . import services

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 1800  # well under Redis's visibility timeout (ECOSYSTEM.md)


@shared_task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS - 1)
def send_notification(self, notification_id):
    """Mail one notification; safe to run twice (the conditional UPDATE on
    ``mailed_at IS NULL`` takes it once). A transient failure gives the
    claim back and retries with a growing delay; a permanent one (no
    address, no personal link possible) stays in ``mail_error``."""
    outcome = services.notification_send(notification_id)
    if outcome == "failed" and not self.request.is_eager:
        raise self.retry(countdown=min(RETRY_BASE_SECONDS * 2 ** self.request.retries, RETRY_MAX_SECONDS))
    return outcome
