from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "grading"
    verbose_name = _("Notation")

    def ready(self):
        from conventions.dossier import panels

        from .views import panel_context

        panels.register(panels.Panel("bareme", "grading/_panel.html", panel_context, order=10))
