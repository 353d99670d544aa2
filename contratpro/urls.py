from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("bienvenue/", views.no_role, name="no-role"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("contratpro.signin.urls")),
    path("admin/", admin.site.urls),
    path("", include("conventions.urls")),
    path("", include("students.urls")),
    path("", include("grading.urls")),
]

# CONTACT-1: Django's own 500 page has neither the layout nor the contact.
handler500 = "contratpro.errors.handler500"
