"""What absences registers (panels, deadlines, PDF builders, demo builders),
called once from ``AttendanceConfig.ready``."""


def register_all():
    pass
