from django.contrib import admin

from .models import Company, CompanyContact, Dossier


class CompanyContactInline(admin.TabularInline):
    model = CompanyContact
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "siret", "city", "opco")
    search_fields = ("name", "siret", "city")
    inlines = [CompanyContactInline]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("student", "year", "company", "contract_type", "start_date", "end_date", "tuteur_ecole")
    list_filter = ("year", "student__department", "contract_type")
    list_select_related = ("student__user", "year", "company", "tuteur_ecole")
    search_fields = ("student__user__last_name", "student__user__first_name", "company__name")
    autocomplete_fields = ("student", "company", "tuteur_ecole")
    raw_id_fields = ("tuteur_entreprise", "signataire", "hr_contact")
