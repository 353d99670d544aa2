from django.urls import path

from . import views

# Included by attendance/urls.py, in its ``attendance`` namespace.
urlpatterns = [
    path("absences/", views.absence_list, name="absence-list"),
    path("absences/demandes/", views.absence_queue, name="absence-queue"),
    path("absences/demandes/<int:pk>/", views.absence_detail, name="absence-detail"),
    path("absences/demandes/<int:pk>/rattrapage/", views.absence_makeup, name="absence-makeup"),
    path("absences/arrets/<int:pk>/fichier/", views.sick_leave_file, name="sick-leave-file"),
    path("mes-absences/", views.my_absences, name="my-absences"),
    path("dossiers/<int:pk>/arret/", views.sick_leave_declare, name="sick-leave-declare"),
    path("dossiers/<int:pk>/absence/", views.absence_request, name="absence-request"),
    path("dossiers/<int:pk>/incidents/", views.incident_report, name="incident-report"),
    path("incidents/<int:pk>/declaration-opco/", views.rupture_declared, name="rupture-declared"),
    path("incidents/<int:pk>/confirmer/", views.rupture_confirm, name="rupture-confirm"),
    path("incidents/<int:pk>/ecarter/", views.rupture_dismiss, name="rupture-dismiss"),
]
