from django.urls import path

from . import views

urlpatterns = [
    path("dossiers/<int:pk>/pfe/", views.pfe_dossier, name="pfe-dossier"),
    path("dossiers/<int:pk>/pfe/fiche/avis/", views.fiche_pfe_review, name="fiche-pfe-review"),
    path("dossiers/<int:pk>/pfe/soutenance/", views.defence_schedule, name="defence-schedule"),
    path("dossiers/<int:pk>/pfe/rapport/echeance/", views.defence_report_deadline, name="defence-report-deadline"),
    path("dossiers/<int:pk>/pfe/rapport/", views.pfe_report_upload, name="pfe-report-upload"),
    path("dossiers/<int:pk>/pfe/rapport/<int:version>/", views.pfe_report_download, name="pfe-report-download"),
    path("dossiers/<int:pk>/pfe/note/", views.defence_grade, name="defence-grade"),
]
