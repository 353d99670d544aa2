"""What billing registers (panels, deadlines source, demo builder), called
once from ``ConventionsConfig.ready``."""


def register_all():
    from contratpro import demo as demo_builders
    from conventions.dossier import deadlines, panels
    from conventions.mailtexts.registry import register as register_mailtext

    from . import demo, mail, views
    from .deadlines import billing_deadlines

    # The dossier page's « Facturation » panel, for the office.
    panels.register(panels.Panel("billing", "conventions/billing/_panel.html", views.panel_context, order=90))

    # BILL-2, NOTIF-1: the period's invoices to issue, the issued ones to be paid (overdue after their due date).
    deadlines.register(deadlines.Source("conventions.billing", billing_deadlines))

    # BILL-2, BILL-5: the invoice's mails, texts the office may edit.
    register_mailtext(mail.INVOICE_TEXT)
    register_mailtext(mail.OPCO_TEXT)

    # Demo: issued S9 invoices (one under subrogation), a payment, a credit note.
    demo_builders.register("conventions.billing", demo.build_billing, order=890)
