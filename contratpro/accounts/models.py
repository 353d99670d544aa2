"""Invitations and the accounts' history (AUTH-1). Re-exported by
``contratpro.models``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """One invitation to set a password. The link carries a signed token;
    the row keeps only its SHA-256, so that a copy of the database opens no
    account, and says whether the link was used or revoked (AUTH-1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("envoyée le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyée par"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    used_at = models.DateTimeField(_("utilisée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
                violation_error_message=_("Une invitation expire après son envoi (AUTH-1)."),
            ),
            # AUTH-1: a new invitation revokes the previous one.
            models.UniqueConstraint(
                fields=("user",),
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_user",
                violation_error_message=_("Ce compte a déjà une invitation en cours (AUTH-1)."),
            ),
        ]

    def __str__(self):
        return str(_("Invitation de %(user)s") % {"user": self.user})


class AccountEvent(models.Model):
    """What happened to an account and who did it: creation, invitation,
    password set, deactivation, reactivation (AUTH-1). Kept for good: an
    account is never deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="account_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    verb = models.CharField(_("action"), max_length=60)
    at = models.DateTimeField(_("le"))
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("événement de compte")
        verbose_name_plural = _("événements de compte")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=("user", "-at"), name="account_event_user_at")]

    def __str__(self):
        return f"{self.verb} {self.user}"
