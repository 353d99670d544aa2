"""Bulk issue (BILL-2, NOTIF-2): one period's invoices for a selection of
dossiers, issued in the background, one item per dossier, each claimed,
issued and counted once; then each invoice's Factur-X file is built and
mailed to the billing contact."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.documents.batches import batch_count

from . import services
from .mail import invoice_send
from .models import InvoiceBatch, InvoiceBatchItem
from .pdf import invoice_file_build


@transaction.atomic
def invoice_batch_create(*, year, period, dossiers, by, send=True, today=None):
    """A batch for ``period`` over ``dossiers`` of ``year`` (a queryset the
    caller took from ``roles.dossiers_for``), its items pending. BILL-2:
    only the dossiers whose period's billing day has come (``billing_dates``);
    none, and the batch is refused with the first day it opens."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro établit les factures."))
    rows = list(dossiers.filter(year=year, company__isnull=False).values_list("pk", "end_date"))
    if not rows:
        raise ValidationError(_("Aucun dossier de l'année sélectionné (avec une entreprise) : rien à facturer."))
    today = today or services.clock()
    days = {pk: services.year_billing_days(year, end=end)[period] for pk, end in rows}
    ids = [pk for pk, day in days.items() if day <= today]
    if not ids:
        raise ValidationError(services.billing_day_refusal(period, min(days.values()), today))
    batch = InvoiceBatch.objects.create(year=year, period=period, total=len(ids), send=send, requested_by=by)
    InvoiceBatchItem.objects.bulk_create(InvoiceBatchItem(batch=batch, dossier_id=pk) for pk in ids)
    return batch


def _count(batch_id, field):
    batch_count(InvoiceBatch, batch_id, field)


def invoice_item_run(item_id):
    """The task's body: the item's period drafted and issued in one
    transaction (a refusal marks the item failed with its French reason,
    and issues nothing), then each new invoice's file built and mailed.
    Idempotent: an item no longer pending is left as it is."""
    with transaction.atomic():
        item = InvoiceBatchItem.objects.select_for_update(of=("self",)).select_related(
            "batch__requested_by", "dossier__student__user", "dossier__year", "dossier__company"
        ).get(pk=item_id)
        if item.state != InvoiceBatchItem.State.PENDING:
            return []
        batch = item.batch
        try:
            with transaction.atomic():
                drafts = services.invoice_prepare(dossier=item.dossier, period=batch.period, by=batch.requested_by)
                issued = [services.invoice_issue(invoice=d, by=batch.requested_by) for d in drafts]
        except (ValidationError, PermissionDenied) as error:
            item.state = InvoiceBatchItem.State.FAILED
            item.error = " ".join(getattr(error, "messages", [str(error)]))[:2000]
            item.save(update_fields=["state", "error"])
            _count(batch.pk, "failed")
            return []
        item.state = InvoiceBatchItem.State.DONE
        item.save(update_fields=["state"])
        _count(batch.pk, "done")
    for invoice in issued:
        invoice_file_build(invoice.pk)
        if batch.send:
            invoice_send(invoice.pk)
    return [invoice.pk for invoice in issued]
