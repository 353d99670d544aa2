"""Invoices of the training (BILL-1…6): the funding agreement the office
enters per dossier, the invoices and credit notes, their yearly counter and
the payments received.

An invoice is a draft until it is issued: issuing gives it the next number
of its year's series (``InvoiceCounter``, locked in the issuing
transaction, BILL-4) and freezes it. An issued invoice is never edited nor
deleted (``Invoice.save`` and ``Invoice.delete`` refuse it, below the
services that refuse it in French): a credit note, issued in the same
series, corrects it.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from conventions.documents.batches import Batch, BatchItem
from conventions.documents.models import private_storage

__all__ = ["BillingAgreement", "Invoice", "InvoiceBatch", "InvoiceBatchItem", "InvoiceCounter", "Payment"]

CENT = Decimal("0.01")


def invoice_path(instance, filename):
    """A name nobody can guess (DOC-6), under the dossier's invoices."""
    return f"factures/{instance.dossier_id}/{secrets.token_hex(20)}"


class BillingAgreement(models.Model):
    """BILL-3, BILL-5: how a dossier's training is funded, entered by the
    office from the OPCO's funding agreement. Funded: the OPCO is named on
    the company's invoices. Under subrogation of payment the OPCO is
    invoiced, for each period, its share — ``hourly_rate`` × the period's
    hours, or ``fixed_amount`` (the year's) split as the cost is (BILL-2) —
    capped at the period's amount; the company the rest."""

    dossier = models.OneToOneField(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="billing_agreement"
    )
    funded = models.BooleanField(_("financé par l'OPCO"), default=True)
    subrogation = models.BooleanField(_("subrogation de paiement à l'OPCO"), default=False)
    opco_name = models.CharField(_("OPCO"), max_length=200, blank=True)
    opco_siret = models.CharField(_("SIRET de l'OPCO"), max_length=14, blank=True)
    opco_address = models.TextField(_("adresse de l'OPCO"), blank=True, help_text=_("Une ligne par ligne d'adresse."))
    opco_reference = models.CharField(_("n° de dossier de prise en charge"), max_length=60, blank=True)
    # BILL-5: where the OPCO's invoices (subrogation) are mailed, with the
    # period's certificat de réalisation.
    opco_email = models.EmailField(
        _("adresse e-mail de l'OPCO pour ses factures"), max_length=254, blank=True,
        help_text=_("Sous subrogation, la facture de l'OPCO y est envoyée avec le certificat de réalisation."),
    )
    hourly_rate = models.DecimalField(_("taux horaire pris en charge (€)"), max_digits=7, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField(
        _("montant forfaitaire pris en charge pour l'année (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modifié par"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("prise en charge")
        verbose_name_plural = _("prises en charge")
        constraints = [
            models.CheckConstraint(
                condition=Q(subrogation=False) | (
                    Q(funded=True) & (Q(hourly_rate__isnull=False) ^ Q(fixed_amount__isnull=False))
                ),
                name="billing_agreement_subrogation_amount",
                violation_error_message=_(
                    "Sous subrogation, indiquez soit un taux horaire, soit un montant forfaitaire pris en charge par l'OPCO (BILL-5)."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(hourly_rate__isnull=True) | Q(hourly_rate__gte=0))
                & (Q(fixed_amount__isnull=True) | Q(fixed_amount__gte=0)),
                name="billing_agreement_amounts_positive",
                violation_error_message=_("Une prise en charge n'est pas négative (BILL-5)."),
            ),
        ]

    def __str__(self):
        return f"{self.opco_name or '—'} ({self.dossier_id})"

    def address_lines(self):
        return [line.strip() for line in self.opco_address.splitlines() if line.strip()]


class InvoiceCounter(models.Model):
    """BILL-4: the last number given in one year's series. Locked with
    ``select_for_update`` inside the issuing transaction, never a database
    sequence (PostgreSQL does not give back a ``nextval`` on rollback)."""

    series_year = models.PositiveSmallIntegerField(_("année de la série"), unique=True)
    last = models.PositiveIntegerField(_("dernier numéro"), default=0)
    last_date = models.DateField(_("date du dernier numéro"), null=True, blank=True)

    class Meta:
        verbose_name = _("compteur de factures")
        verbose_name_plural = _("compteurs de factures")

    def __str__(self):
        return f"{self.series_year} : {self.last}"


class InvoiceQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("dossier__student__user", "corrects").with_totals()

    def with_totals(self):
        """``paid`` and ``credited`` (issued credit notes) per row, and the
        ``balance`` still due, as subqueries: one query for a whole page."""
        from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
        from django.db.models.functions import Coalesce

        money = DecimalField(max_digits=10, decimal_places=2)
        paid = Payment.objects.filter(invoice=OuterRef("pk")).values("invoice").annotate(s=Sum("amount")).values("s")
        credited = (
            Invoice.objects.filter(corrects=OuterRef("pk"), number__isnull=False)
            .values("corrects").annotate(s=Sum("amount_ttc")).values("s")
        )
        zero = Value(Decimal("0.00"), output_field=money)
        return self.annotate(
            paid=Coalesce(Subquery(paid, output_field=money), zero),
            credited=Coalesce(Subquery(credited, output_field=money), zero),
        ).annotate(balance=F("amount_ttc") - F("paid") - F("credited"))

    def overdue(self, today):
        """Issued invoices past their due date, not yet paid (BILL-2, NOTIF-1)."""
        return self.filter(kind=Invoice.Kind.INVOICE, state=Invoice.State.ISSUED, due_date__lt=today)

    def delete(self):
        if self.filter(number__isnull=False).exists():
            raise ValidationError(_("Une facture émise n'est jamais supprimée : émettez un avoir (BILL-4)."))
        return super().delete()

    def update(self, **kwargs):
        frozen = set(kwargs) - Invoice.MUTABLE_AFTER_ISSUE
        if frozen and self.filter(number__isnull=False).exists():
            raise ValidationError(_("Une facture émise ne se modifie plus : émettez un avoir (BILL-4)."))
        return super().update(**kwargs)


class Invoice(models.Model):
    """One invoice or credit note (BILL-1…5). Amounts are in euros to the
    cent; the training is exempt from VAT (DOMAIN §7), so ``vat_amount`` is
    0 and the total equals the amount before tax. A credit note carries
    positive amounts and the invoice it ``corrects``. The addressee's name,
    SIRET and address are copied at issue: the invoice states what it
    stated, whatever the company record becomes."""

    class Period(models.TextChoices):
        S9 = "s9", _("Semestre 9")
        BALANCE = "solde", _("Solde : semestre 10 et PFE")

    class Kind(models.TextChoices):
        INVOICE = "facture", _("Facture")
        CREDIT_NOTE = "avoir", _("Avoir")

    class Addressee(models.TextChoices):
        COMPANY = "entreprise", _("Entreprise")
        OPCO = "opco", _("OPCO (subrogation)")

    class State(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        ISSUED = "emise", _("Émise")
        PAID = "payee", _("Payée")

    # What an issued invoice may still change: its state (paid), its file
    # (built after the number), when it was mailed.
    MUTABLE_AFTER_ISSUE = frozenset({"state", "file", "sha256", "sent_at", "paid_on"})

    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="invoices"
    )
    year = models.ForeignKey(
        "students.AcademicYear", verbose_name=_("année"), on_delete=models.PROTECT, related_name="invoices"
    )
    period = models.CharField(_("période"), max_length=8, choices=Period.choices)
    kind = models.CharField(_("nature"), max_length=8, choices=Kind.choices, default=Kind.INVOICE)
    corrects = models.ForeignKey(
        "self", verbose_name=_("facture corrigée"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="credit_notes",
    )
    addressee = models.CharField(_("destinataire"), max_length=10, choices=Addressee.choices, default=Addressee.COMPANY)
    client_name = models.CharField(_("client"), max_length=200)
    client_siret = models.CharField(_("SIRET du client"), max_length=14, blank=True)
    client_address = models.TextField(_("adresse du client"), blank=True)
    opco_named = models.CharField(_("OPCO financeur"), max_length=200, blank=True)
    order_reference = models.CharField(_("référence de commande du client"), max_length=60, blank=True)
    description = models.CharField(_("désignation"), max_length=300)
    service_start = models.DateField(_("période du"))
    service_end = models.DateField(_("période au"))
    hours = models.PositiveIntegerField(_("heures de formation"))
    amount_ht = models.DecimalField(_("montant HT (€)"), max_digits=10, decimal_places=2)
    vat_amount = models.DecimalField(_("TVA (€)"), max_digits=10, decimal_places=2, default=Decimal("0.00"))
    amount_ttc = models.DecimalField(_("montant TTC (€)"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("motif de l'avoir"), blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.DRAFT)
    series_year = models.PositiveSmallIntegerField(_("année de la série"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("rang dans la série"), null=True, blank=True)
    number = models.CharField(_("numéro"), max_length=12, null=True, blank=True, unique=True)
    issue_date = models.DateField(_("date d'émission"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    paid_on = models.DateField(_("soldée le"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("émise par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    # BILL-6: the Factur-X file (PDF/A-3 with its CII XML), the invoice's PDF.
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=invoice_path, max_length=200, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ("-series_year", "-sequence", "-pk")
        indexes = [models.Index(fields=("year", "state", "period"), name="invoice_year_state")]
        constraints = [
            models.UniqueConstraint(
                fields=("series_year", "sequence"), name="invoice_number_once",
                violation_error_message=_("Ce numéro de facture existe déjà (BILL-4)."),
            ),
            models.CheckConstraint(
                condition=Q(state="brouillon", number__isnull=True, sequence__isnull=True, issue_date__isnull=True)
                | (~Q(state="brouillon") & Q(number__isnull=False, sequence__isnull=False, issue_date__isnull=False,
                                             due_date__isnull=False)),
                name="invoice_number_when_issued",
                violation_error_message=_("Une facture reçoit son numéro à son émission, et seulement alors (BILL-4)."),
            ),
            models.CheckConstraint(
                condition=Q(amount_ttc=F("amount_ht") + F("vat_amount")) & Q(amount_ht__gte=0) & Q(vat_amount__gte=0),
                name="invoice_totals_add_up",
                violation_error_message=_("Le total TTC est le montant HT plus la TVA, tous positifs."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="avoir") & Q(corrects__isnull=False)) | (Q(kind="facture") & Q(corrects__isnull=True)),
                name="invoice_credit_note_corrects",
                violation_error_message=_("Un avoir corrige une facture, et une facture ne corrige rien (BILL-4)."),
            ),
            models.CheckConstraint(
                condition=Q(service_start__lte=F("service_end")), name="invoice_service_period_ordered",
                violation_error_message=_("La période facturée finit après son début."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or _('(brouillon)')}"

    @property
    def is_issued(self):
        return self.number is not None

    @property
    def is_credit_note(self):
        return self.kind == self.Kind.CREDIT_NOTE

    def save(self, *args, **kwargs):
        """BILL-4: once the row holds a number, only ``MUTABLE_AFTER_ISSUE``
        may change, and only through ``update_fields``; the services say
        why in French before it comes to this."""
        if self.pk is not None and not kwargs.get("force_insert"):
            issued = type(self).objects.filter(pk=self.pk, number__isnull=False).exists()
            update_fields = kwargs.get("update_fields")
            if issued and (update_fields is None or set(update_fields) - self.MUTABLE_AFTER_ISSUE):
                raise ValidationError(_("Une facture émise ne se modifie plus : émettez un avoir (BILL-4)."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.number is not None or type(self).objects.filter(pk=self.pk, number__isnull=False).exists():
            raise ValidationError(_("Une facture émise n'est jamais supprimée : émettez un avoir (BILL-4)."))
        return super().delete(*args, **kwargs)


class Payment(models.Model):
    """A payment received for an invoice (BILL-2): partial payments add up;
    the invoice is paid when they (and its credit notes) reach its total."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("facture"), on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField(_("reçu le"))
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    reference = models.CharField(_("référence (virement, chèque)"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistré par"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ("invoice", "received_on", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payment_amount_positive",
                violation_error_message=_("Un paiement est d'un montant positif."),
            ),
        ]

    def __str__(self):
        return f"{self.amount} € ({self.received_on})"


class InvoiceBatch(Batch):
    """The office's request to issue one period's invoices for a selection
    of dossiers (BILL-2, NOTIF-2): issued by Celery, its progress counted
    here (``done`` and ``failed`` out of ``total``: ``documents.batches``),
    each invoice mailed to the billing contact with its file."""

    year = models.ForeignKey(
        "students.AcademicYear", verbose_name=_("année"), on_delete=models.PROTECT, related_name="invoice_batches"
    )
    period = models.CharField(_("période"), max_length=8, choices=Invoice.Period.choices)
    total = models.PositiveIntegerField(_("dossiers"), default=0)
    done = models.PositiveIntegerField(_("dossiers facturés"), default=0)
    send = models.BooleanField(_("envoyer par e-mail"), default=True)

    class Meta:
        verbose_name = _("lot de factures")
        verbose_name_plural = _("lots de factures")
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=F("total") - F("failed")), name="invoice_batch_counts",
                violation_error_message=_("Un lot ne compte pas plus de dossiers que demandés."),
            ),
        ]

    def __str__(self):
        return f"{self.get_period_display()} {self.year} ({self.done}/{self.total})"


class InvoiceBatchItem(BatchItem):
    """One dossier of a batch: its period's invoices drafted and issued
    once (``state`` done in the same transaction), a failure kept with its
    French reason."""

    class State(models.TextChoices):
        PENDING = "attente", _("En attente")
        DONE = "fait", _("Facturé")
        FAILED = "echec", _("Échec")

    batch = models.ForeignKey(InvoiceBatch, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="items")
    state = models.CharField(_("état"), max_length=8, choices=State.choices, default=State.PENDING)

    class Meta:
        verbose_name = _("dossier d'un lot de factures")
        verbose_name_plural = _("dossiers d'un lot de factures")
        ordering = ("batch", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("batch", "dossier"), name="invoice_batch_item_once",
                violation_error_message=_("Ce dossier figure déjà dans ce lot."),
            ),
        ]

    def __str__(self):
        return f"{self.batch} – {self.dossier_id}"
