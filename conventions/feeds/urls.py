"""The feeds subject's pages: « Mon agenda » and the feed itself, which a
calendar app reads without a session (its token is the key)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("agenda/", views.feed_page, name="feed-page"),
    path("agenda/nouvelle-adresse/", views.feed_create, name="feed-create"),
    path("agenda/desactiver/", views.feed_revoke, name="feed-revoke"),
    re_path(r"^agenda/(?P<token>[A-Za-z0-9_-]{1,100})\.ics$", views.feed_ics, name="feed-ics"),
]
