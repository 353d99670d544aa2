"""The digest subject's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("recapitulatif/", views.digest_preview, name="digest"),
]
