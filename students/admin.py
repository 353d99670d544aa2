"""Configuration by the office: programme, years and their calendar."""

from django.contrib import admin

from .models import AcademicYear, CalendarPeriod, Department, InfoMeeting, Module, Option, Student


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ("name", "head", "order")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "head", "pfe_weeks", "march_school_week")
    list_select_related = ("head",)
    inlines = [OptionInline]
    autocomplete_fields = ("head",)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "option", "order")
    list_filter = ("department",)
    list_select_related = ("department", "option")
    search_fields = ("name",)


class CalendarPeriodInline(admin.TabularInline):
    model = CalendarPeriod
    extra = 0
    fields = ("kind", "label", "department", "start", "end")


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ("label", "rentree", "pfe_start", "contract_end", "training_cost", "sio_blocking")
    inlines = [CalendarPeriodInline]
    fieldsets = (
        (None, {"fields": ("start_year", "training_cost", "sio_blocking")}),
        ("Calendrier", {"fields": ("rentree", "s9_end", "s10_start", "christmas_start", "christmas_end", "pfe_start", "contract_end")}),
    )


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("full_name", "student_number", "department", "option", "year")
    list_filter = ("year", "department")
    list_select_related = ("user", "department", "option", "year")
    search_fields = ("user__last_name", "user__first_name", "student_number")
    autocomplete_fields = ("user",)


@admin.register(InfoMeeting)
class InfoMeetingAdmin(admin.ModelAdmin):
    """ELIG-1: meetings and their attendance lists."""

    list_display = ("label", "date", "year")
    list_filter = ("year",)
    filter_horizontal = ("attendees",)
