"""What pfe registers (panels, deadlines sources, step evidence, demo
builders), called once from ``GradingConfig.ready``."""


def register_all():
    from contratpro import demo as demo_builders
    from conventions.dossier import deadlines, panels, steps

    from . import demo, services, views

    # The dossier page's « PFE » part: the fiche PFE's review, the defence.
    panels.register(panels.Panel("pfe", "grading/pfe/_panel.html", views.panel_context, order=70))

    # STEP-6, step D: validated once the tuteur école validated the fiche PFE as it stands.
    steps.register_evidence(facts=services.FACTS, checks=services.CHECKS, links=services.LINKS)

    # NOTIF-1: the defence to schedule (PFE-3) and the report due (PFE-2).
    deadlines.register(deadlines.Source("grading.pfe", services.pfe_deadlines))

    # Demo: a validated fiche PFE and a scheduled defence, after the scores (800).
    demo_builders.register("grading.pfe", demo.build_pfe, order=860)
