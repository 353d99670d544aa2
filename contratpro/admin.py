"""The admin is for configuration only (ARCHITECTURE.md): years and their
calendar, programme, barème, accounts. Daily records — students, dossiers,
companies, scores — are shown read-only, because each change to them goes
through a service that checks its rule and writes the event log.

Every room's ``admin.py`` builds on the two kinds of admin below. The office
(ROLE-2, as the chokepoint says: ``roles.can_manage_dossiers``) configures
without holding Django model permissions one by one; accounts stay with the
superuser, since editing them grants roles and admin rights.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import roles
from .models import User


def _office(request):
    return roles.can_manage_dossiers(request.user)


class _Configures:
    """The office views and edits this configuration (CAL-1, PROG-1, SCORE-2)."""

    def has_module_permission(self, request):
        return _office(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _office(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _office(request) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _office(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _office(request) or super().has_delete_permission(request, obj)


class _ShowsOnly:
    """A daily record: listed and shown to the office, never added, changed
    or deleted here, not even by a superuser. Its services, called from the
    portal's pages, record who did what (DATA-4, STEP-3)."""

    def has_module_permission(self, request):
        return _office(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _office(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConfigurationAdmin(_Configures, admin.ModelAdmin):
    pass


class ConfigurationInline(_Configures, admin.TabularInline):
    pass


class RecordAdmin(_ShowsOnly, admin.ModelAdmin):
    pass


class RecordInline(_ShowsOnly, admin.TabularInline):
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        # Every field listed is shown read-only, timestamps included.
        return self.fields or ()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("phone",)}),)
    list_display = ("username", "last_name", "first_name", "email", "is_staff")
    search_fields = ("username", "last_name", "first_name", "email")

    def has_delete_permission(self, request, obj=None):
        # An account is deactivated, never deleted: its history, signatures
        # and grades keep naming it (AUTH-1; « Personnes » → Désactiver).
        return False
