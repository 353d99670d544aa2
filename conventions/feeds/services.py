"""Each person's calendar feed (issue 15, NOTIF-1): the deadlines they must
act on, as a secret, revocable address their calendar app subscribes to.

The address: ``/agenda/<token>.ics``, with a random token of 256 bits
(``secrets``). Only its SHA-256 is stored (``CalendarFeed.token_hash``): a
read of the database gives no working address, and the token is shown once,
when it is made. A request's token is looked up by its digest on the unique
index, then compared with ``hmac.compare_digest``: the comparison takes the
same time whatever the token, and the index lookup only ever sees a digest,
whose prefix an attacker cannot steer. Making a new address revokes the
previous one in the same transaction (one active address per person, a
constraint says so); disabling revokes it. A revoked, unknown or tampered
token, or one whose person lost their account or their roles, reads nothing.

What a feed carries (``feed_entries``): the obligations of the deadlines
registry (and the employer's 5 days the sweep reminds) over the dossiers
``roles.dossiers_for(person)`` reaches among those still swept
(``reminders.services.open_dossiers``), from 60 days ago to a year ahead,
done ones included and marked. Whose they are is the sweep's own answer
(``reminders.recipients``): a student gets their dossier's obligations that
are theirs, a tuteur école their tutees', a head those of their department
they must act on, the direction theirs; the office, who follows every
dossier, gets every obligation of every open dossier (defences to
schedule, certificates, invoices included), each saying who acts.
Set-based: the same number of queries for 1 or 1 000 events.
"""

import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.roles import Actor
from conventions.dossier.models import Dossier
from conventions.reminders.recipients import recipients_by_dossier, recipients_of
from conventions.reminders.services import all_obligations, open_dossiers

from .models import CalendarFeed

TOKEN_BYTES = 32  # 256 bits: no guessing, no throttling needed
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{40,64}")  # what ``secrets.token_urlsafe(32)`` makes
WINDOW_BEFORE = datetime.timedelta(days=60)
WINDOW_AFTER = datetime.timedelta(days=365)
READ_MARK_EVERY = datetime.timedelta(hours=1)  # ``last_read_at`` written at most once an hour


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user):
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def feed_create(*, user, by):
    """A new address for ``user``'s calendar, made by ``user`` themselves;
    the previous one, if any, stops working now. Returns ``(feed, token)``:
    the token is never stored, the caller shows it once."""
    if by.pk != user.pk or not roles.can_subscribe_calendar(by):
        raise PermissionDenied(_("Chacun crée l'adresse de son propre agenda."))
    # Two clicks at once: the second waits for the first, then revokes it.
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.create(user=user, token_hash=token_digest(token), created_at=now)
    return feed, token


@transaction.atomic
def feed_revoke(*, user, by):
    """``user`` disables their calendar's address: it reads nothing from now
    on. Returns how many addresses were ended (0 when none was active)."""
    if by.pk != user.pk:
        raise PermissionDenied(_("Chacun désactive l'adresse de son propre agenda."))
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def feed_resolve(token, *, now=None):
    """The active feed whose address carries ``token``, with its person, or
    None (revoked, unknown, tampered, or the person can no longer
    subscribe). Marks the feed read (at most once an hour)."""
    if not isinstance(token, str) or not TOKEN_RE.fullmatch(token):
        return None
    digest = token_digest(token)
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=digest, revoked_at__isnull=True).first()
    if feed is None or not hmac.compare_digest(feed.token_hash, digest):
        return None
    if not feed.user.is_active or not roles.can_subscribe_calendar(feed.user):
        return None
    now = now or timezone.now()
    CalendarFeed.objects.filter(
        Q(last_read_at__isnull=True) | Q(last_read_at__lt=now - READ_MARK_EVERY), pk=feed.pk,
    ).update(last_read_at=now)
    return feed


def absolute(path):
    return settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + path


def feed_url(token):
    """The address to paste into a calendar app (https, or http in development)."""
    return absolute(reverse("conventions:feed-ics", args=[token]))


def webcal_url(token):
    """The same address as a ``webcal://`` link: a phone or a desktop opens
    its calendar app on it, ready to subscribe."""
    parts = urlsplit(feed_url(token))
    return parts._replace(scheme="webcal").geturl()


# --- What a feed carries ----------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One event of a feed: one obligation of one dossier."""

    dossier_id: int
    key: str
    label: str
    student: str
    due: datetime.date
    done: bool
    actors: tuple  # who acts, in French
    url: str  # absolute

    @property
    def late(self):
        return not self.done and self.due < timezone.localdate()


def _names(dossiers):
    """``{dossier_id: student's name}`` for ``dossiers``, one query."""
    rows = dossiers.values_list("pk", "student__user__first_name", "student__user__last_name", "student__user__username")
    return {pk: f"{first} {last}".strip() or username for pk, first, last, username in rows}


def feed_entries(user, *, today=None):
    """The events of ``user``'s feed, by due date (module docstring): a
    number of queries that does not grow with the dossiers or the events."""
    today = today or timezone.localdate()
    first, last = today - WINDOW_BEFORE, today + WINDOW_AFTER
    dossiers = roles.dossiers_for(user) & open_dossiers(today)
    seen, obligations = set(), []
    # The sources read only what falls due within the window (those that can).
    for obligation in all_obligations(dossiers, include_done=True, due_between=(first, last)):
        if obligation.due is None or not first <= obligation.due <= last:
            continue
        if (obligation.dossier_id, obligation.key) in seen:
            continue  # a source that came twice (the employer's 5 days, once registered) gives one event
        seen.add((obligation.dossier_id, obligation.key))
        obligations.append(obligation)
    if not obligations:
        return []
    if roles.Role.OFFICE not in roles.roles_of(user):
        mine = f"user:{user.pk}"
        needed = set().union(*(o.actors for o in obligations))
        people = recipients_by_dossier({o.dossier_id for o in obligations}, needed, dossiers)
        obligations = [o for o in obligations if any(r.key == mine for r in recipients_of(o, people))]
        if not obligations:
            return []
    names = _names(dossiers)
    actor_labels = {actor: str(Actor(actor).label) for actor in Actor.values}
    home = absolute(reverse("home"))
    return sorted(
        (
            Entry(
                dossier_id=o.dossier_id, key=o.key, label=str(o.label), student=names.get(o.dossier_id, ""),
                due=o.due, done=o.done, actors=tuple(sorted(actor_labels[a] for a in o.actors)),
                url=absolute(o.url) if o.url else home,
            )
            for o in obligations
        ),
        key=lambda e: (e.due, e.student, e.key),
    )
