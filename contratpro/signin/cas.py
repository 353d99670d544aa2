"""The school's CAS (AUTH-1): school people sign in with their school login
and keep the roles of their portal account. No account is created: the
person is found by login, else by institutional e-mail; whoever has no
account is refused (``request.cas_refused`` says why, for the page).
A superuser never signs in through the CAS (password and second factor).
A CAS that does not answer, or answers something unreadable, raises
``CASUnavailable``: no failure is counted against the person."""

from xml.etree.ElementTree import ParseError

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django_cas_ng.signals import cas_user_authenticated
from django_cas_ng.utils import get_cas_client

from contratpro.backends import PortalBackend

BACKEND_PATH = "contratpro.signin.cas.PortalCASBackend"


def cas_enabled():
    return bool(getattr(settings, "CAS_SERVER_URL", None))


# How long the portal waits for the CAS's ticket validation.
VALIDATION_TIMEOUT_SECONDS = 10


class CASUnavailable(Exception):
    """The school's CAS did not answer the ticket's validation, or its
    answer was not the protocol's XML."""


def find_account(login, email):
    """The one account whose login is exactly ``login``, else the one
    account whose login *is* ``email`` (case-insensitive: the accounts the
    office and the imports create sign in with their institutional e-mail);
    None when there is none or more than one. An e-mail alone is never
    trusted: only the office sets a login (``accounts.services.email_is_identity``).
    Superusers are never found: ``Admin`` at the CAS is not the portal's
    ``admin``."""
    users = get_user_model()._default_manager.filter(is_superuser=False)
    for query in ({"username": login}, {"username__iexact": email, "email__iexact": email} if email else None):
        if not query:
            continue
        found = list(users.filter(**query)[:2])
        if len(found) == 1:
            return found[0]
    return None


class _TimedSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", VALIDATION_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


class PortalCASBackend(PortalBackend):
    """Validates a CAS ticket; ``get_user`` is the portal's (roles read with
    the user, one query)."""

    def authenticate(self, request, ticket=None, service=None, **kwargs):
        if not ticket or not service or not cas_enabled():
            return None
        client = get_cas_client(service_url=service, request=request)
        client.session = _TimedSession()
        try:
            login, attributes, _pgtiou = client.verify_ticket(ticket)
        except (requests.RequestException, ParseError) as error:
            raise CASUnavailable(str(error)) from error
        if not login:
            if request is not None:
                request.cas_refused = "ticket"
            return None
        attributes = dict(attributes or {})
        for cas_name, our_name in settings.CAS_RENAME_ATTRIBUTES.items():
            if cas_name in attributes:
                attributes[our_name] = attributes.pop(cas_name)
        email = attributes.get("email") or (login if "@" in login else "")
        if isinstance(email, list):
            email = email[0] if email else ""
        user = find_account(login, email)
        if user is None or not self.user_can_authenticate(user):
            if request is not None:
                request.cas_refused = "unknown"
                request.cas_login = login
            return None
        if request is not None and attributes:
            request.session["attributes"] = attributes
        cas_user_authenticated.send(
            sender=self, user=user, created=False, username=login, attributes=attributes,
            pgtiou=_pgtiou, ticket=ticket, service=service, request=request,
        )
        return user
