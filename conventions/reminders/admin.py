"""The reminders in the admin (NOTIF-1): the office sets each year's
policy; the claims are shown read-only (the office's page sends a failed
one again)."""

from django.contrib import admin

from contratpro.admin import ConfigurationAdmin, RecordAdmin

from .models import ReminderClaim, ReminderPolicy


class ReminderPolicyAdmin(ConfigurationAdmin):
    list_display = ("year", "days_before", "days_after")


class ReminderClaimAdmin(RecordAdmin):
    list_display = ("label", "dossier", "recipient", "offset", "due", "state", "attempts", "sent_at")
    list_filter = ("state",)
    list_select_related = ("dossier__student__user", "dossier__year")


def register(site=admin.site):
    """Called from ``registrations.register_all`` (explicit, not on import)."""
    if not site.is_registered(ReminderPolicy):
        site.register(ReminderPolicy, ReminderPolicyAdmin)
    if not site.is_registered(ReminderClaim):
        site.register(ReminderClaim, ReminderClaimAdmin)
