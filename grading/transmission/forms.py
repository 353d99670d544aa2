"""The scope of the grades' page and of a transmission: a year, and one
department or the whole year (ROLE-8). Shape only; who may see or send
what is ``contratpro.roles``' (through ``services``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import AcademicYear


class ScopeForm(forms.Form):
    annee = forms.ModelChoiceField(label=_("Année"), queryset=AcademicYear.objects.order_by("-start_year"),
                                   required=False, empty_label=None)
    departement = forms.ModelChoiceField(label=_("Département"), queryset=None, required=False,
                                         empty_label=_("Toute la promotion"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departments
        self.fields["annee"].label_from_instance = lambda year: year.label
        self.fields["departement"].label_from_instance = lambda d: f"{d.code} – {d.name}"

    def scope(self):
        """``(year, department)``: what was chosen, else the current year and
        no department; ``None`` as the year when there is none at all."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        year = data.get("annee") or AcademicYear.objects.current()
        return year, data.get("departement")
