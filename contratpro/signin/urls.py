from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("connexion/code/", views.otp_verify, name="otp-verify"),
    path("connexion/application/", views.otp_enrol, name="otp-enrol"),
    path("connexion/cas/", views.CASLoginView.as_view(), name="cas-login"),
    path("connexions-bloquees/", views.lockouts, name="lockouts"),
    path("connexions-bloquees/debloquer/", views.unlock, name="unlock"),
]
