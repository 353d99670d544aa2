"""Personal links for company people without an account (ROLE-5).

A link is a row (``ExternalLink``: dossier, contact, purpose, expiry,
revocation) and a token signed with ``django.core.signing`` that names the
row, its dossier and its purpose. The row is the authority: expiry and
revocation are read from it, so the office can end a link at any time.

``resolve_link`` refuses, with a French reason, a token that is tampered
with, unknown, expired, revoked, used for another purpose or on another
dossier, and records every use, accepted or not (``LinkUse``). A refusal
changes nothing else.

Usage in a view reached by a link (no login)::

    try:
        link = resolve_link(request, token, ExternalLink.Purpose.SIGN_CONVENTION,
                            action="convention.signature")
    except LinkRefused as refusal:
        return views_links.link_refused(request, refusal)
    # link.dossier, link.contact: the only dossier and person this page may touch.
"""

import datetime
import ipaddress
import zlib

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.frenchdates import long_date
from contratpro.roles import (
    link_state,  # noqa: F401 (read by the links panel and tasks)
)
from contratpro.school.services import office_contact
from students.history import event_record

from .models import ExternalLink, LinkUse

SALT = "contratpro.external-link"
DEFAULT_VALIDITY = datetime.timedelta(days=30)
# The office may grant up to a semester; a longer-lived link is a standing risk.
MAX_VALIDITY = datetime.timedelta(days=180)

# What each purpose lets the person do, said to them (e-mail, landing page).
PURPOSE_HELP = {
    ExternalLink.Purpose.FICHE_CONTACT: gettext_lazy(
        "compléter la partie entreprise de la fiche contact (entreprise, tuteur, signataire, activités confiées)"
    ),
    ExternalLink.Purpose.SIGN_CONVENTION: gettext_lazy(
        "relire et signer, au nom de l'entreprise, la convention de formation"
    ),
    ExternalLink.Purpose.APPRAISAL: gettext_lazy("remplir la fiche d'évaluation du tuteur entreprise"),
}


# Why a link is refused, said to the person holding it (ROLE-5).
_REFUSALS = {
    "purpose": lambda link, dossier: _("Ce lien ne sert pas à cette démarche."),
    "scope": lambda link, dossier: (
        _("Ce lien ne concerne pas ce dossier.") if dossier is not None and link.dossier_id != dossier.pk
        else _("Ce lien ne correspond plus à l'entreprise du dossier ; demandez-en un nouveau au service Contrats pro.")
    ),
    "revoked": lambda link, dossier: _("Ce lien a été révoqué par le service Contrats pro ; demandez-en un nouveau."),
    "expired": lambda link, dossier: _("Ce lien a expiré ; demandez-en un nouveau au service Contrats pro."),
}


class LinkRefused(Exception):
    """The link cannot be used; ``str(error)`` says why, in French.

    ``code`` names the cause: ``invalid`` (tampered, garbage, unknown),
    ``purpose``, ``scope`` (another dossier or company), ``revoked`` or
    ``expired``.
    """

    def __init__(self, reason, code="invalid"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


def _signer():
    # No timestamp in the token: expiry and revocation live on the row, so
    # the office can end a link at any time, and one link has one token.
    return signing.Signer(salt=SALT)


def make_token(link):
    return _signer().sign_object({"n": link.nonce, "p": link.purpose, "d": link.dossier_id}, compress=True)


def link_url(link, request=None):
    path = reverse("conventions:link-open", args=[make_token(link)])
    return request.build_absolute_uri(path) if request is not None else path


@transaction.atomic
def link_create(*, dossier, contact, purpose, by, validity=DEFAULT_VALIDITY):
    """The office creates a personal link for ``contact``, a person of the
    dossier's company, for one purpose and a limited time (ROLE-5)."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro crée les liens personnels."))
    if dossier.company_id is None or contact.company_id != dossier.company_id:
        raise ValidationError(
            _("Cette personne n'appartient pas à l'entreprise du dossier : aucun lien n'est créé.")
        )
    if purpose not in ExternalLink.Purpose.values:
        raise ValidationError(_("Objet de lien inconnu."))
    if purpose == ExternalLink.Purpose.SIGN_CONVENTION and not contact.email_confirmed:
        raise ValidationError(
            _("L'adresse de %(name)s (%(email)s) n'est pas encore confirmée par le service : vérifiez-la auprès "
              "de l'entreprise et confirmez-la avant d'envoyer le lien de signature.")
            % {"name": contact.full_name, "email": contact.email}
        )
    if not datetime.timedelta(0) < validity <= MAX_VALIDITY:
        raise ValidationError(
            _("Un lien est valable de 1 à %(days)s jours.") % {"days": MAX_VALIDITY.days}
        )
    link = ExternalLink.objects.create(
        dossier=dossier, contact=contact, purpose=purpose, created_by=by, expires_at=timezone.now() + validity
    )
    event_record(
        dossier=dossier, actor=by, verb="conventions.link.create",
        summary=_("Lien personnel créé pour %(contact)s : %(purpose)s (valable jusqu'au %(until)s).")
        % {"contact": contact.full_name, "purpose": link.get_purpose_display(),
           "until": long_date(link.expires_at)},
    )
    return link


@transaction.atomic
def link_revoke(*, link, by):
    """The office ends a link at once (ROLE-5); revoking twice changes nothing."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro révoque les liens personnels."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])
        event_record(
            dossier=link.dossier, actor=by, verb="conventions.link.revoke",
            summary=_("Lien personnel de %(contact)s révoqué : %(purpose)s.")
            % {"contact": link.contact.full_name, "purpose": link.get_purpose_display()},
        )
    return link


def _client_ip(request):
    """The caller's address, or None: a malformed REMOTE_ADDR must not turn
    a use into a database error."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def _refuse(request, link, action, reason, code):
    LinkUse.objects.create(
        link=link, action=action[:40], accepted=False, reason=str(reason)[:200], ip=_client_ip(request)
    )
    raise LinkRefused(reason, code)


def _signed_data(token):
    """The payload of a token signed by this portal for links, or None."""
    if token.count(":") != 1:
        # A link's token is "payload:signature". A value timestamped with
        # this salt elsewhere ("payload:time:signature") passes the signature
        # check, and its payload may even decode, depending on the second it
        # was made: refused by its shape, whatever the time.
        return None
    try:
        data = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, zlib.error):
        # Decoding errors too: a timestamped value signed with this salt
        # elsewhere passes the signature check but is not a link payload.
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return None
    return data


def resolve_link(request, token, purpose, *, action="ouverture", dossier=None):
    """The link behind ``token`` if it may serve ``purpose`` now (ROLE-5).

    ``purpose`` is one ``ExternalLink.Purpose`` or a collection of them (the
    landing page accepts any). ``dossier``, when given, is the only dossier
    the link may act on. Every use is recorded with the caller's IP; a
    refusal raises ``LinkRefused`` with a French reason and changes nothing
    else. Call it outside any ``transaction.atomic`` block that may roll
    back, or the record of a refused use goes with it.
    """
    allowed = {purpose} if isinstance(purpose, str) else set(purpose)
    invalid = _("Ce lien n'est pas valide : il a été modifié ou mal copié. Utilisez le lien reçu par e-mail, en entier.")
    data = _signed_data(token)
    if data is None:
        return _refuse(request, None, action, invalid, "invalid")
    link = (
        ExternalLink.objects.select_related(
            "dossier__student__user", "dossier__student__department", "dossier__company", "dossier__year", "contact"
        )
        .filter(nonce=data["n"])
        .first()
    )
    if link is None or link.dossier_id != data.get("d") or link.purpose != data.get("p"):
        return _refuse(request, link, action, invalid, "invalid")
    problem = roles.link_problem(link, purpose=allowed, dossier=dossier)
    if problem is not None:
        return _refuse(request, link, action, _REFUSALS[problem](link, dossier), problem)
    LinkUse.objects.create(link=link, action=action[:40], accepted=True, ip=_client_ip(request))
    return link


def contact_email(start_year=None):
    """CONTACT-1: the office's mailbox, from the school's identity of the
    dossier's year (DOC-11)."""
    return office_contact(start_year)["email"]
