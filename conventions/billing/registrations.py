"""What billing registers (panels, deadlines source, demo builder), called
once from ``ConventionsConfig.ready``."""


def register_all():
    from contratpro import demo as demo_builders
    from conventions.dossier import deadlines, panels

    from . import demo, views
    from .deadlines import billing_deadlines

    # The dossier page's « Facturation » panel, for the office.
    panels.register(panels.Panel("billing", "conventions/billing/_panel.html", views.panel_context, order=90))

    # BILL-2, NOTIF-1: the period's invoices to issue, the issued ones to be paid (overdue after their due date).
    deadlines.register(deadlines.Source("conventions.billing", billing_deadlines))

    # Demo: issued S9 invoices (one under subrogation), a payment, a credit note.
    demo_builders.register("conventions.billing", demo.build_billing, order=890)
