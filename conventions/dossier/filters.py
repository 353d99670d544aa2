"""Filters and sorting of the dossier lists (ROLE-2, ROLE-3, STEP-2, STEP-3):
name, department, option, company, where the dossier stands, the step it
waits at, whether a step is late, and the order. Everything is a condition
or an ordering of the database query: the page reads 25 rows whatever the
number of dossiers, and the choices offered come from small tables, never
from a scan of the dossiers."""

import django_filters
from django import forms
from django.db.models import Count, Exists, ExpressionWrapper, F, FloatField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from students.forms import SEARCH_MAX_LENGTH, SEARCH_TOO_LONG
from students.models import Department, Option

from .models import OPEN_STATES, Dossier, DossierStep, StepState
from .steps import CATALOGUE, ORDER

NAME_ORDER = ("student__user__last_name", "student__user__first_name", "pk")


class OptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.department.code} – {obj.name}"


class OptionFilter(django_filters.ModelChoiceFilter):
    field_class = OptionChoiceField


class FilterForm(forms.Form):
    """Bootstrap classes on every widget of the filter bar."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


# Where a dossier stands, as ``Dossier.situation`` words it.
SEARCHING, COMPANY_FOUND, CONTRACT = "recherche", "entreprise", "contrat"
SITUATIONS = (
    (SEARCHING, _("En recherche d'entreprise")),
    (COMPANY_FOUND, _("Entreprise trouvée, contrat à établir")),
    (CONTRACT, _("Contrat établi")),
)
_CONTRACT_SET = ~Q(contract_type="") & Q(start_date__isnull=False)
SITUATION_FILTERS = {
    SEARCHING: Q(company__isnull=True),
    COMPANY_FOUND: Q(company__isnull=False) & ~_CONTRACT_SET,
    CONTRACT: Q(company__isnull=False) & _CONTRACT_SET,
}

BY_NAME, BY_DEPARTMENT, BY_PROGRESS, BY_LATENESS = "nom", "departement", "avancement", "retard"
SORTS = (
    (BY_NAME, _("Nom de l'élève")),
    (BY_DEPARTMENT, _("Département")),
    (BY_PROGRESS, _("Avancement (les moins avancés d'abord)")),
    (BY_LATENESS, _("Retard (la plus ancienne échéance dépassée d'abord)")),
)


def _open_steps():
    return DossierStep.objects.filter(dossier=OuterRef("pk"), state__in=OPEN_STATES)


def late(queryset, today):
    """Dossiers with an open step past its deadline (STEP-2) on ``today``."""
    return queryset.filter(Exists(_open_steps().filter(deadline__lt=today)))


def waiting_at(queryset, code):
    """Dossiers whose first open step, in the démarche's order, is ``code`` (STEP-3)."""
    return queryset.filter(Exists(_open_steps().filter(code=code)) & ~Exists(_open_steps().filter(order__lt=ORDER[code])))


def _step_count(**conditions):
    steps = DossierStep.objects.filter(dossier=OuterRef("pk"), **conditions).order_by().values("dossier")
    return Coalesce(Subquery(steps.annotate(n=Count("pk")).values("n")), 0)


def sort(queryset, key):
    """``queryset`` in the order ``key`` names (one of ``SORTS``), the
    student's name breaking ties; the name order reads the index on the
    user's name, so a page costs the same whatever the number of rows."""
    if key == BY_DEPARTMENT:
        return queryset.order_by("student__department__code", *NAME_ORDER)
    if key == BY_PROGRESS:
        done = Cast(_step_count(state=StepState.VALIDATED), FloatField())
        total = Cast(NullIf(_step_count(), Value(0)), FloatField())
        progress = Coalesce(ExpressionWrapper(done / total, output_field=FloatField()), Value(0.0))
        return queryset.annotate(progress=progress).order_by("progress", *NAME_ORDER)
    if key == BY_LATENESS:
        first_open = _open_steps().order_by().values("dossier").annotate(first=Min("deadline")).values("first")
        return queryset.annotate(first_deadline=Subquery(first_open)).order_by(
            F("first_deadline").asc(nulls_last=True), *NAME_ORDER
        )
    return queryset.order_by(*NAME_ORDER)


class DossierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Nom de l'élève"), method="search", max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": SEARCH_TOO_LONG},
    )
    department = django_filters.ModelChoiceFilter(
        field_name="student__department", label=_("Département"), queryset=Department.objects.none(),
        empty_label=_("Tous"),
    )
    option = OptionFilter(
        field_name="student__option", label=_("Option"), queryset=Option.objects.none(), empty_label=_("Toutes"),
    )
    # A name search, not a select: hundreds of companies over the years
    # would make every list page render hundreds of options.
    company = django_filters.CharFilter(
        field_name="company__name", lookup_expr="icontains", label=_("Entreprise"), max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": _("Cherchez avec %(limit_value)d caractères au plus : le nom de l'entreprise.")},
    )
    state = django_filters.ChoiceFilter(
        label=_("Situation"), choices=SITUATIONS, empty_label=_("Toutes"), method="situation",
    )
    step = django_filters.ChoiceFilter(
        label=_("En attente à l'étape"), empty_label=_("Toutes"), method="current_step",
        choices=[(s.code, f"{s.display_code} – {s.label}") for s in CATALOGUE],
    )
    late = django_filters.BooleanFilter(
        label=_("Seulement les dossiers en retard"), method="overdue", widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Trier par"), choices=SORTS, empty_label=None, method="ordered",
    )

    class Meta:
        model = Dossier
        form = FilterForm
        fields = ("q", "department", "option", "company", "state", "step", "late", "sort")

    def __init__(self, *args, visible, sees_all=False, today=None, **kwargs):
        """``visible`` is the user's dossier queryset (from ``roles``): the
        choices offered never reveal what lies outside it. Who sees every
        dossier (``sees_all``) is offered every department and option,
        without reading the dossiers."""
        super().__init__(*args, queryset=visible, **kwargs)
        self.today = today or timezone.localdate()
        if sees_all:
            departments = Department.objects.all()
            options = Option.objects.all()
        else:
            departments = Department.objects.filter(pk__in=visible.order_by().values("student__department"))
            options = Option.objects.filter(department__in=departments)
        self.filters["department"].queryset = departments
        self.filters["option"].queryset = options.select_related("department")

    @property
    def qs(self):
        """The filtered dossiers in the chosen order (by name by default)."""
        queryset = super().qs if self.is_bound else self.queryset
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("sort")):
            queryset = sort(queryset, BY_NAME)
        return queryset

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(student__user__last_name__icontains=word)
                | Q(student__user__first_name__icontains=word)
                | Q(student__student_number__iexact=word)
            )
        return queryset

    def situation(self, queryset, name, value):
        return queryset.filter(SITUATION_FILTERS[value])

    def current_step(self, queryset, name, value):
        return waiting_at(queryset, value)

    def overdue(self, queryset, name, value):
        return late(queryset, self.today) if value else queryset

    def ordered(self, queryset, name, value):
        return sort(queryset, value)
