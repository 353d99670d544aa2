from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContratProConfig(AppConfig):
    name = "contratpro"
    verbose_name = _("Portail contrats pro")

    def ready(self):
        # The accounts' demo: a pending invitation and a deactivated account
        # on the office's people page (AUTH-1), after the staff (order 200).
        from . import demo
        from .accounts import demo as accounts_demo

        demo.register("accounts.people", accounts_demo.build_people, order=250)
        # DOC-11: the school's identity for the demo year (after the year, order 100).
        from .school import demo as school_demo

        demo.register("school.identity", school_demo.build_identity, order=150)
