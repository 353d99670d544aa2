"""The office's page of the reminders (NOTIF-1) and the OPCO deposit's (NOTIF-3)."""

from django.urls import path

from . import views

urlpatterns = [
    path("relances/", views.reminder_list, name="reminder-list"),
    path("relances/<int:pk>/relancer/", views.reminder_retry, name="reminder-retry"),
    path("dossiers/<int:pk>/opco/", views.opco_deposit, name="opco-deposit"),
]
