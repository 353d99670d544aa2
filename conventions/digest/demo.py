"""The digests in the demo (issue 15): nothing is sent and nothing is
written — the weekly digest is built from the story's dossiers as they
stand (steps A and B due before Christmas, the late hand-ins, billing's
invoices to issue) — but the command's summary says what « Récapitulatif »
shows today for the office and for the head of 2IA, so that a demo whose
week would be empty is noticed."""

from django.utils import timezone
from django.utils.translation import gettext as _

from . import services

HEAD = "resp2ia"


def build_digest(context):
    if context.year is None:
        return
    today = timezone.localdate()
    office = services.digest_for_viewer(None, today, is_office=True)
    parts = [_("récapitulatif de la semaine du service : %(counts)s") % {"counts": office["resume"]}]
    head = context.users.get(HEAD)
    if head is not None:
        mine = services.digest_for_viewer(head, today, is_office=False)
        parts.append(_("du responsable de 2IA : %(counts)s") % {"counts": mine["resume"]})
    context.summary["demarche"].append(" ; ".join(parts))
