"""The barème is edited per year here (SCORE-2)."""

from django.contrib import admin

from .models import BaremeLine, StepScore


@admin.register(BaremeLine)
class BaremeLineAdmin(admin.ModelAdmin):
    list_display = ("year", "step", "counted", "mode")
    list_editable = ("counted", "mode")
    list_filter = ("year", "counted", "mode")
    ordering = ("year", "id")


@admin.register(StepScore)
class StepScoreAdmin(admin.ModelAdmin):
    list_display = ("dossier", "step", "points", "maximum", "by", "at")
    list_filter = ("dossier__year", "step")
    list_select_related = ("dossier__student__user", "dossier__year", "by")
    readonly_fields = ("dossier", "step", "points", "maximum", "by", "at")

    def has_add_permission(self, request):
        # Points are given on the dossier page, where each change is recorded.
        return False
