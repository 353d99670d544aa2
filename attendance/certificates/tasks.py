"""Background jobs of the certificates (CERT-1, NOTIF-2)."""

from celery import shared_task

from .services import certificate_item_build


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=3)
def build_certificate(self, item_id):
    """Build one certificate of a batch, once (see ``services.certificate_item_build``);
    an ``OSError`` is retried, and counts the item failed only on the last attempt."""
    return certificate_item_build(item_id, final=self.request.retries >= self.max_retries)
