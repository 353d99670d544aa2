from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "grading"
    verbose_name = _("Notation")

    def ready(self):
        from contratpro import demo as demo_builders
        from conventions.dossier import panels

        from . import demo
        from .appraisal import registrations as appraisal
        from .pfe import registrations as pfe
        from .s9 import registrations as s9
        from .transmission import registrations as transmission
        from .views import panel_context

        panels.register(panels.Panel("bareme", "grading/_panel.html", panel_context, order=10))

        # Demo builders: the scores, once conventions' démarche stands (order 700).
        demo_builders.register("grading.scores", demo.build_scores, order=800)

        s9.register_all()
        pfe.register_all()
        appraisal.register_all()
        transmission.register_all()
