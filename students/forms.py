"""Forms of the eligibility pages. They check shape only; the rules live in
``students.eligibility`` and the writes in ``students.services``."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contratpro.frenchdates import long_date

from .models import Department, InfoMeeting, Student
from .services import FACT_FIELDS

# A date typed into the portal falls in these years: outside them it is a
# typo (year 1, 9999) that the date arithmetic of the checks cannot handle.
EARLIEST_DATE, LATEST_DATE = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)
# A name search longer than this is no name; a far longer one overflows the
# database's LIKE patterns.
SEARCH_MAX_LENGTH = 100
SEARCH_TOO_LONG = _("Cherchez avec %(limit_value)d caractères au plus : un nom, un prénom ou un n° étudiant.")

# The facts form, grouped as the office reads a student's situation (seed §4).
FACT_FIELDSETS = (
    (_("Réunion d'information"), ("attended_meetings",)),
    (_("SIO et TOEIC"), ("sio_validated", "toeic_validated")),
    (_("Rattrapages"), ("resit_s5", "resit_s6", "resit_s7", "resit_s8", "resit_threatens_3a")),
    (_("Mobilité internationale"), ("international_mobility",)),
    (
        _("Titre de séjour"),
        (
            "foreign_national",
            "nationality",
            "internship_2a_over_3_months",
            "permit_work_authorised",
            "permit_main_activity",
            "permit_expiry",
        ),
    ),
    (_("Double diplôme"), ("double_diploma_incoming", "home_institution", "home_approval_date")),
    (_("Bourse"), ("scholarship_holder",)),
)


def plausible_date(value):
    """Refuse a date outside ``EARLIEST_DATE``…``LATEST_DATE``, in French."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Indiquez une date entre %(first)s et %(last)s, par exemple 01/09/2026."),
            code="date_range",
            params={"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
        )


class MeetingChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_pk_value": _("Cette réunion n'existe pas : cochez une réunion de la liste."),
    }

    def clean(self, value):
        # A value beyond the database's integers (99999999999999999999)
        # would overflow in the query rather than be an unknown meeting.
        if isinstance(value, (list, tuple)):
            pk = self.queryset.model._meta.pk
            for raw in value:
                try:
                    pk.run_validators(pk.to_python(raw))
                except ValidationError:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": raw}
                    ) from None
        return super().clean(value)

    def label_from_instance(self, obj):
        return _("%(label)s du %(date)s") % {"label": obj.label, "date": long_date(obj.date)}


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
        # The models' help cites the rules for developers; the office reads these.
        help_texts = {
            "foreign_national": _("Soumis à un titre de séjour."),
            "home_approval_date": _("Date de l'accord écrit de l'établissement d'origine (étape 3')."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        student = self.instance
        for name in ("permit_expiry", "home_approval_date"):
            self.fields[name].validators.append(plausible_date)
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

    q = forms.CharField(
        label=_("Nom de l'élève"), required=False, max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": SEARCH_TOO_LONG},
    )
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
