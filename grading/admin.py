"""The barème is edited per year here (SCORE-2); the points given are daily
records, shown read-only: they are given on the dossier page, where each
change is recorded."""

from django.contrib import admin

from contratpro.admin import ConfigurationAdmin, RecordAdmin

from .models import BaremeLine, StepScore


@admin.register(BaremeLine)
class BaremeLineAdmin(ConfigurationAdmin):
    list_display = ("year", "step", "counted", "mode")
    list_editable = ("counted", "mode")
    list_filter = ("year", "counted", "mode")
    ordering = ("year", "id")


@admin.register(StepScore)
class StepScoreAdmin(RecordAdmin):
    list_display = ("dossier", "step", "points", "maximum", "by", "at")
    list_filter = ("dossier__year", "step")
    list_select_related = ("dossier__student__user", "dossier__year", "by")
