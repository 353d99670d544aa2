from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = _("Dossiers et conventions")

    def ready(self):
        """Every registry of the room is filled here, explicitly
        (ARCHITECTURE.md): no module registers itself by being imported."""
        from students.calendar import on_calendar_changed
        from students.services import on_facts_changed

        from .cerfa import services as cerfa
        from .convention import services as convention
        from .convention import views as convention_views
        from .documents import pdf
        from .documents import views as documents_views
        from .documents.models import DocumentKind
        from .dossier import deadlines, panels, steps
        from .fiche import services as fiche
        from .fiche import views as fiche_views
        from .links import views as links_views

        # Eligibility facts changed → which steps apply (STEP-5).
        on_facts_changed(steps.sync_student_dossiers)
        on_calendar_changed(steps.steps_refresh_year)  # a year's calendar saved → its deadlines (STEP-2)

        # PDF builders, by document kind (NOTIF-2).
        pdf.register_builder(DocumentKind.FICHE_CONTACT, fiche.fiche_pdf)
        pdf.register_builder(DocumentKind.FICHE_PFE, fiche.fiche_pfe_pdf)
        pdf.register_builder(DocumentKind.CERFA, cerfa.cerfa_pdf)
        pdf.register_builder(DocumentKind.CONVENTION, convention.convention_build)

        # Panels of the dossier page.
        panels.register(panels.Panel("fiche", "conventions/fiche/_panel.html", fiche_views.panel_context, order=20))
        panels.register(panels.Panel("convention", "conventions/convention/_panel.html", convention_views.panel_context, order=30))
        panels.register(panels.Panel("documents", "conventions/documents/_panel.html", documents_views.panel_context, order=40))
        panels.register(panels.Panel("links", "conventions/links/_panel.html", links_views.panel_context, order=50))

        # STEP-6: what each step attests, each subject its own facts, checks and links.
        from .convention import evidence as convention_evidence
        from .documents import evidence as documents_evidence
        from .fiche import evidence as fiche_evidence

        steps.register_evidence(facts=steps.FACTS, checks=steps.CHECKS, links=steps.LINKS)
        for subject in (documents_evidence, fiche_evidence, convention_evidence):
            steps.register_evidence(facts=subject.FACTS, checks=subject.CHECKS, links=subject.LINKS)
        steps.register_evidence(facts=cerfa.STEP_FACTS, checks=cerfa.STEP_CHECKS, links=cerfa.STEP_LINKS)

        # Dated obligations (STEP-2): the steps with a calendar deadline.
        deadlines.register(deadlines.Source("conventions.steps", steps.step_deadlines))

        # Reminders (NOTIF-1…3): their admin; beat runs the sweep (settings).
        from .reminders import registrations as reminders

        reminders.register_all()

        # « À faire » queues: what awaits each role.
        from .todo import sources as todo_sources

        todo_sources.register_all()

        # Billing (BILL-1…6): its panel, deadlines source and demo builder.
        from .billing import registrations as billing

        billing.register_all()

        # Notifications, mail texts, digests and calendar feeds (issue 15).
        from .digest import registrations as digest
        from .feeds import registrations as feeds
        from .mailtexts import registrations as mailtexts
        from .notifications import registrations as notifications

        mailtexts.register_all()
        # The room's own mails, editable by the office (their shipped texts in templates/emails/texts/).
        from .convention import texts as convention_texts
        from .dossier import mail as dossier_mail
        from .links import registrations as links_registrations
        from .mailtexts.registry import register as register_mailtext

        links_registrations.register_all()
        register_mailtext(dossier_mail.TEXT)
        for text in convention_texts.TEXTS:
            register_mailtext(text)
        notifications.register_all()
        digest.register_all()
        feeds.register_all()

        # Demo builders: this room's part of ``manage.py demo``, in the story's order.
        from contratpro import demo as demo_builders

        from .demo import demarche as demo_demarche
        from .demo import fiches as demo_fiches
        from .demo import records as demo_records

        demo_builders.register("conventions.year", demo_records.build_year, order=100)
        demo_builders.register("conventions.staff", demo_records.build_staff, order=200)
        demo_builders.register("conventions.companies", demo_records.build_companies, order=300)
        demo_builders.register("conventions.students", demo_records.build_students, order=400)
        demo_builders.register("conventions.meetings", demo_records.build_meetings, order=500)
        demo_builders.register("conventions.fiches", demo_fiches.build_fiches, order=600)  # before step 2 is validated
        demo_builders.register("conventions.demarche", demo_demarche.build_demarche, order=700)
