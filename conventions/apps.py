from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = _("Dossiers et conventions")

    def ready(self):
        from students.services import on_facts_changed

        from .steps import sync_student_dossiers

        on_facts_changed(sync_student_dossiers)
