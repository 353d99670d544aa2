"""The fiche contact (DOC-1, DOC-2)."""

from django.urls import path

from . import views as views_fiche

urlpatterns = [
    path("dossiers/<int:pk>/fiche/", views_fiche.fiche_edit, name="fiche-edit"),
    path("dossiers/<int:pk>/fiche/entreprise/", views_fiche.fiche_company_edit, name="fiche-company-edit"),
    path("dossiers/<int:pk>/fiche/pfe/", views_fiche.fiche_pfe, name="fiche-pfe"),
    path("dossiers/<int:pk>/fiche/pdf/", views_fiche.fiche_pdf, name="fiche-pdf"),
    path("dossiers/<int:pk>/fiche/viser/", views_fiche.fiche_visa, name="fiche-visa"),
    path("dossiers/<int:pk>/fiche/productions/", views_fiche.fiche_jobs, name="fiche-jobs"),
    # ROLE-5: the company's part through a personal link, no account.
    path("lien/<str:token>/fiche/", views_fiche.fiche_company_link, name="fiche-company"),
]
