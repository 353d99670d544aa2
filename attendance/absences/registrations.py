"""What absences registers (panels, deadlines sources, PDF builders, demo
builders), called once from ``AttendanceConfig.ready``."""

from contratpro import demo as demo_builders
from conventions.dossier import deadlines, panels
from conventions.mailtexts.registry import register as register_mailtext
from conventions.todo import queues

from .. import notifications
from . import demo, mail, services, todo, views


def register_all():
    # The dossier page's « Absences et incidents »: links only, no query (ABS-1…3).
    panels.register(panels.Panel("absences", "attendance/absences/_panel.html", views.panel_context, order=65))
    # NOTIF-3: the employer's 30 days to declare a rupture, in the deadlines registry.
    deadlines.register(deadlines.Source(services.RUPTURE_SOURCE, services.rupture_obligations))
    # ABS-2, ROLE-3: the head's « À faire » lists the requests to decide.
    queues.register(todo.SECTION)
    # The demo's arrêts and absences, after the timetable (order 750).
    demo_builders.register("attendance.absences", demo.build_absences, order=770)
    # Issue 15: an exceptional absence to decide notifies the heads (conventions' notification registry).
    notifications.register_all()
    # Issue 15: the incident's and the absence request's mails, texts the office edits.
    for text in (mail.INCIDENT_TEXT, mail.REQUEST_TEXT):
        register_mailtext(text)
