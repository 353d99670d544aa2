"""contrat-pro: the portal of IMT Mines Alès' contrats de professionnalisation."""

from .celery import app as celery_app

__all__ = ("celery_app",)
