"""Background jobs of the convention (DOC-8, NOTIF-2)."""

from celery import shared_task

from .services import convention_copies_send


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_convention_copies(dossier_id, target, by_id):
    """DOC-8: e-mail the signed convention to the company (step 6') or the
    CERFA and convention to the service social (step 7); idempotent, see
    ``conventions.convention.convention_copies_send``."""
    return convention_copies_send(dossier_id=dossier_id, target=target, by_id=by_id)
