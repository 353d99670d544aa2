"""The convention de formation (DOC-3…5, DOC-8); included under the
``conventions`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("dossiers/<int:pk>/convention/", views.convention_panel, name="convention-panel"),
    path("dossiers/<int:pk>/convention/produire/", views.convention_generate, name="convention-generate"),
    path("dossiers/<int:pk>/convention/v<int:version>.pdf", views.convention_download, name="convention-download"),
    path("dossiers/<int:pk>/convention/signer/", views.convention_sign, name="convention-sign"),
    path("dossiers/<int:pk>/convention/signature-papier/", views.convention_sign_paper, name="convention-sign-paper"),
    path("dossiers/<int:pk>/convention/originaux/", views.convention_originals, name="convention-originals"),
    path("dossiers/<int:pk>/convention/envoi/<str:target>/", views.convention_send, name="convention-send"),
    path("lien/<str:token>/convention/", views.convention_sign_link, name="convention-sign-link"),
    path("lien/<str:token>/convention/pdf/", views.convention_link_download, name="convention-link-download"),
]
