"""Forms of the accounts' pages (AUTH-1): shape only, the rules live in
``services``."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from contratpro import roles

from . import services

INVITED, ACTIVE, DEACTIVATED = "invite", "actif", "desactive"
STATES = [(INVITED, _("Invité")), (ACTIVE, _("Actif")), (DEACTIVATED, _("Désactivé"))]
# The people page filters on every role; groups are set by the office,
# the others come from relations (student record, heads, tutors).
ROLE_FILTERS = [(r.value, r.label) for r in roles.Role]


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail de l'école"),
        help_text=_("Sert d'identifiant de connexion ; l'invitation et les réinitialisations de mot de passe y "
                    "sont envoyées."),
    )
    groups = forms.MultipleChoiceField(
        label=_("Rôles"), choices=roles.Group_.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Les rôles d'élève, de responsable de département et de tuteur école viennent de la fiche "
                    "de l'élève, des départements et des dossiers."),
    )


    def clean_email(self):
        # AUTH-1: the e-mail becomes the sign-in identifier; refused here in
        # French rather than by the model at save.
        email = self.cleaned_data["email"]
        if message := services.email_identity_error(email):
            raise forms.ValidationError(message)
        return email

    def clean_first_name(self):
        return _name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return _name(self.cleaned_data["last_name"])


def _name(value):
    if message := services.name_error(value):
        raise forms.ValidationError(message)
    return value


class PersonCreateForm(PersonForm):
    invite = forms.BooleanField(
        label=_("Envoyer l'invitation par e-mail maintenant"), required=False, initial=True,
    )


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nom ou e-mail"),
                                                     "class": "form-control"}))
    role = forms.ChoiceField(label=_("Rôle"), required=False, choices=[("", _("Tous les rôles")), *ROLE_FILTERS],
                             widget=forms.Select(attrs={"class": "form-select"}))
    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous les états")), *STATES],
                              widget=forms.Select(attrs={"class": "form-select"}))


class AccountForm(forms.Form):
    """« Mon compte »: phone and notifications. The e-mail is shown, never
    edited here (AUTH-1): the imports and CAS read it, so only the office
    changes it."""

    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    notifications = forms.ChoiceField(
        label=_("Comment être prévenu de ce qui vous attend"),
        choices=get_user_model().Notifications.choices, widget=forms.RadioSelect,
        help_text=_("Dans les deux cas, chaque notification reste aussi dans « Notifications », en haut de page. "
                    "Les rappels d'échéance partent toujours le jour prévu, quel que soit ce choix."),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"phone": user.phone, "notifications": user.notifications})
        super().__init__(*args, **kwargs)
