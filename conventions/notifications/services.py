"""Event notifications (issue 15): each event of the one log (DATA-4) that
a rule knows becomes one notification per person, once, after commit.

- ``on_event`` is the event log's listener (``students.history``): called
  inside the recording transaction, it looks rules up by verb (an unknown
  verb costs no query) and writes the rows there, so that a change rolled
  back notifies nobody.
- The rows are inserted in bulk under the model's unique constraints (one
  per event and person: the listener run twice writes nothing more); the
  inbox's counter of each new recipient goes up by one in one UPDATE.
- Nobody is notified of their own act (the event's actor, or the contact
  whose personal link made it).
- A notification mailed at once is queued after commit, one task each
  (``tasks.send_notification``), and taken by a conditional UPDATE on
  ``mailed_at IS NULL``: a re-run never sends twice. A person who chose the
  daily summary (``User.notifications``) gets ``mail=digest``: the digest
  mails it; a company contact has no inbox and is always mailed at once.
- Each mail sent is an event on the dossier's timeline (« notification
  envoyée à … »), a verb no rule knows: the listener never reacts to it.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.companies.models import CompanyContact
from conventions.links.models import ExternalLink
from conventions.links.services import link_create, link_url
from conventions.reminders.services import reminders_robot
from students.history import event_record

from . import mail, registry
from .models import Notification

logger = logging.getLogger(__name__)

SENT_VERB = "conventions.notification.sent"
LINK_MIN_LEFT = datetime.timedelta(days=7)  # a personal link is reused only if valid a week more
Mail = Notification.Mail


def on_event(event, *, queue):
    """The listener: the notifications of ``event``, written in its
    transaction; ``queue(notification_id)`` is called after commit for each
    one to mail at once (``registrations`` passes the send task's
    ``delay``). A failing rule is logged and notifies nobody; it never
    stops the act it tells of (its writes sit in a savepoint)."""
    rules = registry.rules_for(event.verb)
    if not rules:
        return []
    try:
        with transaction.atomic():
            notices = [notice for rule in rules for notice in (rule(event) or ())]
            return notifications_create(event, notices, queue=queue)
    except Exception:  # noqa: BLE001 (a notification never undoes the act)
        logger.exception("notifications of event %s (%s) failed", event.pk, event.verb)
        return []


def _self_excluded(event, notices):
    """(notice, user ids, contact ids) without the event's own actor."""
    own_contact = None
    if event.link_id is not None:
        own_contact = ExternalLink.objects.filter(pk=event.link_id).values_list("contact_id", flat=True).first()
    for notice in notices:
        users = tuple(pk for pk in dict.fromkeys(notice.users) if pk and pk != event.actor_id)
        contacts = tuple(pk for pk in dict.fromkeys(notice.contacts) if pk and pk != own_contact)
        if users or contacts:
            yield notice, users, contacts


def notifications_create(event, notices, *, queue):
    """Write ``notices`` of ``event``: one row per person (the first notice
    naming them wins), counters raised, immediate mails queued after
    commit. Returns the ids of the rows this call inserted."""
    wanted = list(_self_excluded(event, notices))
    if not wanted:
        return []
    user_ids = {pk for _notice, users, _contacts in wanted for pk in users}
    contact_ids = {pk for _notice, _users, contacts in wanted for pk in contacts}
    accounts = {
        pk: (choice, email)
        for pk, choice, email in get_user_model().objects.filter(pk__in=user_ids, is_active=True)
        .values_list("pk", "notifications", "email")
    } if user_ids else {}
    addresses = set(
        CompanyContact.objects.filter(pk__in=contact_ids).exclude(email="").values_list("pk", flat=True)
    ) if contact_ids else set()
    now = timezone.now()
    rows, seen = [], set()
    for notice, users, contacts in wanted:
        common = {
            "event_id": event.pk, "dossier_id": event.dossier_id, "kind": notice.kind[:60],
            "title": str(notice.title)[:200], "body": str(notice.body), "url": notice.url[:300], "created_at": now,
        }
        for pk in users:
            if pk not in accounts or ("u", pk) in seen:
                continue
            seen.add(("u", pk))
            choice, email = accounts[pk]
            rows.append(Notification(recipient_id=pk, mail=_mail_for(notice, choice, email), **common))
        for pk in contacts:
            if pk not in addresses or ("c", pk) in seen:
                continue
            seen.add(("c", pk))
            rows.append(Notification(contact_id=pk, mail=Mail.IMMEDIATE, **common))
    if not rows:
        return []
    before = set(Notification.objects.filter(event_id=event.pk).values_list("pk", flat=True))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(event_id=event.pk).exclude(pk__in=before)
        .values_list("pk", "recipient_id", "mail")
    )
    readers = [recipient for _pk, recipient, _mail in created if recipient is not None]
    if readers:
        get_user_model().objects.filter(pk__in=readers).update(unread_notifications=F("unread_notifications") + 1)
    for pk, _recipient, how in created:
        if how == Mail.IMMEDIATE:
            transaction.on_commit(lambda pk=pk: queue(pk))
    return [pk for pk, _recipient, _mail in created]


def _mail_for(notice, choice, email):
    """At once, in the daily summary, or the inbox only: the room mails it
    already (``mailed_by_room``), or the person has no address."""
    if notice.mailed_by_room or not email:
        return Mail.NONE
    if choice == get_user_model().Notifications.DIGEST:
        return Mail.DIGEST
    return Mail.IMMEDIATE


# --- The inbox ------------------------------------------------------------------

def notification_read(*, notification, by):
    """Mark one of ``by``'s notifications read: the counter goes down by one,
    never below zero; reading it again changes nothing."""
    marked = Notification.objects.filter(pk=notification.pk, recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        get_user_model().objects.filter(pk=by.pk, unread_notifications__gt=0).update(
            unread_notifications=F("unread_notifications") - 1
        )
        by.unread_notifications = max(0, by.unread_notifications - 1)
    return bool(marked)


@transaction.atomic
def notifications_read_all(*, by):
    """« Tout marquer comme lu »: every unread notification of ``by``, and the counter at zero."""
    count = Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())
    get_user_model().objects.filter(pk=by.pk).update(unread_notifications=0)
    by.unread_notifications = 0
    return count


def unread_recount(user, counted):
    """The inbox counted ``counted`` unread rows: the header's counter is set
    to that number if it drifted (a row deleted with its event, a crash
    between the two writes)."""
    if user.unread_notifications != counted:
        get_user_model().objects.filter(pk=user.pk).update(unread_notifications=counted)
        user.unread_notifications = counted
        return True
    return False


# --- The mail -------------------------------------------------------------------

class Permanent(Exception):
    """A mail that cannot go out, whatever the retries (no address, no link)."""


def _absolute(path):
    return settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + path


def personal_link(notification, robot, now):
    """A working personal link for a company contact's mail (ROLE-5): an
    active link of this contact, dossier and purpose valid a week more, else
    a new one made by the office's system account."""
    purpose = _purpose_of(notification)
    link = (
        ExternalLink.objects.filter(
            dossier_id=notification.dossier_id, contact_id=notification.contact_id, purpose=purpose,
            revoked_at__isnull=True, expires_at__gt=now + LINK_MIN_LEFT,
        ).order_by("-expires_at").first()
    )
    if link is None:
        link = link_create(dossier=notification.dossier, contact=notification.contact, purpose=purpose, by=robot)
    return link


def _purpose_of(notification):
    return mail.LINK_PURPOSES.get(notification.kind, ExternalLink.Purpose.FICHE_CONTACT)


def notification_send(notification_id, *, now=None):
    """Mail one notification (at once): ``"sent"``, ``"skipped"`` (sent or
    being sent by another task, or not to be mailed now), ``"failed"``
    (a transient error: the claim is given back and the task retries) or
    ``"refused"`` (a permanent one, kept in ``mail_error``)."""
    now = now or timezone.now()
    taken = Notification.objects.filter(pk=notification_id, mail=Mail.IMMEDIATE, mailed_at__isnull=True).update(
        mailed_at=now, mail_error=""
    )
    if not taken:
        return "skipped"
    notification = Notification.objects.select_related(
        "recipient", "contact", "dossier__student__user", "dossier__company", "dossier__year"
    ).get(pk=notification_id)
    try:
        url = notification.url
        if notification.contact_id:
            if notification.dossier_id is None:
                raise Permanent(_("Un contact entreprise est prévenu par un lien personnel vers son dossier."))
            url = link_url(personal_link(notification, reminders_robot(), now))
        message = mail.notification_message(notification, url=_absolute(url) if url else "")
        message.send()
    except (Permanent, ValidationError, mail.NoAddress) as error:
        Notification.objects.filter(pk=notification_id).update(mailed_at=None, mail_error=_error_text(error)[:500])
        return "refused"
    except OSError as error:
        Notification.objects.filter(pk=notification_id).update(mailed_at=None, mail_error=_error_text(error)[:500])
        return "failed"
    if notification.dossier_id is not None:
        event_record(
            dossier=notification.dossier, actor=None, verb=SENT_VERB,
            summary=_("Notification envoyée par e-mail à %(who)s : %(title)s")
            % {"who": mail.recipient_name(notification), "title": notification.title},
        )
    return "sent"


def _error_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or error.__class__.__name__
