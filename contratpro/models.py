"""The portal's user: school staff and students sign in; company people never
do (ROLE-5, they act through personal links)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a school account.

    What a user may see is decided by ``contratpro.roles`` from their groups,
    their student record and the departments they head, never here.
    """

    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ("last_name", "first_name")

    def __str__(self):
        return self.get_full_name() or self.username
