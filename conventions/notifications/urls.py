"""The inbox's pages (issue 15): every account's own notifications."""

from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.inbox, name="notification-list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("notifications/tout-lu/", views.notification_read_all, name="notification-read-all"),
]
