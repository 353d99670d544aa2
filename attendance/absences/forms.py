"""Forms of absences and incidents: shapes only (types, required fields);
the file's content and every rule are checked in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conventions.documents.files import ACCEPT, max_size_display
from conventions.dossier.models import Incident

DATE = {"type": "date"}


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs)


class SickLeaveForm(forms.Form):
    start = _date(_("Premier jour de l'arrêt"))
    end = _date(_("Dernier jour de l'arrêt"))
    employer_told_at = forms.DateTimeField(
        label=_("Employeur prévenu le (date et heure)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Dans les 48 heures qui suivent le début de l'arrêt (à compter de 0 h le premier jour)."),
    )
    file = forms.FileField(
        label=_("L'arrêt de travail"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, PNG ou JPEG, %(size)s au plus.") % {"size": max_size_display()},
    )


class AbsenceRequestForm(forms.Form):
    day = _date(_("Jour d'absence"), help_text=_("Un seul jour, à venir, hors période d'examens."))
    reason = forms.CharField(
        label=_("Motif de l'entreprise"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("La mission de l'entreprise qui ne peut pas attendre."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"), widget=forms.RadioSelect,
        choices=(("accept", _("Accepter")), ("refuse", _("Refuser"))),
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus : il est montré à l'élève."),
    )
    makeup_what = forms.CharField(label=_("Rattrapage prévu"), required=False, max_length=300)
    makeup_planned_on = _date(_("Rattrapage prévu le"), required=False)


class MakeupForm(forms.Form):
    what = forms.CharField(label=_("Rattrapage prévu"), max_length=300)
    planned_on = _date(_("Prévu le"), required=False)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Nature"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Incident.Kind.choices if value != Incident.Kind.SICK_LEAVE],
    )
    start = _date(_("Date"))
    description = forms.CharField(
        label=_("Ce qui s'est passé"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
    )
