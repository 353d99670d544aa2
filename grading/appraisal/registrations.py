"""What this subject registers (panels, deadlines sources, PDF builders,
demo builders), called once from ``GradingConfig.ready``."""

from contratpro import demo as demo_builders

from . import demo


def register_all():
    # One appraisal filled by link, after s9's grades (order 850).
    demo_builders.register("grading.appraisal", demo.build_appraisal, order=870)
