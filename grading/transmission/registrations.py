"""What this subject registers (panels, deadlines sources, PDF builders,
demo builders), called once from ``GradingConfig.ready``."""


def register_all():
    pass
