"""What the reminders register, called once from ``ConventionsConfig.ready``:
their admin (the year's policy, the claims read-only), the reminder's mail
text, the employer's 5 days in the deadlines registry (NOTIF-3) and the
dossier page's « Dépôt du contrat à l'OPCO » panel, and the demo's deposits. The daily sweep is
beat's ``CELERY_BEAT_SCHEDULE`` entry (settings), copied at beat's start
into the periodic tasks the office edits in the admin."""

from conventions.dossier import deadlines, panels
from conventions.mailtexts.registry import register as register_mailtext

from . import admin, mail, opco, views


def register_all():
    from contratpro import demo as demo_builders

    from . import demo

    admin.register()
    demo_builders.register("conventions.reminders", demo.build_reminders, order=895)
    demo_builders.register("conventions.reminders.history", demo.build_reminder_history, order=896)
    register_mailtext(mail.TEXT)
    deadlines.register(deadlines.Source(opco.SOURCE, opco.opco_obligations))
    panels.register(panels.Panel("opco", "conventions/reminders/_opco_panel.html", views.opco_panel_context, order=95))
