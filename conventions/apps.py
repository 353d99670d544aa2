from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = _("Dossiers et conventions")

    def ready(self):
        from students.services import on_facts_changed

        from .steps import sync_student_dossiers

        on_facts_changed(sync_student_dossiers)

        from . import panels, views_convention, views_fiche, views_files, views_links

        panels.register(panels.Panel("fiche", "conventions/_fiche_panel.html", views_fiche.panel_context, order=20))
        panels.register(panels.Panel("convention", "conventions/_convention_panel.html", views_convention.panel_context, order=30))
        panels.register(panels.Panel("documents", "conventions/_documents_panel.html", views_files.panel_context, order=40))
        panels.register(panels.Panel("links", "conventions/_links_panel.html", views_links.panel_context, order=50))
