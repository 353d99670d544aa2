"""The form of a mail's text: its shape only (the checks are the service's)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MailTextForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=300, strip=False)
    body = forms.CharField(
        label=_("Texte du mail"), strip=False, widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Texte brut : la version HTML du mail est faite de ce texte (paragraphes et liens gardés), avec un "
            "bouton vers l'endroit où agir. Une variable s'écrit {{ nom }} ; une condition "
            "{% if en_retard %}…{% else %}…{% endif %}."
        ),
    )
    dossier = forms.TypedChoiceField(label=_("Dossier pour l'aperçu"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, dossiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [("", _("— les noms des variables —"))] + list(dossiers)
