"""Configuration by the office: programme, years and their calendar. The
students themselves are daily records, shown read-only: their facts change
through ``students.services``, which records each change."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contratpro.admin import ConfigurationAdmin, ConfigurationInline, RecordAdmin

from . import calendar
from .models import AcademicYear, CalendarPeriod, Department, InfoMeeting, Module, Option, SmicRate, Student


class OptionInline(ConfigurationInline):
    model = Option
    extra = 0
    fields = ("name", "head", "order")


@admin.register(Department)
class DepartmentAdmin(ConfigurationAdmin):
    list_display = ("code", "name", "head", "pfe_weeks", "march_school_week")
    list_select_related = ("head",)
    inlines = [OptionInline]
    autocomplete_fields = ("head",)


@admin.register(SmicRate)
class SmicRateAdmin(ConfigurationAdmin):
    """DOC-10: the office adds the SMIC's revaluations (one value per date)."""

    list_display = ("valid_from", "monthly_35h", "reference")


@admin.register(Module)
class ModuleAdmin(ConfigurationAdmin):
    list_display = ("name", "department", "option", "order")
    list_filter = ("department",)
    list_select_related = ("department", "option")
    search_fields = ("name",)


class CalendarPeriodInline(ConfigurationInline):
    model = CalendarPeriod
    extra = 0
    fields = ("kind", "label", "department", "start", "end")


@admin.register(AcademicYear)
class AcademicYearAdmin(ConfigurationAdmin):
    list_display = ("label", "rentree", "pfe_start", "contract_end", "training_cost", "sio_blocking")
    inlines = [CalendarPeriodInline]
    fieldsets = (
        # The SMIC is dated data of its own (``SmicRate``, DOC-10), not the year's.
        (None, {"fields": ("start_year", "training_cost", "sio_blocking")}),
        (_("Calendrier"), {"fields": calendar.CALENDAR_FIELDS}),
    )

    def save_related(self, request, form, formsets, change):
        """Once the year and its periods are saved, what derives from its
        calendar follows (CAL-1, CAL-4 → STEP-2's deadlines)."""
        super().save_related(request, form, formsets, change)
        calendar_changed = set(form.changed_data) & set(calendar.CALENDAR_FIELDS) or any(
            formset.has_changed() for formset in formsets
        )
        if not calendar_changed:
            return
        moved = calendar.year_calendar_changed(year=form.instance, by=request.user)
        if moved:
            self.message_user(
                request,
                ngettext(
                    "Calendrier modifié : %(count)d échéance recalculée.",
                    "Calendrier modifié : %(count)d échéances recalculées.",
                    moved,
                )
                % {"count": moved},
            )


@admin.register(Student)
class StudentAdmin(RecordAdmin):
    list_display = ("full_name", "student_number", "department", "option", "year")
    list_filter = ("year", "department")
    list_select_related = ("user", "department", "option", "year")
    search_fields = ("user__last_name", "user__first_name", "student_number")


@admin.register(InfoMeeting)
class InfoMeetingAdmin(ConfigurationAdmin):
    """ELIG-1: the meetings are configuration; who attended is an
    eligibility fact, recorded on the student's page or by the scolarité's
    import (``student_facts_update``), so it is only shown here."""

    list_display = ("label", "date", "year")
    list_filter = ("year",)

    def get_fields(self, request, obj=None):
        # A new meeting has nobody present yet.
        return ("year", "label", "date", "attendees") if obj else ("year", "label", "date")

    def get_readonly_fields(self, request, obj=None):
        return ("attendees",) if obj else ()
