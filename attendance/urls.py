from django.urls import include, path

from . import views

app_name = "attendance"

urlpatterns = [
    path("seances/", views.session_list, name="session-list"),
    path("seances/nouvelle/", views.session_edit, name="session-create"),
    path("seances/import/", views.session_import, name="session-import"),
    path("seances/<int:pk>/", views.session_detail, name="session-detail"),
    path("seances/<int:pk>/modifier/", views.session_edit, name="session-edit"),
    path("seances/<int:pk>/signer/", views.session_sign, name="session-sign"),
    path("seances/<int:pk>/corriger/", views.session_correct, name="session-correct"),
    path("mes-seances/", views.my_sessions, name="my-sessions"),
    path("mon-carnet/", views.my_carnet, name="my-carnet"),
    path("carnets/", views.carnet_list, name="carnet-list"),
    path("carnets/<int:pk>/", views.carnet_detail, name="carnet-detail"),
    path("carnets/<int:pk>/document/", views.carnet_document, name="carnet-document"),
    path("carnets/<int:pk>/produire/", views.carnet_produce, name="carnet-produce"),
    path("dossiers/<int:pk>/presence/", views.dossier_panel, name="dossier-panel"),
    path("", include("attendance.absences.urls")),
    path("", include("attendance.certificates.urls")),
]
