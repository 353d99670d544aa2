"""Personal links for company people without an account (ROLE-5).

A link is a row (``ExternalLink``: dossier, contact, purpose, expiry,
revocation) and a token signed with ``django.core.signing`` that names the
row and its purpose. ``resolve_link`` refuses, with a French reason, a
token that is tampered with, expired, revoked or used for another purpose,
and records every use, accepted or not.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles

from .models import DossierEvent, ExternalLink, LinkUse

SALT = "contratpro.external-link"
DEFAULT_VALIDITY = datetime.timedelta(days=30)


class LinkRefused(Exception):
    """The link cannot be used; ``str(error)`` says why, in French."""


def make_token(link):
    return signing.dumps({"n": link.nonce, "p": link.purpose, "d": link.dossier_id}, salt=SALT, compress=True)


def link_url(link, request=None):
    path = reverse("conventions:link-open", args=[make_token(link)])
    return request.build_absolute_uri(path) if request is not None else path


@transaction.atomic
def link_create(*, dossier, contact, purpose, by, validity=DEFAULT_VALIDITY):
    """The office creates a personal link for ``contact`` (ROLE-5)."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro crée les liens personnels."))
    if contact.company_id != dossier.company_id:
        raise PermissionDenied(_("Cette personne n'appartient pas à l'entreprise du dossier."))
    link = ExternalLink.objects.create(
        dossier=dossier, contact=contact, purpose=purpose, created_by=by, expires_at=timezone.now() + validity
    )
    DossierEvent.objects.create(
        dossier=dossier, actor=by, verb="conventions.link.create",
        summary=_("Lien personnel créé pour %(contact)s : %(purpose)s (valable jusqu'au %(until)s).")
        % {"contact": contact.full_name, "purpose": link.get_purpose_display(),
           "until": timezone.localtime(link.expires_at).strftime("%d/%m/%Y")},
    )
    return link


@transaction.atomic
def link_revoke(*, link, by):
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro révoque les liens personnels."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])
        DossierEvent.objects.create(
            dossier=link.dossier, actor=by, verb="conventions.link.revoke",
            summary=_("Lien personnel de %(contact)s révoqué.") % {"contact": link.contact.full_name},
        )
    return link


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _refuse(request, link, action, reason):
    LinkUse.objects.create(link=link, action=action, accepted=False, reason=reason[:200], ip=_client_ip(request))
    raise LinkRefused(reason)


def resolve_link(request, token, purpose, *, action="ouverture"):
    """The link behind ``token`` if it may serve ``purpose`` now; every use
    is recorded. Raises ``LinkRefused`` otherwise (nothing else changes)."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return _refuse(request, None, action, _("Ce lien n'est pas valide : il a été modifié ou mal copié."))
    link = ExternalLink.objects.select_related("dossier__student__user", "dossier__company", "contact").filter(
        nonce=data.get("n")
    ).first()
    if link is None or link.dossier_id != data.get("d") or link.purpose != data.get("p"):
        return _refuse(request, link, action, _("Ce lien n'est pas valide : il a été modifié ou mal copié."))
    if link.purpose != purpose:
        return _refuse(request, link, action, _("Ce lien ne sert pas à cette démarche."))
    if link.revoked_at is not None:
        return _refuse(request, link, action, _("Ce lien a été révoqué par le service Contrats pro ; demandez-en un nouveau."))
    if link.expires_at <= timezone.now():
        return _refuse(request, link, action, _("Ce lien a expiré ; demandez-en un nouveau au service Contrats pro."))
    LinkUse.objects.create(link=link, action=action, accepted=True, ip=_client_ip(request))
    return link


def contact_email():
    return settings.CONTRATPRO_CONTACT["email"]
