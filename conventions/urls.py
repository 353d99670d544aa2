"""URLs of the conventions room, one file per subject, all under the
``conventions`` namespace."""

from django.urls import include, path

app_name = "conventions"

urlpatterns = [
    path("", include("conventions.dossier.urls")),
    path("", include("conventions.companies.urls")),
    path("", include("conventions.documents.urls")),
    path("", include("conventions.links.urls")),
    path("", include("conventions.convention.urls")),
    path("", include("conventions.fiche.urls")),
    path("", include("conventions.cerfa.urls")),
    path("", include("conventions.todo.urls")),
    path("", include("conventions.billing.urls")),
    path("", include("conventions.reminders.urls")),
    path("", include("conventions.notifications.urls")),
    path("", include("conventions.mailtexts.urls")),
    path("", include("conventions.digest.urls")),
    path("", include("conventions.feeds.urls")),
]
