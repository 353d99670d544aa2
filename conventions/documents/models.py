"""Private files, signatures and PDF jobs of a dossier (DOC-3…8, NOTIF-2)."""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conventions.dossier.models import Dossier
from conventions.links.models import ExternalLink


def private_storage():
    """Uploads and generated PDFs live outside every public URL (DOC-6)."""
    return storages["private"]


def private_path(instance, filename):
    """A name nobody can guess and that owes nothing to the uploader's (DOC-6)."""
    return f"dossiers/{instance.dossier_id}/{secrets.token_hex(20)}"


class DocumentKind(models.TextChoices):
    FICHE_CONTACT = "fiche_contact", _("Fiche contact")
    FICHE_CONTACT_SIGNEE = "fiche_contact_signee", _("Fiche contact signée")
    ACCORD_ORIGINE = "accord_origine", _("Accord de l'établissement d'origine")
    CERFA = "cerfa", _("CERFA 12434 pré-rempli")
    CERFA_SIGNE = "cerfa_signe", _("CERFA 12434 signé")
    CONVENTION = "convention", _("Convention de formation")
    CONVENTION_SIGNEE = "convention_signee", _("Convention signée (scan)")
    RAPPORT_PE = "rapport_pe", _("Rapport de Projet Entreprise")
    EVALUATION_TUTEUR = "evaluation_tuteur", _("Fiche d'évaluation tuteur")
    CARNET = "carnet", _("Carnet de présence")
    FICHE_PFE = "fiche_pfe", _("Fiche contact PFE")
    CERTIFICAT = "certificat", _("Certificat de réalisation")
    AUTRE = "autre", _("Autre pièce")


class Document(models.Model):
    """One version of one file of a dossier (DOC-6): a new version never
    overwrites the old one; each keeps its SHA-256, author and time."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("nature"), max_length=24, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("version"))
    step = models.CharField(_("étape"), max_length=3, blank=True)
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=private_path, max_length=200)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type"), max_length=40)
    original_name = models.CharField(_("nom d'origine"), max_length=200, blank=True)
    generated = models.BooleanField(_("produit par le portail"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("déposé par"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    uploaded_via = models.ForeignKey(
        ExternalLink, verbose_name=_("déposé par lien"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="documents",
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ("dossier", "kind", "-version")
        constraints = [
            models.UniqueConstraint(fields=("dossier", "kind", "version"), name="document_version_unique"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg"]),
                name="document_type_allowed",
                violation_error_message=_("Seuls les PDF, PNG et JPEG sont acceptés (DOC-6)."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"


class Signature(models.Model):
    """One party's signature of one version of a document (DOC-4): who,
    when, how, and the SHA-256 of exactly what was signed."""

    class Party(models.TextChoices):
        STUDENT = "eleve", _("Élève salarié")
        COMPANY = "entreprise", _("Entreprise")
        SCHOOL = "ecole", _("IMT Mines Alès (direction)")

    class Method(models.TextChoices):
        PORTAL = "portail", _("Dans le portail")
        LINK = "lien", _("Par lien personnel")
        PAPER = "papier", _("Original papier reçu, enregistré par le service")

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(_("partie"), max_length=10, choices=Party.choices)
    signer_name = models.CharField(_("signataire"), max_length=200)
    method = models.CharField(_("mode"), max_length=10, choices=Method.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte signataire"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    via_link = models.ForeignKey(
        ExternalLink, verbose_name=_("lien"), on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistré par"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    sha256 = models.CharField(_("empreinte du document signé"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ("document", "at")
        constraints = [
            models.UniqueConstraint(fields=("document", "party"), name="signature_once_per_party"),
        ]

    def __str__(self):
        return f"{self.get_party_display()} – {self.signer_name}"


class PdfJob(models.Model):
    """A PDF being built in the background (NOTIF-2); its state shows on the
    page until ready, and a failed job can be run again."""

    class Status(models.TextChoices):
        PENDING = "attente", _("En attente")
        RUNNING = "en_cours", _("En cours")
        READY = "pret", _("Prêt")
        FAILED = "echec", _("Échec")

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="pdf_jobs")
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("erreur"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandé par"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    document = models.ForeignKey(Document, verbose_name=_("résultat"), on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("production de PDF")
        verbose_name_plural = _("productions de PDF")
        ordering = ("-requested_at",)
