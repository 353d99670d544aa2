"""The employers and their people (DOC-7, DOC-12). A company and its
contacts are shared by every dossier that names them: they change only
through the office or that company's own link (``companies.services``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .validators import normalise_siret, validate_siret


class Company(models.Model):
    """The employer (DOC-7: SIRET, NAF, IDCC and OPCO feed the CERFA)."""

    name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    naf = models.CharField(_("code NAF"), max_length=6, blank=True)
    idcc = models.CharField(_("convention collective (IDCC)"), max_length=4, blank=True)
    opco = models.CharField(_("OPCO"), max_length=100, blank=True)
    address = models.CharField(_("adresse"), max_length=300)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=100)

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ("name",)

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Spaces typed in a SIRET ("732 829 320 00074") go before any check.
        self.siret = normalise_siret(self.siret)
        super().clean_fields(exclude=exclude)


class CompanyContact(models.Model):
    """A person of the company. Company people have no school account
    (ROLE-5): they act through personal links."""

    class Role(models.TextChoices):
        TUTOR = "tuteur", _("Tuteur entreprise")
        SIGNATORY = "signataire", _("Signataire")
        HR = "rh", _("Contact RH")

    company = models.ForeignKey(
        Company, verbose_name=_("entreprise"), on_delete=models.CASCADE, related_name="contacts"
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # ROLE-5, DOC-12: a signing link goes only to an address the office (or
    # the company itself, through its own link) confirmed, never to one a
    # student typed.
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    email_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adresse confirmée par"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("contact entreprise")
        verbose_name_plural = _("contacts entreprise")
        ordering = ("company", "last_name")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def email_confirmed(self):
        return self.email_confirmed_at is not None


class ChangeProposal(models.Model):
    """DOC-12: a change to a company, or to one of its people, that another
    dossier also uses, typed by a student (or by anyone but the office and
    the company's own link). The shared record stays as it is until the
    office accepts the proposal; ``changes`` holds ``{field: [current,
    proposed]}``. One pending proposal per record and dossier: typing again
    updates it."""

    class Status(models.TextChoices):
        PENDING = "attente", _("En attente")
        ACCEPTED = "acceptee", _("Acceptée")
        REJECTED = "refusee", _("Refusée")

    company = models.ForeignKey(Company, verbose_name=_("entreprise"), on_delete=models.CASCADE, related_name="proposals")
    contact = models.ForeignKey(
        CompanyContact, verbose_name=_("personne"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="proposals",
    )
    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="company_proposals"
    )
    changes = models.JSONField(_("modifications proposées"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposée par"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    status = models.CharField(_("état"), max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidée par"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_comment = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("proposition de modification")
        verbose_name_plural = _("propositions de modification")
        ordering = ("created_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["attente", "acceptee", "refusee"]),
                name="change_proposal_status_valid",
                violation_error_message=_("État de proposition inconnu."),
            ),
        ]

    def __str__(self):
        return str(self.contact or self.company)
