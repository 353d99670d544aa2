"""What people type for the fiche contact (DOC-1, DOC-2)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contratpro.frenchdates import long_date
from conventions.dossier.models import Dossier

from . import wording

PFE_TITLE_MAX_WORDS = wording.TITLE_MAX_WORDS

# The fiche's parts (DOC-1): the student's, and the company's (typed by the
# student or the office, or by the company through its personal link).
STUDENT_FIELDS = ("company_activities", "pfe_project")
COMPANY_FIELDS = (
    "company_presentation", "company_phone",
    "tutor_first_name", "tutor_last_name", "tutor_job", "tutor_email", "tutor_phone", "tutor_experience_years",
    "signatory_first_name", "signatory_last_name", "signatory_job", "signatory_email", "signatory_phone",
    "hr_first_name", "hr_last_name", "hr_job", "hr_email", "hr_phone",
)


def validate_pfe_title(value):
    """DOC-2: the PFE title goes in the diploma supplement: 10 words at most,
    counted as a reader counts them (``wording``: « temps-réel » and
    « l'usine » are one word each, « : » none)."""
    wording.validate_title(value)


class FicheContact(models.Model):
    """The fiche contact, typed in the portal (DOC-1): the student's part,
    the company's part (through a personal link) and, at the end of S9, the
    precise PFE subject (DOC-2)."""

    dossier = models.OneToOneField(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="fiche_contact")
    # Student's part.
    company_activities = models.TextField(_("activités et projets pendant les périodes en entreprise"), blank=True)
    pfe_project = models.TextField(_("projet de fin d'études envisagé"), blank=True)
    # Company's part.
    company_presentation = models.TextField(_("présentation de l'entreprise et du service"), blank=True)
    tutor_first_name = models.CharField(_("prénom du tuteur"), max_length=100, blank=True)
    tutor_last_name = models.CharField(_("nom du tuteur"), max_length=100, blank=True)
    tutor_job = models.CharField(_("fonction du tuteur"), max_length=150, blank=True)
    tutor_email = models.EmailField(_("e-mail du tuteur"), blank=True)
    tutor_phone = models.CharField(_("téléphone du tuteur"), max_length=30, blank=True)
    tutor_experience_years = models.PositiveSmallIntegerField(_("années d'expérience du tuteur"), null=True, blank=True)
    signatory_first_name = models.CharField(_("prénom du signataire"), max_length=100, blank=True)
    signatory_last_name = models.CharField(_("nom du signataire"), max_length=100, blank=True)
    signatory_job = models.CharField(_("qualité du signataire"), max_length=150, blank=True)
    signatory_email = models.EmailField(_("e-mail du signataire"), blank=True)
    signatory_phone = models.CharField(_("téléphone du signataire"), max_length=30, blank=True)
    hr_first_name = models.CharField(_("prénom du contact RH"), max_length=100, blank=True)
    hr_last_name = models.CharField(_("nom du contact RH"), max_length=100, blank=True)
    hr_job = models.CharField(_("fonction du contact RH"), max_length=150, blank=True)
    hr_email = models.EmailField(_("e-mail du contact RH"), blank=True)
    hr_phone = models.CharField(_("téléphone du contact RH"), max_length=30, blank=True)
    # The company's switchboard, as this dossier's fiche gives it (the
    # shared ``Company`` record holds no phone).
    company_phone = models.CharField(_("standard de l'entreprise"), max_length=30, blank=True)
    # DOC-2, end of S9.
    pfe_title = models.CharField(_("titre du PFE"), max_length=200, blank=True, validators=[validate_pfe_title])
    pfe_context = models.TextField(_("contexte"), blank=True)
    pfe_purpose = models.TextField(_("finalité"), blank=True)
    pfe_objectives = models.TextField(_("objectifs"), blank=True)
    pfe_schedule = models.TextField(_("déroulement prévisionnel"), blank=True)
    student_completed_at = models.DateTimeField(_("partie élève complétée le"), null=True, blank=True)
    company_completed_at = models.DateTimeField(_("partie entreprise complétée le"), null=True, blank=True)
    pfe_completed_at = models.DateTimeField(_("fiche PFE complétée le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # DOC-1, step 3: the fingerprint of the content in force and the event
    # that recorded it (a visa of step 3 recorded before that event signed
    # an earlier version, ``FicheVersion``); written by the fiche's
    # services only, read by the panel without a query.
    content_fingerprint = models.CharField(_("empreinte du contenu"), max_length=64, blank=True, editable=False)
    content_event = models.ForeignKey(
        "students.Event", verbose_name=_("contenu enregistré par"), on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )

    class Meta:
        verbose_name = _("fiche contact")
        verbose_name_plural = _("fiches contact")

    def __str__(self):
        return str(_("Fiche contact de %(name)s") % {"name": self.dossier.student})


class FicheVersion(models.Model):
    """DOC-1, step 3: one version of what the fiche says (its student and
    company parts and the employer), kept whole each time it changes and
    never rewritten, so that a visa shows what it signed. ``content`` is
    the canonical content; ``fingerprint`` its SHA-256; ``event`` the save
    that recorded it: a visa (the event validating step 3) signed the last
    version recorded before it, in the event log's order."""

    fiche = models.ForeignKey(FicheContact, verbose_name=_("fiche contact"), on_delete=models.CASCADE, related_name="versions")
    fingerprint = models.CharField(_("empreinte"), max_length=64)
    content = models.JSONField(_("contenu"))
    recorded_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    event = models.ForeignKey(
        "students.Event", verbose_name=_("enregistrée par"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("version de la fiche contact")
        verbose_name_plural = _("versions de la fiche contact")
        ordering = ("pk",)
        constraints = [
            models.CheckConstraint(
                condition=Q(fingerprint__regex=r"^[0-9a-f]{64}$"),
                name="fiche_version_fingerprint_sha256",
                violation_error_message=_("L'empreinte d'une version de fiche est un SHA-256 (DOC-1)."),
            ),
        ]

    def __str__(self):
        return str(_("Version du %(date)s") % {"date": long_date(self.recorded_at)})
