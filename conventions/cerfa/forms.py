"""Forms of the CERFA 12434 (DOC-7): the employer, the contract, the key
data, and the office's official model with its field mapping. Shape only;
the rules (DOC-9, DOC-10) live in ``conventions.cerfa``."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from conventions.dossier.models import Dossier
from conventions.fiche.forms import CompanyForm
from students.forms import plausible_date
from students.models import Student

from .models import CerfaData, ContractKind
from .notice import avenant_problem, nir_clean, nir_masked, nir_problem

# The week of a contract: 48 h is the legal maximum (Code du travail,
# L3121-20), as the ``cerfa_weekly_hours_range`` constraint states.
WEEKLY_HOURS_MIN, WEEKLY_HOURS_MAX = Decimal(1), Decimal(48)
WEEKLY_HOURS_RANGE = _("Indiquez une durée hebdomadaire entre 1 et 48 heures (48 h est le maximum légal).")

# The eleven OPCO approved since 2019, offered as suggestions.
OPCOS = (
    "AFDAS", "Akto", "Atlas", "Constructys", "OCAPIAT", "OPCO 2i", "OPCO EP", "OPCO Mobilités",
    "OPCO Santé", "L'Opcommerce", "Uniformation",
)


class CerfaCompanyForm(CompanyForm):
    """The employer as the CERFA names it: identity (SIRET checked, Luhn key)
    and the NAF code, the collective agreement (IDCC) and the OPCO."""

    class Meta(CompanyForm.Meta):
        fields = ("name", "siret", "address", "postal_code", "city", "naf", "idcc", "opco")
        labels = {
            **CompanyForm.Meta.labels,
            "naf": _("Code NAF (APE)"),
            "idcc": _("Convention collective (code IDCC)"),
            "opco": _("OPCO de l'entreprise"),
        }
        help_texts = {
            "naf": _("Sur l'avis de situation INSEE, par exemple 62.02A ou 6202A."),
            "idcc": _("4 chiffres, par exemple 1486 (Syntec)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("naf", "idcc", "opco"):
            self.fields[name].required = True
        self.fields["opco"].widget.attrs["list"] = "opcos"

    def clean_naf(self):
        value = "".join(self.cleaned_data["naf"].split()).replace(".", "").upper()
        if not re.fullmatch(r"\d{4}[A-Z]", value):
            raise ValidationError(_("Un code NAF s'écrit 4 chiffres et une lettre, par exemple 6202A."))
        return value

    def clean_idcc(self):
        value = self.cleaned_data["idcc"].strip()
        if not re.fullmatch(r"\d{1,4}", value):
            raise ValidationError(_("Un code IDCC compte 4 chiffres au plus, par exemple 1486."))
        return value.zfill(4)


class ContractForm(forms.ModelForm):
    """The contract's type and dates (STEP-1, step 4: CDD of 12 months or
    CDI with 12 months of professionalisation)."""

    class Meta:
        model = Dossier
        fields = ("contract_type", "start_date", "end_date")
        labels = {
            "contract_type": _("Type de contrat"),
            "start_date": _("Début du contrat"),
            "end_date": _("Fin du contrat (CDI : fin de l'action de professionnalisation)"),
        }
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
        self.fields["contract_type"].choices = Dossier.ContractType.choices
        for name in ("start_date", "end_date"):
            self.fields[name].validators.append(plausible_date)


def _yes_no(field, instance_value, *, required=False):
    """A yes/no question as a select (« — non renseigné — », Oui, Non)."""
    choice = forms.TypedChoiceField(
        label=field.label, help_text=field.help_text, required=required,
        choices=(("", _("— non renseigné —")), ("oui", _("Oui")), ("non", _("Non"))),
        coerce=lambda value: value == "oui", empty_value=None,
    )
    initial = None if instance_value is None else ("oui" if instance_value else "non")
    return choice, initial


class SalarieForm(forms.ModelForm):
    """The salarié's identity the CERFA asks (DOC-7, DOMAIN §3): sex, birth
    place, postal address and phone. The same fields show on the fiche
    contact."""

    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)

    class Meta:
        model = Student
        fields = ("sex", "birth_place", "birth_department", "address", "postal_code", "city")
        labels = {
            "sex": _("Sexe"),
            "birth_place": _("Commune de naissance"),
            "birth_department": _("Département de naissance"),
            "address": _("Adresse (numéro, voie, complément)"),
            "postal_code": _("Code postal"),
            "city": _("Commune"),
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = [("", _("— non renseigné —")), *Student._meta.get_field("sex").choices]
        self.fields["birth_place"].help_text = _("Pour une naissance à l'étranger : la ville et le pays.")
        self.fields["birth_department"].help_text = _("30, 2A, 971… ; 99 : à l'étranger.")
        self.initial["phone"] = self.instance.user.phone

    def clean_birth_department(self):
        return self.cleaned_data["birth_department"].strip().upper()

    def clean_postal_code(self):
        value = "".join(self.cleaned_data["postal_code"].split())
        if value and not re.fullmatch(r"\d{5}", value):
            raise ValidationError(_("Un code postal compte 5 chiffres, par exemple 30100."))
        return value


class CerfaDataForm(forms.ModelForm):
    """The CERFA's key data (DOC-7). The pay is checked against the legal
    minimum by ``cerfa.cerfa_save`` (DOC-10)."""

    class Meta:
        model = CerfaData
        fields = (
            "job_title", "classification", "employer_headcount", "retirement_fund", "conclusion_date",
            "trial_period_days", "weekly_hours", "gross_monthly_pay", "branch_allows_over_25",
            "branch_agreement_reference", "branch_minimum_monthly", "job_seeker",
            "nir", "situation_before", "france_travail_id", "france_travail_months", "rqth", "highest_diploma",
            "last_diploma_prepared", "last_diploma_title", "tutor_qualification", "contract_kind", "avenant_number",
            "benefit_meal", "benefit_housing", "benefit_other",
        )
        labels = {
            "job_title": _("Emploi occupé"),
            "classification": _("Classification (niveau, coefficient)"),
            "employer_headcount": _("Effectif salarié de l'entreprise"),
            "retirement_fund": _("Caisse de retraite complémentaire"),
            "conclusion_date": _("Date de conclusion du contrat"),
            "trial_period_days": _("Période d'essai (jours)"),
            "weekly_hours": _("Durée hebdomadaire du travail (heures)"),
            "gross_monthly_pay": _("Salaire brut mensuel à l'embauche (€)"),
            "branch_allows_over_25": _("L'accord de branche autorise plus de 25 % de formation"),
            "branch_agreement_reference": _("Référence de l'accord de branche"),
            "branch_minimum_monthly": _("Salaire minimum conventionnel de l'emploi (€ brut par mois)"),
            "job_seeker": _("L'élève est inscrit comme demandeur d'emploi (France Travail)"),
            "nir": _("Numéro de sécurité sociale"),
            "situation_before": _("Situation avant ce contrat"),
            "france_travail_id": _("Identifiant France Travail"),
            "france_travail_months": _("Inscrit à France Travail depuis (mois)"),
            "rqth": _("Reconnaissance de la qualité de travailleur handicapé (RQTH)"),
            "highest_diploma": _("Diplôme ou titre le plus élevé obtenu"),
            "last_diploma_prepared": _("Dernier diplôme ou titre préparé"),
            "last_diploma_title": _("Intitulé précis du dernier diplôme ou titre préparé"),
            "tutor_qualification": _("Qualification du tuteur (diplôme ou titre le plus élevé, ou qualification)"),
            "contract_kind": _("Contrat initial, nouveau contrat ou avenant"),
            "avenant_number": _("Numéro de l'avenant"),
            "benefit_meal": _("Nourriture (€ par repas)"),
            "benefit_housing": _("Logement (€ par mois)"),
            "benefit_other": _("Autre avantage en nature"),
        }
        help_texts = {
            "gross_monthly_pay": _(
                "Au moins le minimum légal selon l'âge de l'élève pendant tout le contrat : il augmente le 1er du "
                "mois qui suit ses 21 ans et ses 26 ans, et à chaque revalorisation du SMIC."
            ),
            "branch_minimum_monthly": _(
                "Pour un élève de 26 ans ou plus : le minimum de la grille de la convention collective pour cet "
                "emploi et cette durée. Le salaire doit atteindre le SMIC et 85 % de ce minimum."
            ),
            "job_seeker": _(
                "À 26 ans ou plus, le contrat de professionnalisation est réservé aux demandeurs d'emploi "
                "inscrits à France Travail (Code du travail, L6325-1)."
            ),
            "branch_allows_over_25": _("480 h de formation sur 12 mois dépassent 25 % de la durée du contrat."),
            "nir": _("15 caractères, sur la carte Vitale : 13 chiffres (2A ou 2B pour une naissance en Corse) et la clé."),
            "france_travail_id": _("Pour un demandeur d'emploi : sur l'avis de situation France Travail."),
            "contract_kind": _(
                "Un nouveau contrat suit un contrat rompu (échec aux épreuves, maladie ou accident, défaillance de "
                "l'organisme de formation) ; un avenant modifie un contrat déjà déposé."
            ),
            "tutor_qualification": _("Par exemple : diplôme d'ingénieur, ingénieur d'études senior."),
        }
        widgets = {"conclusion_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hours = self.fields["weekly_hours"]
        hours.validators += [
            MinValueValidator(WEEKLY_HOURS_MIN, message=WEEKLY_HOURS_RANGE),
            MaxValueValidator(WEEKLY_HOURS_MAX, message=WEEKLY_HOURS_RANGE),
        ]
        hours.widget.attrs.update({"step": "0.5", "min": str(WEEKLY_HOURS_MIN), "max": str(WEEKLY_HOURS_MAX)})
        self.fields["conclusion_date"].validators.append(plausible_date)
        self.fields["gross_monthly_pay"].widget.attrs.update({"step": "0.01", "min": "0"})
        self.fields["branch_minimum_monthly"].widget.attrs.update({"step": "0.01", "min": "0"})
        self.fields["contract_kind"].required = False
        for name in ("job_seeker", "rqth"):
            self.fields[name], initial = _yes_no(self.fields[name], getattr(self.instance, name))
            if initial is not None:
                self.initial[name] = initial
        for name in ("benefit_meal", "benefit_housing"):
            self.fields[name].widget.attrs.update({"step": "0.01", "min": "0"})
            self.fields[name].validators.append(MinValueValidator(0, message=_("Indiquez un montant positif ou nul.")))
        self.fields["france_travail_months"].validators.append(
            MaxValueValidator(600, message=_("Indiquez une durée d'inscription en mois, 600 au plus."))
        )
        for name in ("situation_before", "highest_diploma", "last_diploma_prepared"):
            self.fields[name].choices = [("", _("— non renseigné —")), *CerfaData._meta.get_field(name).choices]
        # DOMAIN §3: the NIR is never printed in full on a page. The field
        # shows empty; left empty, the stored number is kept.
        nir = self.fields["nir"]
        nir.widget.attrs.update({"autocomplete": "off", "spellcheck": "false", "maxlength": "30"})
        # Typed with its spaces (« 2 04 03 30 189 042 20 »): the length is
        # checked once cleaned, by the service (``notice.nir_problem``).
        for name in ("nir", "france_travail_id"):
            field = self.fields[name]
            field.max_length = None
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.widget.attrs["maxlength"] = "30"
        self.initial["nir"] = ""
        if self.instance.nir:
            nir.help_text = _("Enregistré : %(masked)s. Laissez vide pour le garder, ou saisissez-le à nouveau.") % {
                "masked": nir_masked(self.instance.nir)
            }

    def clean_contract_kind(self):
        # A form posted without the question (an older page) keeps the default.
        return self.cleaned_data["contract_kind"] or ContractKind.INITIAL

    def clean_nir(self):
        value = nir_clean(self.cleaned_data["nir"])
        if not value:
            return self.instance.nir
        problem = nir_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean(self):
        cleaned = super().clean()
        # Said on its field, before the model's constraint says it for the form.
        problem = avenant_problem(cleaned.get("contract_kind"), cleaned.get("avenant_number") or "")
        if problem:
            self.add_error("avenant_number", problem)
        return cleaned

    def clean_france_travail_id(self):
        return "".join(self.cleaned_data["france_travail_id"].split()).upper()


class OfficialModelForm(forms.Form):
    """The blank official CERFA 12434, fillable (DOC-7)."""

    file = forms.FileField(
        label=_("Modèle officiel remplissable (PDF)"),
        error_messages={"required": _("Choisissez le PDF du CERFA 12434.")},
    )


class MappingForm(forms.Form):
    """One choice per field of the official model: which value fills it."""

    def __init__(self, *args, model, values, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— laisser vide —"))] + [(key, f"{label} ({key})") for key, label in values.items()]
        self.pdf_fields = []
        for index, (name, kind) in enumerate(sorted(model["fields"].items())):
            key = f"f{index}"
            self.fields[key] = forms.ChoiceField(
                label=name, choices=choices, required=False, initial=model["mapping"].get(name, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.pdf_fields.append((key, name, kind))

    @property
    def mapping(self):
        return {name: self.cleaned_data[key] for key, name, _kind in self.pdf_fields if self.cleaned_data.get(key)}

    def rows(self):
        return [(self[key], name, kind) for key, name, kind in self.pdf_fields]
