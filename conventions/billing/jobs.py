"""Asking for billing's background work (NOTIF-2): the service's write,
then the task queued on commit; the web request never waits for a PDF."""

from django.db import transaction

from . import batches, services
from .tasks import build_invoice_file, issue_batch_item


@transaction.atomic
def invoice_issue_request(*, invoice, by, send=False, today=None):
    """BILL-4, BILL-6: issue ``invoice``; its Factur-X file is built on
    commit and, with ``send``, mailed to the billing contact."""
    invoice = services.invoice_issue(invoice=invoice, by=by, today=today)
    build_invoice_file.delay_on_commit(invoice.pk, send)
    return invoice


@transaction.atomic
def credit_note_request(*, invoice, reason, by, amount=None, today=None, send=False):
    """BILL-4, BILL-6: issue a credit note on ``invoice``; its file on commit."""
    note = services.credit_note_issue(invoice=invoice, reason=reason, by=by, amount=amount, today=today)
    build_invoice_file.delay_on_commit(note.pk, send)
    return note


@transaction.atomic
def file_request(*, invoice):
    """BILL-6: build again a file that is missing (a failed build)."""
    build_invoice_file.delay_on_commit(invoice.pk, False)


@transaction.atomic
def invoice_batch_request(*, year, period, dossiers, by, send=True, today=None):
    """BILL-2: a bulk issue, each dossier's item queued on commit; returns the batch."""
    batch = batches.invoice_batch_create(year=year, period=period, dossiers=dossiers, by=by, send=send, today=today)
    for item_id in batch.items.values_list("pk", flat=True):
        issue_batch_item.delay_on_commit(item_id)
    return batch
