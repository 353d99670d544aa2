"""Personal links for company people without an account (ROLE-5) and
every use of them."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from conventions.companies.models import CompanyContact
from conventions.dossier.models import Dossier


class ExternalLink(models.Model):
    """A personal link for a company person without an account (ROLE-5):
    signed, expiring, one dossier, one purpose, revocable, every use logged."""

    class Purpose(models.TextChoices):
        FICHE_CONTACT = "fiche_contact", _("Compléter la partie entreprise de la fiche contact")
        SIGN_CONVENTION = "signature_convention", _("Signer la convention de formation")
        APPRAISAL = "evaluation", _("Remplir la fiche d'évaluation tuteur")

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="links")
    contact = models.ForeignKey(CompanyContact, verbose_name=_("destinataire"), on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(_("objet"), max_length=24, choices=Purpose.choices)
    nonce = models.CharField(_("identifiant"), max_length=64, unique=True, default=secrets.token_urlsafe)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("créé par"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("révoqué par"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("lien personnel")
        verbose_name_plural = _("liens personnels")
        ordering = ("-created_at",)

    def __str__(self):
        return f"{self.get_purpose_display()} – {self.contact}"


class LinkUse(models.Model):
    """Every use of an external link, accepted or refused (ROLE-5)."""

    link = models.ForeignKey(ExternalLink, verbose_name=_("lien"), on_delete=models.CASCADE, null=True, related_name="uses")
    at = models.DateTimeField(_("le"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=40)
    accepted = models.BooleanField(_("accepté"))
    reason = models.CharField(_("motif du refus"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("utilisation de lien")
        verbose_name_plural = _("utilisations de liens")
        ordering = ("-at",)
