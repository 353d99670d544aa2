"""Forms of the eligibility pages. They check shape only; the rules live in
``students.eligibility`` and the writes in ``students.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, InfoMeeting, Student
from .services import FACT_FIELDS

# The facts form, grouped as the office reads a student's situation (seed §4).
FACT_FIELDSETS = (
    (_("Réunion d'information (ELIG-1)"), ("attended_meetings",)),
    (_("SIO et TOEIC (ELIG-2, ELIG-3)"), ("sio_validated", "toeic_validated")),
    (_("Rattrapages (ELIG-4)"), ("resit_s5", "resit_s6", "resit_s7", "resit_s8", "resit_threatens_3a")),
    (_("Mobilité internationale (ELIG-5)"), ("international_mobility",)),
    (
        _("Titre de séjour (ELIG-6)"),
        (
            "foreign_national",
            "nationality",
            "internship_2a_over_3_months",
            "permit_work_authorised",
            "permit_main_activity",
            "permit_expiry",
        ),
    ),
    (_("Double diplôme (ELIG-7)"), ("double_diploma_incoming", "home_institution", "home_approval_date")),
    (_("Bourse (ELIG-8)"), ("scholarship_holder",)),
)


class MeetingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _("%(label)s du %(date)s") % {"label": obj.label, "date": obj.date.strftime("%d/%m/%Y")}


class StudentFactsForm(forms.ModelForm):
    """The facts the office keeps for a student (FACT_FIELDS) and the
    information meetings of the student's year they attended (ELIG-1)."""

    attended_meetings = MeetingChoiceField(
        label=_("Présent(e) à"),
        queryset=InfoMeeting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Cochez chaque réunion d'information où l'élève a été vu(e)."),
    )

    class Meta:
        model = Student
        fields = FACT_FIELDS
        widgets = {
            "permit_expiry": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "home_approval_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        student = self.instance
        self.fields["attended_meetings"].queryset = InfoMeeting.objects.filter(year=student.year_id)
        if not self.is_bound:
            self.initial["attended_meetings"] = [m.pk for m in student.info_meetings.all()]
        if not self.fields["attended_meetings"].queryset.exists():
            self.fields["attended_meetings"].help_text = _(
                "Aucune réunion d'information n'est enregistrée pour cette année : ajoutez-la dans l'administration."
            )

    def fieldsets(self):
        """(legend, bound fields) in the order of ``FACT_FIELDSETS``."""
        return [(legend, [self[name] for name in names]) for legend, names in FACT_FIELDSETS]

    @property
    def fact_values(self):
        """The cleaned facts, as ``student_facts_update`` takes them."""
        return {name: self.cleaned_data[name] for name in FACT_FIELDS}


class OverrideForm(forms.Form):
    """The office's written reason for lifting a check (ELIG-10)."""

    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire ; il est conservé dans l'historique de l'élève."),
        error_messages={"required": _("Indiquez le motif de la dérogation : il est conservé dans l'historique.")},
    )


class StudentFilterForm(forms.Form):
    """Filter bar of the students list: department, state, name."""

    BLOCKED, RISKS, CLEAR = "bloques", "risques", "conformes"
    STATES = (
        ("", _("Tous")),
        (BLOCKED, _("Bloqués")),
        (RISKS, _("Risques signalés")),
        (CLEAR, _("Conformes")),
    )

    q = forms.CharField(label=_("Nom de l'élève"), required=False)
    department = forms.ModelChoiceField(
        label=_("Département"), queryset=Department.objects.none(), required=False, empty_label=_("Tous")
    )
    state = forms.ChoiceField(label=_("Situation"), choices=STATES, required=False)

    def __init__(self, *args, departments, **kwargs):
        """``departments``: those of the students the viewer may see, so the
        choices never reveal what lies outside their scope (ROLE-9)."""
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["q"].widget.attrs.update({"class": "form-control", "placeholder": _("Nom ou n° étudiant")})
        self.fields["department"].widget.attrs["class"] = "form-select"
        self.fields["state"].widget.attrs["class"] = "form-select"
