"""The fiche contact and the CERFA 12434 (DOC-1, DOC-2, DOC-7)."""

from django.urls import path

from . import views_fiche

urlpatterns = [
    path("dossiers/<int:pk>/fiche/", views_fiche.fiche_edit, name="fiche-edit"),
    path("dossiers/<int:pk>/fiche/entreprise/", views_fiche.fiche_company_edit, name="fiche-company-edit"),
    path("dossiers/<int:pk>/fiche/pfe/", views_fiche.fiche_pfe, name="fiche-pfe"),
    path("dossiers/<int:pk>/fiche/pdf/", views_fiche.fiche_pdf, name="fiche-pdf"),
    path("dossiers/<int:pk>/fiche/productions/", views_fiche.fiche_jobs, name="fiche-jobs"),
    path("dossiers/<int:pk>/cerfa/", views_fiche.cerfa_edit, name="cerfa-edit"),
    path("dossiers/<int:pk>/cerfa/pdf/", views_fiche.cerfa_pdf, name="cerfa-pdf"),
    path("cerfa/modele/", views_fiche.cerfa_model, name="cerfa-model"),
    # ROLE-5: the company's part through a personal link, no account.
    path("lien/<str:token>/fiche/", views_fiche.fiche_company_link, name="fiche-company"),
]
