"""Forms of the PFE page: shapes only; the rules are the services' (STYLE §11)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from contratpro.roles import Group_

from .models import FichePfeReview


def jury_candidates():
    """The school's teachers, by name: the jury is drawn from them (PFE-1)."""
    return get_user_model().objects.filter(groups__name=Group_.TEACHERS, is_active=True).order_by("last_name", "first_name", "pk")


class FichePfeReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Votre avis"), widget=forms.RadioSelect,
        choices=[
            (FichePfeReview.Verdict.VALIDATED, _("Valider la fiche PFE telle qu'elle est")),
            (FichePfeReview.Verdict.RETURNED, _("La renvoyer à l'élève, avec un commentaire")),
        ],
    )
    comment = forms.CharField(
        label=_("Commentaire pour l'élève"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour renvoyer la fiche : dites ce qui est à reprendre."),
    )


class DefenceForm(forms.Form):
    day = forms.DateField(label=_("Jour"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    room = forms.CharField(label=_("Salle"), max_length=120)
    jury = forms.ModelMultipleChoiceField(label=_("Membres du jury"), queryset=None, widget=forms.CheckboxSelectMultiple)
    president = forms.ModelChoiceField(label=_("Président du jury"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jury"].queryset = jury_candidates()
        self.fields["president"].queryset = jury_candidates()
        label = lambda user: user.get_full_name() or user.username  # noqa: E731
        self.fields["jury"].label_from_instance = label
        self.fields["president"].label_from_instance = label


class ReportDeadlineForm(forms.Form):
    due = forms.DateField(
        label=_("Remise du rapport au plus tard le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class GradeForm(forms.Form):
    grade = forms.DecimalField(
        label=_("Note du PFE (sur 20)"), max_digits=4, decimal_places=2, min_value=0, max_value=20, localize=True,
    )
    reason = forms.CharField(
        label=_("Raison du changement"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seulement pour changer une note déjà saisie."),
    )


class ReportForm(forms.Form):
    file = forms.FileField(label=_("Rapport de PFE (PDF)"))
