from django.urls import include, path

from . import views

app_name = "grading"

urlpatterns = [
    path("dossiers/<int:pk>/points/<str:code>/", views.score_set, name="score-set"),
    path("dossiers/<int:pk>/bareme.xlsx", views.dossier_workbook, name="dossier-workbook"),
    path("dossiers/bareme.xlsx", views.class_workbook, name="class-workbook"),
    path("", include("grading.s9.urls")),
    path("", include("grading.pfe.urls")),
    path("", include("grading.appraisal.urls")),
    path("", include("grading.transmission.urls")),
]
