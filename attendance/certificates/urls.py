from django.urls import path

from . import views

urlpatterns = [
    path("certificats/", views.certificate_list, name="certificate-list"),
    path("certificats/emettre/", views.certificate_issue, name="certificate-issue"),
    path("certificats/lots/<int:pk>/", views.batch_detail, name="certificate-batch"),
    path("certificats/lots/<int:pk>/relancer/", views.batch_retry, name="certificate-batch-retry"),
    path("dossiers/<int:pk>/certificats/", views.dossier_certificates, name="dossier-certificates"),
    path("dossiers/<int:pk>/certificats/emettre/", views.dossier_certificate_issue, name="dossier-certificate-issue"),
    # CERT-2: public, no login.
    path("verifier/", views.verify_form, name="certificate-verify-form"),
    path("verifier/<str:code>/", views.verify, name="certificate-verify"),
]
