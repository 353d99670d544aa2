"""One batch for the documents built in the background for many dossiers
(NOTIF-2): billing's ``InvoiceBatch`` (BILL-2) and attendance's
``CertificateBatch`` (CERT-1) are both a ``Batch``. A batch is the office's
request; its items, one per dossier, are claimed, built and counted once.

``Batch`` holds the state, the counts (``done`` and ``failed`` out of
``total``), who asked and when, when it finished, and the progress read
from them. ``BatchItem`` holds an item's dossier and error; each concrete
item adds its ``batch`` (``related_name="items"``) and its states. The
concrete models keep their year, their own labels and constraints (the
columns are unchanged: no migration).

``batch_count`` is the one way an item's end is counted: one UPDATE of the
count, then the batch finished (done, or done with failures) once every
item is counted, running while some are not."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Batch", "BatchItem", "batch_count"]


class Batch(models.Model):
    """A request to build one kind of document for a selection of dossiers."""

    class State(models.TextChoices):
        PENDING = "attente", _("En attente")
        RUNNING = "en_cours", _("En cours")
        DONE = "termine", _("Terminé")
        FAILED = "echecs", _("Terminé avec des échecs")

    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(_("dossiers"), default=0)
    done = models.PositiveIntegerField(_("faits"), default=0)
    failed = models.PositiveIntegerField(_("échecs"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandé par"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ("-requested_at", "-pk")

    @property
    def finished(self):
        return self.done + self.failed >= self.total

    @property
    def percent(self):
        return 100 if not self.total else round(100 * (self.done + self.failed) / self.total)


class BatchItem(models.Model):
    """One dossier of a batch; the concrete item adds ``batch`` and ``state``."""

    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="+"
    )
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        abstract = True
        ordering = ("batch", "pk")


def batch_count(model, batch_id, field):
    """Count one item of ``model``'s batch ``batch_id`` as ``field``
    (« done » or « failed »): the count in one UPDATE, then the batch
    finished once every item is counted (failed if any failed), else
    running. Safe under concurrent workers: each step is a conditional UPDATE."""
    model.objects.filter(pk=batch_id).update(**{field: F(field) + 1})
    batch = model.objects.get(pk=batch_id)
    if batch.finished and batch.finished_at is None:
        state = model.State.FAILED if batch.failed else model.State.DONE
        model.objects.filter(pk=batch_id, finished_at__isnull=True).update(state=state, finished_at=timezone.now())
    elif batch.state == model.State.PENDING:
        model.objects.filter(pk=batch_id, state=model.State.PENDING).update(state=model.State.RUNNING)
