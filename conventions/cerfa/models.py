"""The key data of the CERFA 12434 (DOC-7, DOC-9, DOC-10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField

from conventions.dossier.models import Dossier


class EncryptedText(EncryptedCharField):
    """A text stored encrypted (DOMAIN §3: the NIR is sensitive), read back
    as "" when empty, as a CharField reads."""

    def to_python(self, value):
        value = super().to_python(value)
        return "" if value is None else value


class Diploma(models.TextChoices):
    """The diplomas of the CERFA's « diplôme ou titre le plus élevé obtenu »
    and « dernier diplôme ou titre préparé » (DOC-7), by level. The labels
    follow the national nomenclature of levels; the notice's numeric codes
    are not confirmed here, so the value is a stable slug and the CERFA
    prints the label."""

    DOCTORAT = "doctorat", _("Doctorat")
    MASTER = "master", _("Master")
    INGENIEUR = "ingenieur", _("Diplôme d'ingénieur, diplôme d'école de commerce")
    BAC5_AUTRE = "bac5_autre", _("Autre diplôme ou titre de niveau bac + 5 ou plus")
    MASTER_1 = "master_1", _("1re année de master")
    LICENCE_PRO = "licence_pro", _("Licence professionnelle")
    LICENCE = "licence", _("Licence générale")
    BUT = "but", _("Bachelor universitaire de technologie (BUT)")
    BAC34_AUTRE = "bac34_autre", _("Autre diplôme ou titre de niveau bac + 3 ou 4")
    BTS = "bts", _("Brevet de technicien supérieur (BTS)")
    DUT = "dut", _("Diplôme universitaire de technologie (DUT)")
    BAC2_AUTRE = "bac2_autre", _("Autre diplôme ou titre de niveau bac + 2")
    BAC_PRO = "bac_pro", _("Baccalauréat professionnel")
    BAC_GENERAL = "bac_general", _("Baccalauréat général")
    BAC_TECHNO = "bac_techno", _("Baccalauréat technologique")
    BAC_AUTRE = "bac_autre", _("Autre diplôme ou titre de niveau bac")
    CAP_BEP = "cap_bep", _("CAP, BEP ou autre diplôme de ce niveau")
    BREVET = "brevet", _("Diplôme national du brevet")
    AUCUN = "aucun", _("Aucun diplôme ni titre professionnel")


class Situation(models.TextChoices):
    """The salarié's « situation avant ce contrat » (DOC-7, DOMAIN §3)."""

    SCOLAIRE = "scolaire", _("Scolaire")
    ETUDIANT = "etudiant", _("Étudiant")
    APPRENTI = "apprenti", _("Contrat d'apprentissage")
    PRO = "contrat_pro", _("Contrat de professionnalisation")
    CONTRAT_AIDE = "contrat_aide", _("Contrat aidé")
    STAGIAIRE_FP = "stagiaire_fp", _("Stagiaire de la formation professionnelle")
    SALARIE = "salarie", _("Salarié")
    DEMANDEUR = "demandeur_emploi", _("Demandeur d'emploi")
    INACTIF = "inactif", _("Inactif")


class ContractKind(models.TextChoices):
    """The CERFA's « type de contrat » (DOC-7, DOMAIN §3): the first one, a
    new one after a failure at the exams, an illness or the training
    provider's default, or an avenant (AMEND-1)."""

    INITIAL = "initial", _("Contrat initial")
    AFTER_FAILURE = "echec", _("Nouveau contrat après un échec aux épreuves")
    AFTER_ILLNESS = "maladie", _("Nouveau contrat après une maladie, une maternité ou un accident")
    AFTER_DEFAULT = "defaillance", _("Nouveau contrat après la défaillance de l'organisme de formation")
    AVENANT = "avenant", _("Avenant au contrat")


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
    # DOC-7, DOMAIN §3: the salarié as the CERFA asks (the identity shared
    # with the fiche contact sits on Student). The NIR is sensitive: pages
    # print it masked (``services.nir_masked``), only the CERFA in full.
    # Stored encrypted (settings.SALT_KEY), never in clear in the database.
    nir = EncryptedText(_("numéro de sécurité sociale (NIR)"), max_length=15, blank=True, null=True)
    highest_diploma = models.CharField(
        _("diplôme ou titre le plus élevé obtenu"), max_length=20, choices=Diploma.choices, blank=True
    )
    last_diploma_prepared = models.CharField(
        _("dernier diplôme ou titre préparé"), max_length=20, choices=Diploma.choices, blank=True
    )
    last_diploma_title = models.CharField(_("intitulé du dernier diplôme ou titre préparé"), max_length=200, blank=True)
    situation_before = models.CharField(
        _("situation avant ce contrat"), max_length=20, choices=Situation.choices, blank=True
    )
    france_travail_id = models.CharField(_("identifiant France Travail"), max_length=11, blank=True)
    france_travail_months = models.PositiveSmallIntegerField(_("durée d'inscription à France Travail (mois)"), null=True, blank=True)
    rqth = models.BooleanField(_("reconnaissance de la qualité de travailleur handicapé (RQTH)"), null=True, blank=True)
    tutor_qualification = models.CharField(_("qualification du tuteur"), max_length=200, blank=True)
    contract_kind = models.CharField(
        _("type de contrat"), max_length=12, choices=ContractKind.choices, default=ContractKind.INITIAL
    )
    avenant_number = models.CharField(_("numéro de l'avenant"), max_length=30, blank=True)
    benefit_meal = models.DecimalField(
        _("avantage en nature : nourriture (€ par repas)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    benefit_housing = models.DecimalField(
        _("avantage en nature : logement (€ par mois)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    benefit_other = models.CharField(_("autre avantage en nature"), max_length=200, blank=True)
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
            models.CheckConstraint(
                condition=~models.Q(contract_kind="avenant") | ~models.Q(avenant_number=""),
                name="cerfa_avenant_has_number",
                violation_error_message=_("Un avenant porte son numéro (DOC-7) : indiquez-le."),
            ),
        ]
