"""Forms of the s9 subject: shape only (a grade is a number with at most
two decimals, 0–20); the rules are the services'."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import REPORT_PARTS
from .report import parts_missing_message

_GRADE_ERRORS = {
    "required": _("Indiquez une note de 0 à 20."),
    "invalid": _("Une note est un nombre, par exemple 13,25."),
    "max_value": _("Une note va de 0 à 20."),
    "min_value": _("Une note va de 0 à 20."),
    "max_decimal_places": _("Une note a au plus deux décimales (par exemple 13,25)."),
}


def grade_field(label):
    return forms.DecimalField(label=label, min_value=Decimal("0"), max_value=Decimal("20"),
                              decimal_places=2, localize=True, error_messages=_GRADE_ERRORS,
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))


class TutorForm(forms.Form):
    tutor = forms.ModelChoiceField(label=_("Tuteur école"), queryset=None,
                                   error_messages={"required": _("Choisissez un enseignant."),
                                                   "invalid_choice": _("Choisissez un enseignant de la liste.")})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = candidates
        self.fields["tutor"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}" + (f" — {_('du département')}" if getattr(u, "own", False) else ""))


class _ReasonMixin(forms.Form):
    reason = forms.CharField(label=_("Motif du changement (note déjà transmise)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReportGradeForm(_ReasonMixin):
    grade = grade_field(_("Note du rapport (sur 20)"))
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    field_order = ("grade", "comment", "reason")


class AppraisalForm(_ReasonMixin):
    grade = grade_field(_("Note du tuteur entreprise (sur 20), saisie depuis la fiche papier"))
    field_order = ("grade", "reason")


class ReportHandInForm(forms.Form):
    """EVAL-2, step A: the report (its content is checked by the service)
    and the four parts, each ticked by the student. Shape only: every box
    must be ticked; the service says the same whatever the caller."""

    file = forms.FileField(
        label=_("Rapport de Projet Entreprise (PDF)"), allow_empty_file=True,
        error_messages={"required": _("Choisissez le fichier PDF de votre rapport.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in REPORT_PARTS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def ticked(self):
        return {name for name in REPORT_PARTS if self.cleaned_data.get(name)}

    def clean(self):
        cleaned = super().clean()
        if not all(cleaned.get(name) for name in REPORT_PARTS):
            raise forms.ValidationError(parts_missing_message())
        return cleaned
