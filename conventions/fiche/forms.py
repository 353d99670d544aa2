"""Forms of the fiche contact (DOC-1, DOC-2). They check shape: e-mails,
French phone numbers, the SIRET's key, the PFE title's length; the writes
and what follows from them live in ``conventions.fiche``."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from conventions.companies.models import Company
from conventions.companies.validators import normalise_siret, validate_siret
from students.models import Student

from .models import COMPANY_FIELDS, FicheContact

# Separators people type between digit pairs: spaces, dots, dashes, slashes.
_PHONE_SEPARATORS = re.compile(r"[\s.\-/]")
_PHONE_MESSAGE = _(
    "Numéro de téléphone non valide : saisissez un numéro français à 10 chiffres, "
    "par exemple 04 66 78 50 88 ou +33 4 66 78 50 88."
)


def normalise_phone(value):
    """A French number written the usual way: "04 66 78 50 88", or
    "+33 4 66 78 50 88" when typed with the country code. Raises
    ``ValidationError`` (French) for anything else."""
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = _PHONE_SEPARATORS.sub("", raw).replace("(0)", "")
    if digits.startswith("0033"):
        digits = "+33" + digits[4:]
    if digits.startswith("+33") and len(digits) == 12 and digits[3:].isdigit() and digits[3] != "0":
        national = digits[3:]
        return "+33 " + national[0] + " " + " ".join(national[i : i + 2] for i in range(1, 9, 2))
    if len(digits) == 10 and digits.isdigit() and digits[0] == "0" and digits[1] != "0":
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    raise ValidationError(_PHONE_MESSAGE, code="phone")


class PhoneField(forms.CharField):
    """A French phone number, stored in its usual written form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.attrs.setdefault("placeholder", "04 66 78 50 88")

    def clean(self, value):
        return normalise_phone(super().clean(value))


class SiretField(forms.CharField):
    """14 digits with a right Luhn key; spaces typed in it are dropped."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)  # room for the spaces people type
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("placeholder", "732 829 320 00074")

    def clean(self, value):
        value = normalise_siret(super().clean(value))
        if value:
            validate_siret(value)
        return value


class FicheStudentForm(forms.ModelForm):
    """The student's part (DOC-1): activities and projects in the company."""

    class Meta:
        model = FicheContact
        fields = ("company_activities", "pfe_project")
        labels = {
            "company_activities": _("Activités et projets confiés pendant les périodes en entreprise"),
            "pfe_project": _("Projet de fin d'études envisagé"),
        }
        help_texts = {
            "company_activities": _("Missions, projets, outils : ce que le responsable de département valide à l'étape 3."),
            "pfe_project": _("Le sujet pressenti ; il sera précisé en fin de S9 (fiche PFE)."),
        }
        widgets = {"company_activities": forms.Textarea(attrs={"rows": 6}), "pfe_project": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True


class StudentContactForm(forms.ModelForm):
    """The student's own postal address and phone (DOC-1): their record,
    not a shared one. The phone is kept on their account."""

    phone = PhoneField(label=_("Téléphone"), required=False)

    class Meta:
        model = Student
        fields = ("address", "postal_code", "city")
        labels = {"address": _("Adresse postale"), "postal_code": _("Code postal"), "city": _("Commune")}
        widgets = {"address": forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].initial = self.instance.user.phone if self.instance.pk else ""
        self.fields["postal_code"].widget.attrs.setdefault("autocomplete", "postal-code")
        self.fields["city"].widget.attrs.setdefault("autocomplete", "address-level2")

    def clean_postal_code(self):
        value = "".join((self.cleaned_data.get("postal_code") or "").split())
        if value and not re.fullmatch(r"\d{5}", value):
            raise ValidationError(_("Un code postal français compte 5 chiffres, par exemple 30100."))
        return value

    def values(self):
        """What the fiche's service writes on the student's record."""
        return {name: self.cleaned_data[name] for name in ("address", "postal_code", "city", "phone")}


class CompanyForm(forms.ModelForm):
    """The employer's identity (DOC-1, DOC-7). Finding the company by its
    SIRET, or creating it, is ``fiche.fiche_save_company_identity``'s job:
    the uniqueness of the SIRET is not a form error here."""

    siret = SiretField(label=_("SIRET de l'établissement"))

    class Meta:
        model = Company
        fields = ("name", "siret", "address", "postal_code", "city")
        labels = {
            "name": _("Raison sociale"),
            "address": _("Adresse de l'établissement où travaille l'élève"),
            "postal_code": _("Code postal"),
            "city": _("Ville"),
        }

    def validate_unique(self):
        """Another dossier's company with this SIRET is the same company: the
        service links to it instead of refusing."""

    def clean_postal_code(self):
        value = "".join(self.cleaned_data["postal_code"].split())
        if not re.fullmatch(r"\d{5}", value):
            raise ValidationError(_("Un code postal français compte 5 chiffres, par exemple 30100."))
        return value


class FicheCompanyForm(forms.ModelForm):
    """The company's part (DOC-1): typed by the student or completed by the
    company through its personal link (ROLE-5). A person half described is
    refused: names and e-mail go together."""

    company_phone = PhoneField(label=_("Téléphone du standard de l'entreprise"), required=False)
    tutor_phone = PhoneField(label=_("Téléphone"), required=False)
    signatory_phone = PhoneField(label=_("Téléphone"), required=False)
    hr_phone = PhoneField(label=_("Téléphone"), required=False)

    class Meta:
        model = FicheContact
        fields = COMPANY_FIELDS
        labels = {
            "company_presentation": _("Présentation de l'entreprise et du service d'accueil"),
            "tutor_first_name": _("Prénom"),
            "tutor_last_name": _("Nom"),
            "tutor_job": _("Fonction"),
            "tutor_email": _("E-mail"),
            "tutor_experience_years": _("Années d'expérience dans le domaine du diplôme"),
            "signatory_first_name": _("Prénom"),
            "signatory_last_name": _("Nom"),
            "signatory_job": _("Qualité (fonction)"),
            "signatory_email": _("E-mail"),
            "hr_first_name": _("Prénom"),
            "hr_last_name": _("Nom"),
            "hr_job": _("Fonction"),
            "hr_email": _("E-mail"),
        }
        help_texts = {
            "tutor_experience_years": _("Le tuteur doit justifier d'au moins 2 ans d'expérience (Code du travail, D6325-9)."),
            "signatory_first_name": _("La personne qui signe le contrat et la convention au nom de l'entreprise."),
        }
        widgets = {"company_presentation": forms.Textarea(attrs={"rows": 4})}

    # (legend, fields) as the page shows them.
    GROUPS = (
        (_("L'entreprise et le service"), ("company_presentation", "company_phone")),
        (
            _("Tuteur entreprise"),
            ("tutor_first_name", "tutor_last_name", "tutor_job", "tutor_email", "tutor_phone", "tutor_experience_years"),
        ),
        (
            _("Signataire pour l'entreprise"),
            ("signatory_first_name", "signatory_last_name", "signatory_job", "signatory_email", "signatory_phone"),
        ),
        (_("Contact ressources humaines"), ("hr_first_name", "hr_last_name", "hr_job", "hr_email", "hr_phone")),
    )
    PEOPLE = (
        ("tutor", ("tutor_first_name", "tutor_last_name", "tutor_email")),
        ("signatory", ("signatory_first_name", "signatory_last_name", "signatory_email")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("tutor_email", "signatory_email", "hr_email"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "email")

    def clean(self):
        cleaned = super().clean()
        for _person, names in self.PEOPLE:
            given = [name for name in names if cleaned.get(name)]
            if given and len(given) < len(names):
                for name in names:
                    if not cleaned.get(name) and name not in self.errors:
                        self.add_error(name, _("Indiquez aussi ce champ : nom, prénom et e-mail vont ensemble."))
        hr_given = [name for name in ("hr_first_name", "hr_last_name", "hr_job", "hr_phone") if cleaned.get(name)]
        if hr_given and not cleaned.get("hr_email") and "hr_email" not in self.errors:
            self.add_error("hr_email", _("Indiquez l'e-mail du contact RH : c'est par lui que le portail le reconnaît."))
        if cleaned.get("signatory_phone") and not cleaned.get("signatory_email") and "signatory_email" not in self.errors:
            self.add_error("signatory_email", _("Indiquez aussi ce champ : nom, prénom et e-mail vont ensemble."))
        return cleaned

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]


class FichePfeForm(forms.ModelForm):
    """The fiche PFE at the end of S9 (DOC-2): the title (10 words at most,
    it goes in the diploma supplement), context, purpose, objectives and
    schedule."""

    class Meta:
        model = FicheContact
        fields = ("pfe_title", "pfe_context", "pfe_purpose", "pfe_objectives", "pfe_schedule")
        labels = {
            "pfe_title": _("Titre du PFE (10 mots au plus)"),
            "pfe_context": _("Contexte"),
            "pfe_purpose": _("Finalité"),
            "pfe_objectives": _("Objectifs"),
            "pfe_schedule": _("Déroulement prévisionnel"),
        }
        help_texts = {"pfe_title": _("Il figure au supplément au diplôme.")}
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in ("pfe_context", "pfe_purpose", "pfe_objectives", "pfe_schedule")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
