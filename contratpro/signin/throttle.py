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

A failure without a login (a CAS ticket the CAS did not confirm) counts for
its address only: axes would store it with no login and count every such
row as one account's, and ten bogus tickets would lock the CAS for everyone.
A ticket the CAS confirmed for a login the portal refuses counts for that
login (``client_username``).

A try refused while locked is not recorded
(``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``): it does not
push the unlock back.
"""

import datetime
import ipaddress

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def address_limit():
    return int(settings.CONTRATPRO_ADDRESS_FAILURE_LIMIT)


def client_username(request, credentials=None):
    """The login a sign-in is counted under (``AXES_USERNAME_CALLABLE``): the
    form's, as axes reads it, else the login the school's CAS confirmed for a
    person the portal refused (``request.cas_login``); None when there is
    none (a bogus CAS ticket)."""
    if credentials:
        login = credentials.get(axes_settings.AXES_USERNAME_FORM_FIELD)
    else:
        login = getattr(request, "data", request.POST).get(axes_settings.AXES_USERNAME_FORM_FIELD)
    return login or getattr(request, "cas_login", None) or None


class PortalAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """The account's failures, or the account limit when the address has
        reached its own (``AXES_LOCKOUT_PARAMETERS`` is ``["username",
        "ip_address"]``: one queryset each, in that order). Without a login
        there is no account's count: axes' ``username IS NULL`` would add up
        every login-less failure, from anywhere, as one account's."""
        by_account, by_address = self.get_user_attempts(request, credentials)
        if client_username(request, credentials):
            account_failures = _total(by_account)
        else:
            account_failures = 0
        if _total(by_address) >= address_limit():
            return max(account_failures, get_failure_limit(request, credentials))
        return account_failures

    def lock_ends(self, request, credentials=None):
        """When the sign-in refused now unlocks (tries made meanwhile are not
        recorded): for the account and for the address that are locked, the
        moment their failures still counting fall below the limit; the
        latest of the two. None without a cool-off or when nothing is locked."""
        span = cool_off()
        if not span:
            return None
        by_account, by_address = self.get_user_attempts(request, credentials)
        limits = [(by_address, address_limit())]
        if client_username(request, credentials):
            limits.append((by_account, get_failure_limit(request, credentials)))
        ends = []
        for attempts, limit in limits:
            counted = 0
            for failures, when in attempts.order_by("-attempt_time").values_list("failures_since_start", "attempt_time"):
                counted += failures
                if counted >= limit:
                    # Once this row no longer counts, the rest are below the limit.
                    ends.append(when + span)
                    break
        return max(ends, default=None)


def _total(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def client_address(request):
    """The client's address: ``REMOTE_ADDR``, or behind
    ``CONTRATPRO_PROXY_COUNT`` reverse proxies the address the outermost of
    them saw, i.e. the N-th from the right of ``X-Forwarded-For`` (each proxy
    appends the address it received the request from; whatever the client
    wrote further left is not trusted). Something there that is not an
    address falls back on ``REMOTE_ADDR``.

    An IPv6 address counts as its /64 network, stored as the network's first
    address (``2001:db8:1:2::``): one subscriber usually holds a whole /64,
    and rotating addresses inside it must not escape the address's count."""
    count = int(getattr(settings, "CONTRATPRO_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "")
    address = remote
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            address = forwarded[-count]
    return _counted_address(address) or _counted_address(remote)


def _counted_address(text):
    """The address a failure is counted under, or None when ``text`` is
    not an IP address."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


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
