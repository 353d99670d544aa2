"""What people type for the fiche contact (DOC-1, DOC-2)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from conventions.dossier.models import Dossier

PFE_TITLE_MAX_WORDS = 10


def validate_pfe_title(value):
    """DOC-2: the PFE title goes in the diploma supplement: 10 words at most."""
    words = len(value.split())
    if words > PFE_TITLE_MAX_WORDS:
        raise ValidationError(
            _("Le titre du PFE compte %(n)s mots : 10 au plus, il figure au supplément au diplôme.") % {"n": words}
        )


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
    hr_email = models.EmailField(_("e-mail du contact RH"), blank=True)
    hr_phone = models.CharField(_("téléphone du contact RH"), max_length=30, blank=True)
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

    class Meta:
        verbose_name = _("fiche contact")
        verbose_name_plural = _("fiches contact")

    def __str__(self):
        return str(_("Fiche contact de %(name)s") % {"name": self.dossier.student})
