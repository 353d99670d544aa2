"""What this subject registers (panels, deadlines sources, PDF builders,
demo builders), called once from ``GradingConfig.ready``."""

from contratpro import demo as demo_builders

from . import demo


def register_all():
    # ROLE-8: one transmission of the department whose S9 grades are complete, after the grades (850–870).
    demo_builders.register("grading.transmission", demo.build_transmission, order=880)
