"""What certificates registers (panels, deadlines, PDF builders, demo builders),
called once from ``AttendanceConfig.ready``."""


def register_all():
    from contratpro import demo as demo_builders
    from conventions.dossier import deadlines

    from . import demo, services

    # CERT-1, NOTIF-1: the S9, end-of-contract and rupture certificates to issue.
    deadlines.register(deadlines.Source("attendance.certificates", services.certificate_deadlines))
    # The demo's line on the S9 certificates (none issued before the S9 ends), after the timetable (750).
    demo_builders.register("attendance.certificates", demo.build_certificates, order=760)
