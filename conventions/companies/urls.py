"""Companies shared by dossiers: the office's review of proposed changes
and of signatory addresses (DOC-12, ROLE-5)."""

from django.urls import path

from . import views

urlpatterns = [
    path("entreprises/a-verifier/", views.review_list, name="company-review"),
    path("entreprises/propositions/<int:proposal_pk>/", views.proposal_decide, name="proposal-decide"),
    path("dossiers/<int:pk>/contacts/<int:contact_pk>/confirmer/", views.contact_confirm, name="contact-confirm-email"),
]
