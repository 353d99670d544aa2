"""Background work of the appraisal (NOTIF-2): the blank fiche's PDF."""

from celery import shared_task

from conventions.dossier.models import Dossier

from .pdf import blank_build


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_blank(dossier_id):
    """Build the blank fiche « Avant PFE » of one dossier; idempotent (an
    existing file for the same fingerprint is kept)."""
    dossier = Dossier.objects.select_related(
        "student__user", "student__department", "year", "company", "tuteur_entreprise", "tuteur_ecole"
    ).filter(pk=dossier_id).first()
    if dossier is None:
        return None
    return blank_build(dossier)
