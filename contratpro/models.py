"""The portal's user: school staff and students sign in; company people never
do (ROLE-5, they act through personal links)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Notifications(models.TextChoices):
        """How a person hears of what awaits them (read by the notifications, NOTIF)."""

        IMMEDIATE = "immediat", _("Un e-mail à chaque événement")
        DIGEST = "quotidien", _("Un récapitulatif par jour")

    """A person with a school account.

    What a user may see is decided by ``contratpro.roles`` from their groups,
    their student record and the departments they head, never here.
    """

    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    notifications = models.CharField(
        _("notifications"), max_length=10, choices=Notifications.choices, default=Notifications.IMMEDIATE
    )
    # The inbox's unread count in the header, kept with the notifications
    # (``conventions.notifications``): read with the user, no query per page.
    unread_notifications = models.PositiveIntegerField(_("notifications non lues"), default=0, editable=False)
    # AUTH-1: an account is never deleted; the office deactivates it.
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True, editable=False)
    deactivated_by = models.ForeignKey(
        "self", verbose_name=_("désactivé par"), on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ("last_name", "first_name")

    def __str__(self):
        return self.get_full_name() or self.username


from .accounts.models import AccountEvent, Invitation  # noqa: E402  (AUTH-1)

from .school.models import SchoolIdentity  # noqa: E402  (DOC-11)

__all__ = ["User", "Invitation", "AccountEvent", "SchoolIdentity"]
