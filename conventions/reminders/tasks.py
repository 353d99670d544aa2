"""Background jobs of the reminders (NOTIF-1, NOTIF-2): the daily sweep
that beat runs, and one send per claimed reminder."""

import datetime

from celery import shared_task

from . import services

RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 1800  # well under Redis's visibility timeout (ECOSYSTEM.md)


@shared_task(acks_late=True)
def reminders_sweep_daily(today=None):
    """Beat's daily job (``CELERY_BEAT_SCHEDULE``, editable in the admin's
    periodic tasks): claim today's reminders, queue their sends. Safe to run
    twice: the claims decide. ``today`` (ISO date) is for a catch-up by hand."""
    day = datetime.date.fromisoformat(today) if today else None
    return len(services.reminders_sweep(day, queue=send_reminder.delay))


@shared_task(bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS - 1)
def send_reminder(self, claim_id):
    """Send one claimed reminder; a failure retries *this* claim with a
    growing delay (never a new claim), at most ``MAX_ATTEMPTS`` times."""
    outcome = services.reminder_send(claim_id)
    if outcome == "failed" and not self.request.is_eager:
        retry_in = min(RETRY_BASE_SECONDS * 2 ** self.request.retries, RETRY_MAX_SECONDS)
        raise self.retry(countdown=retry_in)
    return outcome
