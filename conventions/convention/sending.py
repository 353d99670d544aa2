"""Sending the copies of the signed convention (DOC-8, steps 6' and 7):
checked here, e-mailed by a background task (NOTIF-2)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contratpro import roles

from .services import SEND_STEP, copies_for
from .tasks import send_convention_copies


@transaction.atomic
def convention_send(*, dossier, target, by):
    """DOC-8: the office sends the copies (step 6' or 7); the e-mail goes
    from a background task (NOTIF-2), which then validates the step."""
    if target not in SEND_STEP:
        raise ValidationError(_("Destinataire inconnu."))
    if not roles.can_send_copies(by, dossier):
        raise PermissionDenied(_("Seul le service Contrats pro envoie les copies de la convention."))
    copies_for(dossier, target)
    send_convention_copies.delay_on_commit(dossier.pk, target, by.pk)
