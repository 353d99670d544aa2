"""Failed sign-ins throttled per account and per address (AUTH-2, ASVS 2.2.1).

django-axes records every failure in an ``AccessAttempt`` row (one per
login, address and browser); a row counts while its *last* failure is
younger than ``AXES_COOLOFF_TIME``. Two limits apply, each over the rows
still counting:

- per account: ``AXES_FAILURE_LIMIT`` failures on one login, from anywhere;
- per address: ``CONTRATPRO_ADDRESS_FAILURE_LIMIT`` failures from one
  address, whatever the logins (password spraying). It is much higher than
  the account's because the whole school may sit behind one NAT address:
  a low one would let anyone lock every student out by typing wrong
  passwords.

axes compares one number with one limit (``AXES_FAILURE_LIMIT``); this
handler reports the account's count, or that limit once the address has
reached its own.
"""

import datetime

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def address_limit():
    return int(settings.CONTRATPRO_ADDRESS_FAILURE_LIMIT)


class PortalAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """The account's failures, or the account limit when the address has
        reached its own (``AXES_LOCKOUT_PARAMETERS`` is ``["username",
        "ip_address"]``: one queryset each, in that order)."""
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= address_limit():
            return max(by_account, get_failure_limit(request, credentials))
        return by_account


def client_address(request):
    """The client's address: ``REMOTE_ADDR``, or behind
    ``CONTRATPRO_PROXY_COUNT`` reverse proxies the address the outermost of
    them saw, i.e. the N-th from the right of ``X-Forwarded-For`` (each proxy
    appends the address it received the request from; whatever the client
    wrote further left is not trusted)."""
    count = int(getattr(settings, "CONTRATPRO_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


# --- The office's view of the locks ------------------------------------------

def cool_off():
    return get_cool_off() or datetime.timedelta(0)


def locks(now=None):
    """What is locked now: ``(accounts, addresses)``, each a list of dicts
    ``{"key", "failures", "last", "until"}``, latest first. Reads only the
    rows still counting (one query each)."""
    now = now or timezone.now()
    span = cool_off()
    live = AccessAttempt.objects.filter(attempt_time__gte=now - span) if span else AccessAttempt.objects.all()

    def grouped(field, limit):
        rows = (
            # Rows without the field (a CAS refusal has no login) lock nothing by it.
            live.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )
        return [
            {"key": row[field], "failures": row["failures"], "last": row["last"],
             "until": row["last"] + span if span else None}
            for row in rows
        ]

    return grouped("username", axes_settings.AXES_FAILURE_LIMIT), grouped("ip_address", address_limit())


def unlock(*, username=None, address=None):
    """Forget the failures of one login or of one address (the office's
    « Débloquer »); returns how many rows went."""
    if username:
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
    if address:
        count, _ = AccessAttempt.objects.filter(ip_address=address).delete()
        return count
    return 0
