"""Personal links (ROLE-5): the office's actions and the public landing page."""

from django.urls import path

from . import views as views_links

urlpatterns = [
    path("dossiers/<int:pk>/liens/", views_links.link_create, name="link-create"),
    path("liens/<int:link_pk>/revoquer/", views_links.link_revoke, name="link-revoke"),
    path("lien/<str:token>/", views_links.link_open, name="link-open"),
]
