"""What s9 registers (panels, deadlines sources, PDF builders, demo
builders), called once from ``GradingConfig.ready``."""

from contratpro import demo as demo_builders
from conventions.dossier import deadlines, panels, steps
from conventions.mailtexts.registry import register as register_mailtext

from .. import notifications
from . import demo, mail, report, services, views


def register_all():
    # The dossier page's « Évaluation » of the S9 (EVAL-1): two queries, whatever the dossier.
    panels.register(panels.Panel("evaluation_s9", "grading/s9/_panel.html", views.panel_context, order=12))
    # NOTIF-1, EVAL-2: the tuteur école grades the report before the Christmas holidays.
    deadlines.register(deadlines.Source(services.REPORT_SOURCE, services.report_obligations))
    # STEP-6, EVAL-2: step A is handed in and validated only with the four
    # parts ticked on the report's current version; its row links to the
    # report and, for the student, to the page that hands it in.
    for action in steps.HAND_IN:
        steps.register_precondition(report.STEP, action, report.report_parts_declared)
    steps.register_evidence_link(report.STEP, report.hand_in_link)
    # Demo: the reports handed in with their four parts, before the démarche
    # moves step A (conventions.demarche, order 700).
    demo_builders.register("grading.s9.reports", demo.build_reports, order=690)
    # Named tutors and the first S9 grades, after the scores (order 800).
    demo_builders.register("grading.s9", demo.build_s9, order=850)
    # Issue 15: grading's notification rules (a report to grade, a tutor named, a jury), in conventions' registry.
    notifications.register_all()
    # Issue 15: the tutor's « vous êtes nommé » mail, a text the office edits.
    register_mailtext(mail.TEXT)
