"""What s9 registers (panels, deadlines sources, PDF builders, demo
builders), called once from ``GradingConfig.ready``."""

from contratpro import demo as demo_builders
from conventions.dossier import deadlines, panels

from . import demo, services, views


def register_all():
    # The dossier page's « Évaluation » of the S9 (EVAL-1): two queries, whatever the dossier.
    panels.register(panels.Panel("evaluation_s9", "grading/s9/_panel.html", views.panel_context, order=12))
    # NOTIF-1, EVAL-2: the tuteur école grades the report before the Christmas holidays.
    deadlines.register(deadlines.Source(services.REPORT_SOURCE, services.report_obligations))
    # Named tutors and the first S9 grades, after the scores (order 800).
    demo_builders.register("grading.s9", demo.build_s9, order=850)
