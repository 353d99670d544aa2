from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Présences")

    def ready(self):
        from contratpro import demo as demo_builders
        from conventions.dossier import panels

        from . import demo
        from .absences import registrations as absences
        from .certificates import registrations as certificates
        from .views import panel_context

        # The dossier page's « Présence » part (ATT-2); its body loads from its own URL.
        panels.register(panels.Panel("attendance", "attendance/_panel.html", panel_context, order=60))

        # Demo builders: the timetable and its signatures, once conventions' démarche stands (order 700).
        demo_builders.register("attendance.timetable", demo.build_timetable, order=750)

        absences.register_all()
        certificates.register_all()
