"""The versions of the mails' texts in the admin: read-only (the office
edits them on « Textes des mails », where they are checked)."""

from django.contrib import admin

from .models import MailTextVersion


class MailTextVersionAdmin(admin.ModelAdmin):
    list_display = ("key", "edited_at", "edited_by", "is_default")
    list_filter = ("key", "is_default")
    list_select_related = ("edited_by",)
    readonly_fields = ("key", "subject", "body", "is_default", "edited_by", "edited_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def register():
    admin.site.register(MailTextVersion, MailTextVersionAdmin)
