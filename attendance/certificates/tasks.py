"""Background jobs of the certificates (CERT-1, NOTIF-2)."""

from celery import shared_task

from .services import certificate_item_build


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_certificate(item_id):
    """Build one certificate of a batch, once (see ``services.certificate_item_build``)."""
    return certificate_item_build(item_id)
