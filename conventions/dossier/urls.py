"""The dossier lists, the dossier page and its steps (STEP-1…5)."""

from django.urls import path

from . import lists, step_views, views

urlpatterns = [
    path("dossiers/", lists.dossier_list, name="dossier-list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("dossiers/<int:pk>/accord/", views.dossier_approve, name="dossier-approve"),
    path("dossiers/<int:pk>/etapes/<str:code>/", step_views.step_action, name="step-action"),
    path("tutores/", lists.tutee_list, name="tutee-list"),
    path("mon-dossier/", views.my_dossier, name="my-dossier"),
    path("mon-eligibilite/etape-1/", views.open_dossier, name="open-dossier"),
]
