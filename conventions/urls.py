from django.urls import include, path

from . import views, views_steps

app_name = "conventions"

urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossier-list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("dossiers/<int:pk>/accord/", views.dossier_approve, name="dossier-approve"),
    path("dossiers/<int:pk>/etapes/<str:code>/", views_steps.step_action, name="step-action"),
    path("", include("conventions.urls_files")),
    path("", include("conventions.urls_links")),
    path("", include("conventions.urls_convention")),
    path("", include("conventions.urls_fiche")),
    path("tutores/", views.tutee_list, name="tutee-list"),
    path("mon-dossier/", views.my_dossier, name="my-dossier"),
    path("mon-eligibilite/etape-1/", views.open_dossier, name="open-dossier"),
]
