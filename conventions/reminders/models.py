"""Reminders of the deadlines (NOTIF-1…3): the year's policy of offsets and
one claim per reminder, under a unique constraint, before anything is sent."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conventions.companies.models import CompanyContact
from conventions.dossier.models import Dossier
from students.models import AcademicYear

# Defaults when a year has no policy (NOTIF-1): 14 and 3 days before the
# deadline, 1 day after it. Calendar days.
DEFAULT_BEFORE = (14, 3)
DEFAULT_AFTER = (1,)
_DAYS = re.compile(r"^\s*(\d{1,3}\s*(,\s*\d{1,3}\s*)*)?$")


def parse_days(text):
    """« 14, 3 » → (14, 3): a list of whole numbers of days, largest first."""
    text = (text or "").strip()
    if not _DAYS.match(text):
        raise ValidationError(_("Indiquez des nombres de jours séparés par des virgules, par exemple « 14, 3 »."))
    return tuple(sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True))


def validate_days(text):
    parse_days(text)


class ReminderPolicy(models.Model):
    """When the reminders of a year go out (NOTIF-1), set by the office:
    so many calendar days before each deadline, so many after it (missed)."""

    year = models.OneToOneField(AcademicYear, verbose_name=_("année"), on_delete=models.CASCADE, related_name="reminder_policy")
    days_before = models.CharField(
        _("jours avant l'échéance"), max_length=60, default="14, 3", blank=True, validators=[validate_days],
        help_text=_("Jours calendaires, séparés par des virgules (par exemple « 14, 3 »)."),
    )
    days_after = models.CharField(
        _("jours après l'échéance manquée"), max_length=60, default="1", blank=True, validators=[validate_days],
        help_text=_("Jours calendaires après une échéance non tenue (par exemple « 1 »)."),
    )

    class Meta:
        verbose_name = _("calendrier des relances")
        verbose_name_plural = _("calendriers des relances")

    def __str__(self):
        return str(self.year)

    def offsets(self):
        """The offsets in days from the deadline, in order: −14, −3, +1."""
        return offsets_of(self.days_before, self.days_after)


def offsets_of(days_before, days_after):
    before = parse_days(days_before) if isinstance(days_before, str) else tuple(days_before)
    after = parse_days(days_after) if isinstance(days_after, str) else tuple(days_after)
    return tuple(sorted({-day for day in before} | {day for day in after if day > 0}))


DEFAULT_OFFSETS = offsets_of(DEFAULT_BEFORE, DEFAULT_AFTER)


class ReminderClaim(models.Model):
    """One reminder: a dossier's obligation, at one offset, to one person,
    claimed before it is sent (NOTIF-1). The unique constraint makes a second
    claim impossible, whatever runs at the same time; a failed send is
    retried on this row, never on a new one.

    ``recipient`` is the constraint's key: ``user:<id>``, ``contact:<id>``
    (a company person, ROLE-5) or ``office`` (the office's mailbox)."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("à envoyer")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyée")
        FAILED = "failed", _("échec de l'envoi")
        CANCELLED = "cancelled", _("sans objet (déjà fait)")

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="reminder_claims")
    key = models.CharField(_("obligation"), max_length=80)
    offset = models.SmallIntegerField(_("décalage (jours)"))
    recipient = models.CharField(_("destinataire"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        CompanyContact, verbose_name=_("contact entreprise"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(_("au titre de"), max_length=20)
    label = models.CharField(_("à faire"), max_length=200)
    due = models.DateField(_("échéance"))
    day = models.DateField(_("relance du"))  # the sweep's day: the mail speaks from it
    url = models.CharField(_("lien"), max_length=300, blank=True)
    sweep = models.CharField(_("passage"), max_length=32, db_index=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.CLAIMED)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(_("réservée le"), auto_now_add=True)
    lease_until = models.DateTimeField(_("envoi réservé jusqu'au"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ("-claimed_at", "-pk")
        indexes = [models.Index(fields=("state", "updated_at"), name="reminder_claim_state")]
        constraints = [
            models.UniqueConstraint(
                fields=("dossier", "key", "offset", "recipient"),
                name="reminder_claim_once",
                violation_error_message=_("Cette relance est déjà prévue pour cette personne (NOTIF-1)."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(recipient__startswith="user:", user__isnull=False, contact__isnull=True)
                    | Q(recipient__startswith="contact:", contact__isnull=False, user__isnull=True)
                    | Q(recipient="office", user__isnull=True, contact__isnull=True)
                ),
                name="reminder_claim_one_recipient",
                violation_error_message=_("Une relance va à une personne, à un contact entreprise ou au service (NOTIF-1)."),
            ),
        ]

    def __str__(self):
        return f"{self.label} – {self.recipient} ({self.offset:+d} j)"


class OpcoDeposit(models.Model):
    """The employer's deposit of the contract with its OPCO (NOTIF-3,
    DOMAIN.md §3: the contract and its annex through the OPCO's e-service
    at the latest 5 calendar days after the contract's start, Code du
    travail D6325-1), as the office records it from the OPCO's
    acknowledgement or the employer's word. Its date is what makes the
    employer's obligation done; a correction changes the date, recorded
    on the timeline (DATA-4)."""

    dossier = models.OneToOneField(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="opco_deposit")
    deposited_on = models.DateField(_("contrat déposé à l'OPCO le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistré par"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now=True)

    class Meta:
        verbose_name = _("dépôt du contrat à l'OPCO")
        verbose_name_plural = _("dépôts des contrats à l'OPCO")

    def __str__(self):
        return f"{self.dossier_id} – {self.deposited_on:%Y-%m-%d}"
