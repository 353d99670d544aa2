"""The CERFA 12434 (DOC-7)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dossiers/<int:pk>/cerfa/", views.cerfa_edit, name="cerfa-edit"),
    path("dossiers/<int:pk>/cerfa/pdf/", views.cerfa_pdf, name="cerfa-pdf"),
    path("cerfa/modele/", views.cerfa_model, name="cerfa-model"),
]
