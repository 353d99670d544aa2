from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContratProConfig(AppConfig):
    name = "contratpro"
    verbose_name = _("Portail contrats pro")
