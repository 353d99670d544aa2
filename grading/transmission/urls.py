from django.urls import path

from . import views

urlpatterns = [
    path("notes/scolarite/", views.transmission_list, name="transmission-list"),
    path("notes/scolarite/transmettre/", views.transmission_send, name="transmission-send"),
    path("notes/scolarite/apercu.xlsx", views.transmission_preview, name="transmission-preview"),
    path("notes/scolarite/<int:pk>.xlsx", views.transmission_download, name="transmission-download"),
]
