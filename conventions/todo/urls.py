"""Each role's « À faire » (ROLE-1…8)."""

from django.urls import path

from . import views

urlpatterns = [
    path("a-faire/", views.todo, name="todo"),
]
