"""Background jobs of the digests (NOTIF-1, NOTIF-2): the weekly and the
daily sweeps beat runs, and one send per claimed digest."""

import datetime

from celery import shared_task

from . import services

RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 1800  # well under Redis's visibility timeout (ECOSYSTEM.md)


def _day(today):
    return datetime.date.fromisoformat(today) if today else None


@shared_task(acks_late=True)
def digest_weekly(today=None):
    """Beat's Monday job (``CELERY_BEAT_SCHEDULE``, editable in the admin's
    periodic tasks): claim the week's digests, queue their sends. Safe to
    run twice: the claims decide. ``today`` (ISO date) for a run by hand."""
    return len(services.weekly_sweep(_day(today), queue=send_digest.delay))


@shared_task(acks_late=True)
def digest_daily(today=None):
    """Beat's daily job: claim today's digests of notifications, queue their sends."""
    return len(services.daily_sweep(_day(today), queue=send_digest.delay))


@shared_task(bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS - 1)
def send_digest(self, claim_id):
    """Send one claimed digest; a failure retries *this* claim with a
    growing delay (never a new claim), at most ``MAX_ATTEMPTS`` times."""
    outcome = services.digest_send(claim_id)
    if outcome == "failed" and not self.request.is_eager:
        retry_in = min(RETRY_BASE_SECONDS * 2 ** self.request.retries, RETRY_MAX_SECONDS)
        raise self.retry(countdown=retry_in)
    return outcome
