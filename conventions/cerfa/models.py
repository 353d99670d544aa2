"""The key data of the CERFA 12434 (DOC-7, DOC-9, DOC-10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from conventions.dossier.models import Dossier


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
    # DOC-10, DOMAIN §4: from 26, the pay is at least the SMIC and 85 % of the
    # branch's conventional minimum; such a student must be a job-seeker.
    branch_minimum_monthly = models.DecimalField(
        _("salaire minimum conventionnel mensuel (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    job_seeker = models.BooleanField(_("inscrit comme demandeur d'emploi"), null=True, blank=True)
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
