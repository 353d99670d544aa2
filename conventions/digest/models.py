"""The digests (issue 15): one claim per digest, person and period, under a
unique constraint, before anything is sent — each digest goes out once,
whatever runs at the same time (NOTIF-1, NOTIF-2)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DigestClaim(models.Model):
    """One digest: the weekly one of a week (``period``: its Monday) for the
    office's mailbox or a department head, or a person's daily digest of
    notifications (``period``: the day).

    ``recipient`` is the constraint's key: ``office`` (the office's mailbox,
    one digest for the whole service) or ``user:<id>``. ``payload`` holds
    what the weekly digest says, built once by the sweep for every
    recipient; ``notification_ids`` the notifications a daily digest
    included, captured when it is sent (one arriving meanwhile goes in the
    next day's)."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("récapitulatif de la semaine")
        DAILY = "daily", _("récapitulatif du jour")

    class State(models.TextChoices):
        CLAIMED = "claimed", _("à envoyer")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec de l'envoi")
        CANCELLED = "cancelled", _("sans objet (plus rien à dire)")

    kind = models.CharField(_("récapitulatif"), max_length=10, choices=Kind.choices)
    period = models.DateField(_("période du"))
    recipient = models.CharField(_("destinataire"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    payload = models.JSONField(_("contenu"), default=dict, blank=True)
    notification_ids = models.JSONField(_("notifications envoyées"), default=list, blank=True)
    sweep = models.CharField(_("passage"), max_length=32, db_index=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.CLAIMED)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(_("réservé le"), auto_now_add=True)
    lease_until = models.DateTimeField(_("envoi réservé jusqu'au"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("récapitulatif envoyé")
        verbose_name_plural = _("récapitulatifs envoyés")
        ordering = ("-claimed_at", "-pk")
        indexes = [models.Index(fields=("state", "updated_at"), name="digest_claim_state")]
        constraints = [
            models.UniqueConstraint(
                fields=("kind", "period", "recipient"),
                name="digest_claim_once",
                violation_error_message=_("Ce récapitulatif est déjà prévu pour cette personne (NOTIF-1)."),
            ),
            models.CheckConstraint(
                condition=Q(recipient__startswith="user:", user__isnull=False) | Q(recipient="office", user__isnull=True),
                name="digest_claim_one_recipient",
                violation_error_message=_("Un récapitulatif va à une personne ou au service (NOTIF-1)."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.period} – {self.recipient}"
