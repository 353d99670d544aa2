"""Forms of the certificates: shapes only, the rules are in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from students.models import AcademicYear

from .models import CertificateKind


class BatchForm(forms.Form):
    """CERT-1: a year and a period, for every dossier that awaits it."""

    year = forms.ModelChoiceField(label=_("Année"), queryset=AcademicYear.objects.all(), empty_label=None)
    kind = forms.ChoiceField(label=_("Certificat"), choices=CertificateKind.choices)


class DossierIssueForm(forms.Form):
    """CERT-1: one dossier's certificate for a period (a new version when it has one)."""

    kind = forms.ChoiceField(label=_("Certificat"), choices=CertificateKind.choices)


class VerifyForm(forms.Form):
    """CERT-2: the code printed under the QR code."""

    code = forms.CharField(
        label=_("Code de vérification"), max_length=40,
        help_text=_("Les 12 caractères imprimés sous le QR code, par exemple ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
