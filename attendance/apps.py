from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Présences")

    def ready(self):
        from conventions.dossier import panels

        from .views import panel_context

        # The dossier page's « Présence » part (ATT-2); its body loads from its own URL.
        panels.register(panels.Panel("attendance", "attendance/_panel.html", panel_context, order=60))
