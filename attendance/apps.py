from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Présences")

    def ready(self):
        from contratpro import demo as demo_builders
        from conventions.documents import pdf as documents_pdf
        from conventions.documents.models import DocumentKind
        from conventions.dossier import panels, proposals

        from . import demo, pdf, services
        from .absences import registrations as absences
        from .certificates import registrations as certificates
        from .views import panel_context

        # The dossier page's « Présence » part (ATT-2); its body loads from its own URL.
        panels.register(panels.Panel("attendance", "attendance/_panel.html", panel_context, order=60))

        # The carnet as a dossier's document, built by the PDF task (ATT-1, ATT-3, NOTIF-2).
        documents_pdf.register_builder(DocumentKind.CARNET, pdf.carnet_build)

        # Step C's proposed points, from the carnet (SCORE-1): the office confirms them.
        proposals.register("C", services.step_c_proposal)

        # Demo builders: the timetable and its signatures, once conventions' démarche stands (order 700).
        demo_builders.register("attendance.timetable", demo.build_timetable, order=750)

        absences.register_all()
        certificates.register_all()
