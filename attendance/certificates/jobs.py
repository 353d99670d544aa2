"""Asking for certificates (CERT-1, NOTIF-2): the batch and its items are
written, then each item's build is queued on commit; the web request never
waits for a PDF (``tasks.build_certificate`` runs ``services.certificate_item_build``)."""

from django.db import transaction

from . import services
from .tasks import build_certificate


@transaction.atomic
def certificate_batch_request(*, year, kind, by, dossier=None):
    """A batch for ``year`` and ``kind`` (or one ``dossier``), its builds queued; returns it."""
    batch = services.certificate_batch_create(year=year, kind=kind, by=by, dossier=dossier)
    for item_id in batch.items.values_list("pk", flat=True):
        build_certificate.delay_on_commit(item_id)
    return batch


@transaction.atomic
def certificate_batch_rerun(*, batch, by):
    """The failed items of ``batch`` queued again."""
    for item_id in services.certificate_batch_retry(batch=batch, by=by):
        build_certificate.delay_on_commit(item_id)
    return batch
