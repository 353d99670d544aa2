"""Private files of dossiers (DOC-6): upload and permission-checked download."""

from django.urls import path

from . import views as views_files

urlpatterns = [
    path("dossiers/<int:pk>/documents/", views_files.document_upload, name="document-upload"),
    path("documents/<int:doc_pk>/", views_files.document_download, name="document-download"),
]
