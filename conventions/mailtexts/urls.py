"""The mailtexts subject's pages: the office's « Textes des mails »."""

from django.urls import path

from . import views

urlpatterns = [
    path("textes-des-mails/", views.mailtext_list, name="mailtext-list"),
    path("textes-des-mails/<str:key>/", views.mailtext_edit, name="mailtext-edit"),
    path("textes-des-mails/<str:key>/origine/", views.mailtext_restore, name="mailtext-restore"),
    path("textes-des-mails/<str:key>/apercu.html", views.mailtext_preview_html, name="mailtext-preview-html"),
]
