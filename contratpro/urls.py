from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.functional import lazy

from . import views
from .accounts.services import office_email

urlpatterns = [
    path("", views.home, name="home"),
    path("bienvenue/", views.no_role, name="no-role"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    # AUTH-1: password reset by e-mail (Django's views and tokens: a link
    # works once, an unknown or inactive address gets the same answer).
    path("mot-de-passe/oublie/", auth_views.PasswordResetView.as_view(
        email_template_name="emails/accounts/password_reset.txt",
        subject_template_name="emails/accounts/password_reset_subject.txt",
        extra_email_context={"office_email": lazy(office_email, str)()},
    ), name="password_reset"),
    path("mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("mot-de-passe/nouveau/fait/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("", include("contratpro.accounts.urls")),
    path("", include("contratpro.signin.urls")),
    path("", include("contratpro.school.urls")),
    path("admin/", admin.site.urls),
    path("", include("conventions.urls")),
    path("", include("students.urls")),
    path("", include("grading.urls")),
    path("", include("attendance.urls")),
]

# CONTACT-1: Django's own 500 page has neither the layout nor the contact.
handler500 = "contratpro.errors.handler500"
