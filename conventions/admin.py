"""Dossiers and companies are daily records: the admin lists and shows them
to the office, read-only. Each change goes through the room's services from
the portal's pages, which check the rule and record the event (STEP-3)."""

from django.contrib import admin

from contratpro.admin import RecordAdmin, RecordInline

from .models import Company, CompanyContact, Dossier, DossierStep, Incident


class CompanyContactInline(RecordInline):
    model = CompanyContact
    fields = ("role", "first_name", "last_name", "job_title", "email", "phone")


@admin.register(Company)
class CompanyAdmin(RecordAdmin):
    list_display = ("name", "siret", "city", "opco")
    search_fields = ("name", "siret", "city")
    inlines = [CompanyContactInline]


class DossierStepInline(RecordInline):
    """The steps and their deadlines (STEP-2, STEP-3), as the dossier page shows them."""

    model = DossierStep
    fields = ("code", "state", "deadline", "comment", "updated_at")


class IncidentInline(RecordInline):
    model = Incident
    fields = ("kind", "start", "description", "reported_by", "reported_at")


@admin.register(Dossier)
class DossierAdmin(RecordAdmin):
    list_display = ("student", "year", "company", "contract_type", "start_date", "end_date", "tuteur_ecole")
    list_filter = ("year", "student__department", "contract_type")
    list_select_related = ("student__user", "year", "company", "tuteur_ecole")
    search_fields = ("student__user__last_name", "student__user__first_name", "company__name")
    inlines = [DossierStepInline, IncidentInline]
