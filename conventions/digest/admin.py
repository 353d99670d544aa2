"""The digests' claims in the admin, read-only (NOTIF-1)."""

from django.contrib import admin

from contratpro.admin import RecordAdmin

from .models import DigestClaim


class DigestClaimAdmin(RecordAdmin):
    list_display = ("kind", "period", "recipient", "state", "attempts", "sent_at")
    list_filter = ("kind", "state")
    list_select_related = ("user",)


def register(site=admin.site):
    """Called from ``registrations.register_all`` (explicit, not on import)."""
    if not site.is_registered(DigestClaim):
        site.register(DigestClaim, DigestClaimAdmin)
