from django.urls import path

from . import views

urlpatterns = [
    path("factures/", views.invoice_list, name="billing-list"),
    path("factures/export/", views.invoice_export, name="billing-export"),
    path("factures/lots/", views.batch_create, name="billing-batch-create"),
    path("factures/lots/<int:pk>/", views.batch_detail, name="billing-batch"),
    path("factures/<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("factures/<int:pk>/emettre/", views.invoice_issue, name="invoice-issue"),
    path("factures/<int:pk>/paiement/", views.invoice_payment, name="invoice-payment"),
    path("factures/<int:pk>/avoir/", views.invoice_credit, name="invoice-credit"),
    path("factures/<int:pk>/fichier/", views.invoice_download, name="invoice-download"),
    path("dossiers/<int:pk>/facturation/", views.dossier_billing, name="dossier-billing"),
    path("dossiers/<int:pk>/facturation/preparer/", views.dossier_prepare, name="dossier-billing-prepare"),
]
