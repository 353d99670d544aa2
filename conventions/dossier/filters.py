"""Filters of the dossier list: department, option, company, name search."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from students.forms import SEARCH_MAX_LENGTH, SEARCH_TOO_LONG
from students.models import Department, Option

from .models import Dossier


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
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


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

    class Meta:
        model = Dossier
        form = FilterForm
        fields = ("q", "department", "option", "company")

    def __init__(self, *args, visible, **kwargs):
        """``visible`` is the user's dossier queryset (from ``roles``): the
        choices offered never reveal what lies outside it."""
        super().__init__(*args, queryset=visible, **kwargs)
        department_ids = visible.values("student__department")
        self.filters["department"].queryset = Department.objects.filter(pk__in=department_ids)
        self.filters["option"].queryset = Option.objects.filter(
            department__in=department_ids
        ).select_related("department")

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(student__user__last_name__icontains=word)
                | Q(student__user__first_name__icontains=word)
                | Q(student__student_number__iexact=word)
            )
        return queryset
