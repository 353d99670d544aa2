"""Forms of the sessions and the carnet: shapes only, the rules are in ``services``."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from contratpro.roles import Group_
from students.models import Module, Option

from .models import Session


def teachers():
    """The accounts a session may be taught by: the teachers' group."""
    return get_user_model().objects.filter(groups__name=Group_.TEACHERS.value, is_active=True).order_by(
        "last_name", "first_name"
    )


class TeacherChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ModuleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        where = obj.option.name if obj.option_id else obj.department.code
        return f"{obj.name} ({where})"


class SessionForm(forms.ModelForm):
    module = ModuleChoice(
        label=_("Module"), queryset=Module.objects.select_related("department", "option")
    )
    teacher = TeacherChoice(label=_("Enseignant"), queryset=teachers())
    options = forms.ModelMultipleChoiceField(
        label=_("Options"), required=False, queryset=Option.objects.select_related("department"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : tout le département du module (ou l'option du module)."),
    )

    class Meta:
        model = Session
        fields = ("module", "kind", "date", "start", "end", "room", "teacher", "options")
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("La fin doit suivre le début."))
        return data

    def _post_clean(self):
        # The model's own checks run in the service, with the year and the
        # duration it computes (``services.session_save``).
        pass


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la correction"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("Obligatoire : il est conservé avec la séance et dans l'historique des élèves concernés."),
    )
