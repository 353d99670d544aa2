from django.urls import path

from . import views

urlpatterns = [
    path("lien/<str:token>/evaluation/", views.appraisal_link, name="appraisal-link"),
    path("lien/<str:token>/evaluation/fiche-vierge.pdf", views.appraisal_link_blank, name="appraisal-link-blank"),
    path("dossiers/<int:pk>/s9/evaluation-tuteur/", views.appraisal_detail, name="appraisal-detail"),
    path("dossiers/<int:pk>/s9/evaluation-tuteur/fiche-vierge.pdf", views.appraisal_blank, name="appraisal-blank"),
]
