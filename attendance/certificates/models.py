"""Certificats de réalisation (CERT-1) and their public verification (CERT-2).

A ``Certificate`` is one issue of one certificate for one dossier and one
period — the end of S9, the end of the contract, or a rupture — with the
minutes signed present in that period, the ``Document`` (kind
``certificat``, versioned) it produced, a verification code and the
keyed HMAC-SHA-256 of its certified content (field ``sha256``).
Re-issuing writes a new row (version 2…)
and a new document version; the old ones stay.

A ``CertificateBatch`` is the office's request to issue certificates for a
year (or one dossier), built in the background (NOTIF-2): one
``CertificateBatchItem`` per dossier, each claimed, built and counted once.

Re-exported by attendance/models.py; other models are named by string
(\"conventions.Dossier\"), never imported from attendance.models (no cycle).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from conventions.documents.batches import Batch, BatchItem

__all__ = ["Certificate", "CertificateBatch", "CertificateBatchItem", "CertificateKind"]


class CertificateKind(models.TextChoices):
    S9 = "s9", _("Fin du semestre 9")
    FIN = "fin", _("Fin du contrat")
    RUPTURE = "rupture", _("Rupture du contrat")


class Certificate(models.Model):
    """One issued certificat de réalisation (CERT-1, CERT-2)."""

    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(_("période"), max_length=8, choices=CertificateKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    # CERT-1: only the minutes of sessions signed by their teacher, present.
    minutes = models.PositiveIntegerField(_("minutes réalisées"))
    document = models.ForeignKey(
        "conventions.Document", verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("émis le"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("émis par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    batch = models.ForeignKey(
        "attendance.CertificateBatch", verbose_name=_("lot"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="certificates",
    )
    # CERT-2: typed by an OPCO (12 characters of an unambiguous alphabet).
    code = models.CharField(_("code de vérification"), max_length=12, unique=True)
    # CERT-2: the certified content as issued (canonical JSON) and, in
    # ``sha256`` (the name kept), its keyed HMAC-SHA-256 under
    # settings.CERTIFICATE_KEY — no longer a plain SHA-256, which anyone
    # rewriting the row could recompute (services.digest).
    content = models.JSONField(_("contenu certifié"))
    sha256 = models.CharField(_("empreinte HMAC-SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("certificat de réalisation")
        verbose_name_plural = _("certificats de réalisation")
        ordering = ("-issued_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("dossier", "kind", "version"), name="certificate_version_unique",
                violation_error_message=_("Cette version du certificat existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="certificate_period_ordered",
                violation_error_message=_("La période d'un certificat finit après son début."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} ({self.code_display})"

    @property
    def hours(self):
        """« 37 h 30 »: the realised minutes as French hours."""
        h, m = divmod(self.minutes, 60)
        return f"{h}\u00a0h\u00a0{m:02d}" if m else f"{h}\u00a0h"

    @property
    def code_display(self):
        """« ABCD-EFGH-JKMN »: the code in groups of four, as printed."""
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))


class CertificateBatch(Batch):
    """The office's request to issue certificates (CERT-1, NOTIF-2): built by
    Celery, its progress counted here (``done`` and ``failed`` out of
    ``total``: ``conventions.documents.batches``)."""

    year = models.ForeignKey(
        "students.AcademicYear", verbose_name=_("année"), on_delete=models.PROTECT, related_name="certificate_batches"
    )
    kind = models.CharField(_("période"), max_length=8, choices=CertificateKind.choices)
    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier seul"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("certificats demandés"), default=0)
    done = models.PositiveIntegerField(_("certificats émis"), default=0)

    class Meta:
        verbose_name = _("lot de certificats")
        verbose_name_plural = _("lots de certificats")
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=F("total") - F("failed")), name="certificate_batch_counts",
                violation_error_message=_("Un lot ne compte pas plus de certificats que demandés."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} ({self.done}/{self.total})"


class CertificateBatchItem(BatchItem):
    """One dossier of a batch: built once (``certificate`` set with the
    state ``done`` in the same transaction), a failure kept with its error
    and run again by « Relancer »."""

    class State(models.TextChoices):
        PENDING = "attente", _("En attente")
        DONE = "fait", _("Émis")
        FAILED = "echec", _("Échec")

    batch = models.ForeignKey(CertificateBatch, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="items")
    state = models.CharField(_("état"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # A ForeignKey: an item of a year batch may end on the certificate
    # another batch issued meanwhile (CERT-1: never issued twice).
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificat"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certificat d'un lot")
        verbose_name_plural = _("certificats d'un lot")
        ordering = ("batch", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("batch", "dossier"), name="certificate_batch_item_once",
                violation_error_message=_("Ce dossier figure déjà dans ce lot."),
            ),
        ]

    def __str__(self):
        return f"{self.batch} – {self.dossier_id}"
