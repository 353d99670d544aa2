from django.urls import path

from . import views

urlpatterns = [
    path("tuteurs/", views.tutor_queue, name="tutor-queue"),
    path("dossiers/<int:pk>/tuteur/", views.tutor_name, name="tutor-name"),
    path("s9/", views.s9_tutees, name="s9-tutees"),
    path("dossiers/<int:pk>/s9/rapport/", views.s9_report, name="s9-report"),
    path("dossiers/<int:pk>/s9/remise-du-rapport/", views.s9_report_hand_in, name="s9-report-hand-in"),
    path("dossiers/<int:pk>/s9/evaluation-papier/", views.s9_appraisal, name="s9-appraisal"),
    path("dossiers/<int:pk>/s9/transmettre/", views.s9_transmit, name="s9-transmit"),
]
