"""Background jobs of billing (BILL-2, BILL-6, NOTIF-2): thin wrappers
over the services, taking ids, safe to run twice."""

import logging

from celery import shared_task

from .batches import invoice_item_run
from .mail import invoice_send
from .pdf import invoice_file_build

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_invoice_file(invoice_id, send=False):
    """BILL-6: the Factur-X file of an issued invoice, then (``send``) the
    mail; idempotent (the file is attached once, the mail claimed once). A
    permanent error (the school's identity incomplete) is logged, not
    retried: the invoice's page shows the file missing and builds it again."""
    try:
        built = invoice_file_build(invoice_id)
    except OSError:
        raise
    except Exception:
        logger.exception("Invoice file %s failed", invoice_id)
        return False
    if built and send:
        invoice_send(invoice_id)
    return built


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def issue_batch_item(item_id):
    """BILL-2: one dossier of a bulk issue; idempotent (``batches.invoice_item_run``)."""
    return invoice_item_run(item_id)
