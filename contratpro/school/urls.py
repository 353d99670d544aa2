from django.urls import path

from . import views

app_name = "school"

urlpatterns = [
    path("ecole/", views.school_edit, name="edit"),
]
