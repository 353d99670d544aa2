"""The reminder sweep (NOTIF-1…3): every deadline reminded once to whoever
must act, ahead of it and when it is missed.

Beat runs ``reminders_sweep`` once a day (NOTIF-2). It reads the deadlines
registry over the open dossiers (set-based: the same number of queries for
100 or 10 000 dossiers), keeps the obligations not done whose reminder
falls today, resolves their actors to persons, and *claims* each reminder
with a row under a unique constraint (dossier, obligation, offset,
recipient) before anything is sent. Only the claims this sweep inserted are
queued, one task each, after commit: two sweeps at once, or a sweep run
again, queue each reminder once. The task takes the claim with a
conditional UPDATE (one row, or nothing to do), sends the mail and marks
it sent; a failure marks *that* claim failed and the retry sends it again,
never a new one.

When a reminder falls (``offset_in_force``): offsets count calendar days
from the deadline (−14, −3, +1 by default; ``ReminderPolicy`` per year).
The reminder of an offset is due from its day until the next offset's day
(the last one for ``CATCH_UP_DAYS``): a sweep that did not run yesterday
still sends today's reminder, and a missed day never sends two reminders
at once — only the one in force. A reminder may fall on a weekend or a
holiday: it goes out that day (a mail waits in the mailbox; the deadline
itself is computed by its rule, STEP-2 from the year's calendar).
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.roles import Actor
from conventions.dossier.deadlines import obligations_for
from conventions.dossier.models import Dossier
from conventions.links.models import ExternalLink
from conventions.links.services import link_create, link_url
from students.history import event_record

from . import mail
from .models import DEFAULT_OFFSETS, ReminderClaim, ReminderPolicy
from .recipients import recipients_by_dossier, recipients_of

CATCH_UP_DAYS = 7  # the last reminder (after the deadline) is still sent up to a week late
OPEN_AFTER_END = datetime.timedelta(days=120)  # a dossier is swept until 4 months after its year's contracts end
MAX_ATTEMPTS = 5
ROBOT_USERNAME = "relances-automatiques"
LINK_MIN_LEFT = datetime.timedelta(days=7)  # a personal link reused only if it is valid a week more

# The personal link a company person's reminder carries (ROLE-5): the
# purpose of the place to act, by obligation key (prefix), else by actor.
_PURPOSE_BY_KEY = {
    "step:2": ExternalLink.Purpose.FICHE_CONTACT,
    "step:5": ExternalLink.Purpose.SIGN_CONVENTION,
    "appraisal": ExternalLink.Purpose.APPRAISAL,
    "s9:appraisal": ExternalLink.Purpose.APPRAISAL,
}
_PURPOSE_BY_ACTOR = {
    Actor.COMPANY_TUTOR: ExternalLink.Purpose.APPRAISAL,
    # No purpose of its own yet for the employer's deadlines (OPCO, rupture):
    # the link opens the landing page of the dossier, with the office's contact.
    Actor.COMPANY: ExternalLink.Purpose.FICHE_CONTACT,
}


def lease():
    return datetime.timedelta(seconds=settings.CONTRATPRO_REMINDER_LEASE_SECONDS)


# --- When (NOTIF-1) ------------------------------------------------------------

def offset_in_force(due, offsets, today):
    """The offset whose reminder is due ``today`` for a deadline ``due``, or
    None: the latest offset whose day has come, until the next one's day
    (the last one for ``CATCH_UP_DAYS``)."""
    current = None
    for index, offset in enumerate(offsets):
        if due + datetime.timedelta(days=offset) > today:
            break
        current = index
    if current is None:
        return None
    offset = offsets[current]
    if current == len(offsets) - 1 and today > due + datetime.timedelta(days=offset + CATCH_UP_DAYS):
        return None
    return offset


def offsets_by_year():
    """Every year's offsets (a small table, one query); years without a
    policy take ``DEFAULT_OFFSETS``."""
    return {policy.year_id: policy.offsets() for policy in ReminderPolicy.objects.all()}


def open_dossiers(today):
    """The dossiers swept: those of the years whose contracts ended less than
    four months ago (certificates and ruptures fall after the end)."""
    return Dossier.objects.filter(year__contract_end__gte=today - OPEN_AFTER_END)


def all_obligations(dossiers, *, include_done=False, due_between=None):
    """The registry's obligations (the employer's 5 days among them, since
    ``opco`` registers its source); with ``due_between=(first, last)`` only
    those due within it."""
    return list(obligations_for(dossiers, include_done=include_done, due_between=due_between))


def window_of(today, offsets_in_use):
    """The due dates whose reminder may be in force ``today`` under any of
    ``offsets_in_use`` (``offset_in_force`` answers None outside it):
    from today − (the last offset + ``CATCH_UP_DAYS``) to today − the first
    offset (−14: a fortnight ahead). None when no offset is set at all."""
    spans = [offsets for offsets in offsets_in_use if offsets]
    if not spans:
        return None
    last = max(offsets[-1] for offsets in spans)
    first = min(offsets[0] for offsets in spans)
    return (today - datetime.timedelta(days=last + CATCH_UP_DAYS), today - datetime.timedelta(days=first))


def reminders_due(today, dossiers=None):
    """What the sweep reminds ``today``: ``(obligation, offset, recipients)``
    for each obligation not done whose reminder is in force. Set-based: the
    registry's sources, the years' policies, the dossiers' years and their
    people, each in a number of queries that does not grow with dossiers.
    The registry is asked only for the obligations due within the window
    where a reminder can be in force today (``window_of``): the same
    reminders as over every obligation, from far fewer rows."""
    dossiers = open_dossiers(today) if dossiers is None else dossiers
    policies = offsets_by_year()
    window = window_of(today, [DEFAULT_OFFSETS, *policies.values()])
    if window is None:
        return []
    return reminders_in_force(all_obligations(dossiers, due_between=window), dossiers, today, policies=policies)


def reminders_in_force(obligations, dossiers, today, *, policies=None):
    """The sweep's own part of ``reminders_due``, once the registry has
    answered: the offset in force for each obligation, then the people who
    must act (two or three queries)."""
    policies = offsets_by_year() if policies is None else policies
    year_of = dict(dossiers.values_list("pk", "year_id")) if policies else {}
    selected = []
    in_force = {}  # (due, offsets) -> offset: a few distinct deadlines for thousands of obligations
    for obligation in obligations:
        if obligation.due is None:
            continue
        offsets = policies.get(year_of.get(obligation.dossier_id), DEFAULT_OFFSETS) if policies else DEFAULT_OFFSETS
        when = (obligation.due, offsets)
        if when not in in_force:
            in_force[when] = offset_in_force(obligation.due, offsets, today)
        if in_force[when] is not None:
            selected.append((obligation, in_force[when]))
    if not selected:
        return []
    needed = set().union(*(o.actors for o, _offset in selected))
    people = recipients_by_dossier({o.dossier_id for o, _offset in selected}, needed, dossiers)
    return [(o, offset, recipients_of(o, people)) for o, offset in selected]


# --- Claims (NOTIF-1) ----------------------------------------------------------

def reminders_sweep(today=None, *, queue, now=None):
    """Claim today's reminders and queue the ones this sweep claimed, plus
    any claim left behind (a worker killed mid-send, a sweep killed before
    it queued); returns the ids queued. ``queue(claim_id)`` is called for
    each after commit (``tasks`` passes its send task's ``delay``). Run by
    beat (``tasks``), never in a request (NOTIF-2)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    sweep = uuid.uuid4().hex
    rows = [
        ReminderClaim(
            dossier_id=obligation.dossier_id, key=obligation.key[:80], offset=offset, recipient=recipient.key,
            user_id=recipient.user_id, contact_id=recipient.contact_id, actor=recipient.actor,
            label=str(obligation.label)[:200], due=obligation.due, day=today, url=obligation.url[:300], sweep=sweep,
        )
        for obligation, offset, recipients in reminders_due(today)
        for recipient in recipients
    ]
    with transaction.atomic():
        # A row another sweep holds is skipped by the database itself:
        # the unique constraint decides, not a read before the write.
        ReminderClaim.objects.bulk_create(rows, ignore_conflicts=True)
        mine = list(ReminderClaim.objects.filter(sweep=sweep).values_list("pk", flat=True))
        queued = mine + left_behind(now, exclude_sweep=sweep)
        _queue(queued, queue)
    return queued


def left_behind(now, exclude_sweep=""):
    """Claims to send again: claimed but never taken, taken by a worker whose
    lease ran out (killed mid-send), failed with attempts left and not
    retried within the hour. Only those of the last month."""
    recent = Q(claimed_at__gte=now - datetime.timedelta(days=30))
    stale = (
        Q(state=ReminderClaim.State.CLAIMED, claimed_at__lt=now - lease())
        | Q(state=ReminderClaim.State.SENDING, lease_until__lt=now)
        | Q(state=ReminderClaim.State.FAILED, attempts__lt=MAX_ATTEMPTS, updated_at__lt=now - datetime.timedelta(hours=1))
    )
    return list(ReminderClaim.objects.filter(recent & stale).exclude(sweep=exclude_sweep).values_list("pk", flat=True))


def _queue(claim_ids, queue):
    for claim_id in claim_ids:
        transaction.on_commit(lambda claim_id=claim_id: queue(claim_id))


# --- Sending (NOTIF-1, NOTIF-2) --------------------------------------------------

def reminders_robot():
    """The office's system account that acts for the sweep: it creates the
    company people's personal links (ROLE-5: only the office creates them)
    and signs the timeline's « relance envoyée » events. It has no password:
    nobody signs in with it."""
    user, created = get_user_model().objects.get_or_create(
        username=ROBOT_USERNAME, defaults={"first_name": "Relances", "last_name": "automatiques", "email": ""},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=roles.Group_.OFFICE.value)[0])
    return user


def _take(claim_id, now):
    """The conditional UPDATE that gives this task the claim: one row, or
    another task has it (or it is sent) and there is nothing to do."""
    takeable = Q(state__in=[ReminderClaim.State.CLAIMED, ReminderClaim.State.FAILED]) | Q(
        state=ReminderClaim.State.SENDING, lease_until__lt=now
    )
    return ReminderClaim.objects.filter(takeable, pk=claim_id, attempts__lt=MAX_ATTEMPTS).update(
        state=ReminderClaim.State.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1, updated_at=now,
    ) == 1


def _current(claim):
    """The claim's obligation as the registry reads it now (None if gone)."""
    dossiers = Dossier.objects.filter(pk=claim.dossier_id)
    return next((o for o in all_obligations(dossiers, include_done=True) if o.key == claim.key), None)


def _absolute(path):
    return settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + path


def personal_link(claim, robot, now):
    """A working personal link for a company person's reminder (ROLE-5):
    an active link of this contact for this dossier and purpose, valid a
    week more, else a new one created by the office's system account."""
    purpose = next(
        (p for prefix, p in _PURPOSE_BY_KEY.items() if claim.key == prefix or claim.key.startswith(prefix + ":")),
        _PURPOSE_BY_ACTOR.get(claim.actor, ExternalLink.Purpose.FICHE_CONTACT),
    )
    link = (
        ExternalLink.objects.filter(
            dossier_id=claim.dossier_id, contact_id=claim.contact_id, purpose=purpose,
            revoked_at__isnull=True, expires_at__gt=now + LINK_MIN_LEFT,
        ).order_by("-expires_at").first()
    )
    if link is None:
        link = link_create(dossier=claim.dossier, contact=claim.contact, purpose=purpose, by=robot)
    return link


def reminder_send(claim_id, *, now=None):
    """Send one claimed reminder (NOTIF-1): ``"sent"``, ``"cancelled"`` (done
    meanwhile), ``"skipped"`` (another task has it, or it is sent) or
    ``"failed"`` (the error kept on the claim, to retry)."""
    now = now or timezone.now()
    if not _take(claim_id, now):
        return "skipped"
    claim = ReminderClaim.objects.select_related(
        "dossier__student__user", "dossier__year", "dossier__company", "user", "contact"
    ).get(pk=claim_id)
    obligation = _current(claim)
    if obligation is None or obligation.done:
        ReminderClaim.objects.filter(pk=claim.pk).update(state=ReminderClaim.State.CANCELLED, updated_at=timezone.now())
        return "cancelled"
    robot = reminders_robot()
    try:
        url = link_url(personal_link(claim, robot, now)) if claim.contact_id else obligation.url
        message = mail.reminder_message(claim, obligation, url=_absolute(url), today=claim.day)
        message.send()
    except (ValidationError, OSError, mail.NoAddress) as error:
        final = not isinstance(error, OSError)
        ReminderClaim.objects.filter(pk=claim.pk).update(
            state=ReminderClaim.State.FAILED, error=_error_text(error)[:500], updated_at=timezone.now(),
            **({"attempts": MAX_ATTEMPTS} if final else {}),
        )
        return "failed"
    with transaction.atomic():
        ReminderClaim.objects.filter(pk=claim.pk).update(
            state=ReminderClaim.State.SENT, sent_at=timezone.now(), error="", updated_at=timezone.now()
        )
        event_record(
            dossier=claim.dossier, actor=robot, verb="conventions.reminder.sent",
            summary=mail.timeline_summary(claim, obligation),
        )
    return "sent"


def _error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or error.__class__.__name__


@transaction.atomic
def reminder_retry(*, claim, by, queue):
    """The office sends a failed reminder again (« Relancer »): the same
    claim, its attempts counted afresh, queued after commit (NOTIF-2)."""
    if not roles.can_retry_reminders(by):
        raise PermissionDenied(_("Seul le service Contrats pro relance un envoi."))
    updated = ReminderClaim.objects.filter(pk=claim.pk, state=ReminderClaim.State.FAILED).update(
        state=ReminderClaim.State.CLAIMED, attempts=0, error="", day=timezone.localdate(), updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("Cette relance n'est pas en échec : il n'y a rien à renvoyer."))
    _queue([claim.pk], queue)
    return claim
