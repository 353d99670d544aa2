from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("personnes/", views.people, name="people"),
    path("personnes/nouvelle/", views.person_create, name="person-create"),
    path("personnes/<int:pk>/", views.person_detail, name="person-detail"),
    path("personnes/<int:pk>/inviter/", views.person_invite, name="person-invite"),
    path("personnes/<int:pk>/desactiver/", views.person_deactivate, name="person-deactivate"),
    path("personnes/<int:pk>/reactiver/", views.person_reactivate, name="person-reactivate"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("mon-compte/", views.my_account, name="my-account"),
]
