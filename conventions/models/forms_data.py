"""What people type for the fiche contact (DOC-1, DOC-2) and the CERFA
12434 (DOC-7, DOC-9, DOC-10)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dossier import Dossier

PFE_TITLE_MAX_WORDS = 10


def validate_pfe_title(value):
    """DOC-2: the PFE title goes in the diploma supplement: 10 words at most."""
    words = len(value.split())
    if words > PFE_TITLE_MAX_WORDS:
        raise ValidationError(
            _("Le titre du PFE compte %(n)s mots : 10 au plus, il figure au supplément au diplôme (DOC-2).") % {"n": words}
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


class CerfaData(models.Model):
    """The key data of the CERFA 12434 (DOC-7), checked before the form is
    produced; the company and contract basics stay on Company and Dossier."""

    dossier = models.OneToOneField(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="cerfa")
    job_title = models.CharField(_("emploi occupé"), max_length=200)
    classification = models.CharField(_("classification (niveau, coefficient)"), max_length=100, blank=True)
    employer_headcount = models.PositiveIntegerField(_("effectif salarié de l'entreprise"))
    retirement_fund = models.CharField(_("caisse de retraite complémentaire"), max_length=150, blank=True)
    conclusion_date = models.DateField(_("date de conclusion"))
    trial_period_days = models.PositiveSmallIntegerField(_("période d'essai (jours)"), default=0)
    weekly_hours = models.DecimalField(_("durée hebdomadaire (heures)"), max_digits=4, decimal_places=2)
    gross_monthly_pay = models.DecimalField(_("salaire brut mensuel (€)"), max_digits=8, decimal_places=2)
    # DOC-9: 480 h over 12 months is above 25 %: the branch agreement must allow it.
    branch_allows_over_25 = models.BooleanField(_("accord de branche autorisant plus de 25 % de formation"), default=False)
    branch_agreement_reference = models.CharField(_("référence de l'accord de branche"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("données du CERFA 12434")
        verbose_name_plural = _("données du CERFA 12434")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_hours__gt=0) & models.Q(weekly_hours__lte=48),
                name="cerfa_weekly_hours_range",
                violation_error_message=_("La durée hebdomadaire doit être comprise entre 0 et 48 heures."),
            ),
        ]
