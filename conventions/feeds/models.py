"""Each person's calendar feed (issue 15, NOTIF-1): a secret address that
calendar apps (Outlook, Thunderbird, phones) read without a session.

Only the SHA-256 of the address's token is stored: the token is shown once,
when the address is made, and a database read (a backup, the admin) never
gives a working address. Revoking is a date, never a deletion: the row
says when the address was made, last read and ended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """One address of one person's calendar; at most one active per person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="calendar_feeds",
    )
    token_hash = models.CharField(_("empreinte de l'adresse"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    revoked_at = models.DateTimeField(_("désactivée le"), null=True, blank=True)
    last_read_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="feeds_one_active_feed_per_user",
                violation_error_message=_("Cette personne a déjà une adresse d'agenda active (NOTIF-1)."),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def active(self):
        return self.revoked_at is None
