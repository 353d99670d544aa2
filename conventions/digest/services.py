"""The digests (issue 15, NOTIF-1, NOTIF-2).

**Weekly** (``weekly_sweep``, beat on Monday morning): for the office and
for each department head, what is late and what falls due in the next
seven days, by department and obligation, from the deadlines registry
(``reminders.services.all_obligations`` over the open dossiers, not done).
The registry is read once for every recipient (``week_lines``); each
recipient's digest is a selection of those lines (``digest_of``). The
office's digest covers every department and goes to the office's mailbox
(CONTACT-1: one digest for the service, as the reminders); a head's covers
the students of the departments and options they head; a head who is also
of the office reads the office's and gets no second one. Nothing late and
nothing due this week: no mail.

**Daily** (``daily_sweep``, beat every morning): for each person who chose
« quotidien », one mail with their notifications not yet mailed
(``Notification.mail == "digest"``); exactly the notifications it included
(their ids captured when it is sent) are then marked ``mailed_at``: one
arriving meanwhile goes in the next day's.

**Once**: each digest is claimed by a ``DigestClaim`` row (kind, period,
recipient) under a unique constraint before anything is sent, with
``bulk_create(ignore_conflicts=True)``: two sweeps at once or a re-run
claim it once, and only the claims a sweep inserted are queued (plus those
left behind, as the reminders do). A send takes its claim with a
conditional UPDATE (one row, or nothing to do).
"""

import dataclasses
import datetime
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contratpro.frenchdates import long_date
from contratpro.roles import Actor, Group_
from conventions.dossier.models import Dossier
from conventions.links.services import contact_email
from conventions.mailtexts.registry import mail_message
from conventions.notifications.models import Notification
from conventions.reminders.services import all_obligations, open_dossiers
from students.models import Department, Option

from .models import DigestClaim

WINDOW_DAYS = 7  # « à venir cette semaine »: due today up to today + 7 days
MAX_LINES = 10  # lines shown per obligation of a department; the others counted (« et N autres »)
MAX_NOTIFICATIONS = 200  # a daily digest's notifications at most (the others wait for the next day)
MAX_ATTEMPTS = 5
OFFICE = "office"


def lease():
    return datetime.timedelta(seconds=settings.CONTRATPRO_REMINDER_LEASE_SECONDS)


def absolute(path):
    """``path`` on the portal's public address (a mail is read outside it)."""
    if not path or "://" in path:
        return path
    return settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + path


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


# --- The weekly digest's lines (NOTIF-1) -------------------------------------------

@dataclasses.dataclass(frozen=True)
class Line:
    """One obligation of one dossier, late or due this week, with what the
    digest says of it and who sees it (the heads of the student's
    department and option)."""

    dossier_id: int
    student: str
    department_code: str
    department: str
    department_head_id: int | None
    option_head_id: int | None
    key: str
    label: str
    actors: str
    due: datetime.date
    late: bool
    url: str


def when_text(due, today):
    """« 3 jours de retard », « aujourd'hui », « demain », « dans 4 jours »."""
    days = (due - today).days
    if days < 0:
        return ngettext("%(n)s jour de retard", "%(n)s jours de retard", -days) % {"n": -days}
    if days == 0:
        return _("aujourd'hui")
    if days == 1:
        return _("demain")
    return ngettext("dans %(n)s jour", "dans %(n)s jours", days) % {"n": days}


def counts_text(late, upcoming):
    """« 12 en retard, 30 à venir cette semaine » (« rien en retard » for none)."""
    return _("%(late)s, %(upcoming)s") % {
        "late": ngettext("%(n)s en retard", "%(n)s en retard", late) % {"n": late} if late else _("rien en retard"),
        "upcoming": (ngettext("%(n)s à venir cette semaine", "%(n)s à venir cette semaine", upcoming) % {"n": upcoming}
                     if upcoming else _("rien à venir cette semaine")),
    }


_FACTS = (
    "pk", "student__user__first_name", "student__user__last_name", "student__department__code",
    "student__department__name", "student__department__head_id", "student__option__head_id",
)


def week_lines(today, dossiers=None, obligations=None):
    """Every line of this week's digests, for every recipient at once: the
    registry read once over ``dossiers`` (the open ones by default; its
    answer may be given as ``obligations``), the obligations not done and
    due by ``today + WINDOW_DAYS`` kept, then the students and their
    departments read in one query. Set-based: the number of queries does
    not grow with the dossiers."""
    dossiers = open_dossiers(today) if dossiers is None else dossiers
    obligations = all_obligations(dossiers) if obligations is None else obligations
    until = today + datetime.timedelta(days=WINDOW_DAYS)
    kept = [o for o in obligations if o.due is not None and not o.done and o.due <= until]
    if not kept:
        return []
    ids = {o.dossier_id for o in kept}
    # Many ids are read through the dossiers' queryset, not as parameters.
    scope = dossiers.values("pk") if len(ids) > 1000 else ids
    facts = {row[0]: row for row in Dossier.objects.filter(pk__in=scope).values_list(*_FACTS)}
    actor_labels = {value: str(label) for value, label in Actor.choices}
    lines = []
    for obligation in kept:
        row = facts.get(obligation.dossier_id)
        if row is None:
            continue
        _pk, first, last, code, department, department_head, option_head = row
        lines.append(Line(
            dossier_id=obligation.dossier_id, student=f"{first} {last}".strip(), department_code=code or "",
            department=department or "", department_head_id=department_head, option_head_id=option_head,
            key=obligation.key, label=str(obligation.label),
            actors=", ".join(actor_labels.get(a, a) for a in sorted(obligation.actors)),
            due=obligation.due, late=obligation.due < today, url=obligation.url,
        ))
    return lines


def lines_of_head(lines, user_id):
    """A head's lines: the students of the departments and options they head (ROLE-3)."""
    return [line for line in lines if user_id in (line.department_head_id, line.option_head_id)]


def digest_of(lines, today, *, links=absolute):
    """What one weekly digest says, as plain values (the mail's context and
    the preview page's): the counts, then by department the obligations,
    late ones first, each with its students (``MAX_LINES`` shown, the
    others counted). ``links`` makes each line's link (absolute in a mail)."""
    late = sum(1 for line in lines if line.late)
    by_department = defaultdict(lambda: defaultdict(list))
    names = {}
    for line in lines:
        names[line.department_code] = line.department
        by_department[line.department_code][(not line.late, line.label)].append(line)
    departments = []
    for code in sorted(by_department):
        groups = []
        for (upcoming, label), found in sorted(
            by_department[code].items(), key=lambda item: (item[0][0], min(line.due for line in item[1]), item[0][1])
        ):
            found.sort(key=lambda line: (line.due, line.student))
            shown = found[:MAX_LINES]
            groups.append({
                "intitule": label,
                "en_retard": not upcoming,
                "nombre": len(found),
                "lignes": [{
                    "eleve": line.student,
                    "obligation": line.label,
                    "qui": line.actors,
                    "echeance": long_date(line.due, year=False),
                    "echeance_iso": line.due.isoformat(),
                    "quand": when_text(line.due, today),
                    "en_retard": line.late,
                    "url": links(line.url),
                } for line in shown],
                "autres": len(found) - len(shown),
            })
        in_department = [line for group in by_department[code].values() for line in group]
        department_late = sum(1 for line in in_department if line.late)
        departments.append({
            "code": code,
            "nom": names[code] or code,
            "en_retard": department_late,
            "a_venir": len(in_department) - department_late,
            "resume": counts_text(department_late, len(in_department) - department_late),
            "groupes": groups,
        })
    until = today + datetime.timedelta(days=WINDOW_DAYS)
    return {
        "jour": long_date(today, year=False),
        "semaine_du": long_date(monday_of(today), year=False),
        "jusqu_au": long_date(until, year=False),
        "en_retard": late,
        "a_venir": len(lines) - late,
        "resume": counts_text(late, len(lines) - late),
        "departements": departments,
        "url_liste": links(reverse("conventions:todo")),
        "url": links(reverse("conventions:digest")),
        "action": _("Ouvrir le récapitulatif"),
    }


def office_members():
    """Ids of the office's accounts (and superusers): they read the office's digest."""
    User = get_user_model()
    return set(User.objects.filter(Q(groups__name=Group_.OFFICE.value) | Q(is_superuser=True)).values_list("pk", flat=True))


def heads():
    """Ids of the active heads of a department or option who are not of the office."""
    User = get_user_model()
    head_ids = set(Department.objects.filter(head__isnull=False).values_list("head_id", flat=True))
    head_ids |= set(Option.objects.filter(head__isnull=False).values_list("head_id", flat=True))
    active = set(User.objects.filter(pk__in=head_ids, is_active=True).values_list("pk", flat=True))
    return active - office_members()


def weekly_digests(today, dossiers=None, obligations=None):
    """``{recipient: (user_id, digest)}`` of this week: the office's and
    each head's, those with something to say only. The registry read once."""
    lines = week_lines(today, dossiers, obligations)
    if not lines:
        return {}
    found = {OFFICE: (None, digest_of(lines, today))}
    for user_id in sorted(heads()):
        mine = lines_of_head(lines, user_id)
        if mine:
            found[f"user:{user_id}"] = (user_id, digest_of(mine, today))
    return found


# --- Claims (NOTIF-1) -------------------------------------------------------------

def _claim(rows, *, kind, sweep, now, queue):
    with transaction.atomic():
        # The unique constraint decides which sweep holds a digest, not a read before the write.
        DigestClaim.objects.bulk_create(rows, ignore_conflicts=True)
        mine = list(DigestClaim.objects.filter(sweep=sweep).values_list("pk", flat=True))
        queued = mine + left_behind(now, kind=kind, exclude_sweep=sweep)
        for claim_id in queued:
            transaction.on_commit(lambda claim_id=claim_id: queue(claim_id))
    return queued


def weekly_sweep(today=None, *, queue, now=None):
    """Claim this week's digests (period: the Monday) and queue the ones
    this sweep claimed, plus any left behind; returns the ids queued. A
    second run in the same week claims nothing (NOTIF-2: run by beat)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    sweep = uuid.uuid4().hex
    rows = [
        DigestClaim(kind=DigestClaim.Kind.WEEKLY, period=monday_of(today), recipient=recipient, user_id=user_id,
                    payload=digest, sweep=sweep)
        for recipient, (user_id, digest) in weekly_digests(today).items()
    ]
    return _claim(rows, kind=DigestClaim.Kind.WEEKLY, sweep=sweep, now=now, queue=queue)


def pending_notifications():
    """The notifications a daily digest mails: for a school account whose
    person chose « quotidien », not yet mailed."""
    User = get_user_model()
    return Notification.objects.filter(
        mail=Notification.Mail.DIGEST, mailed_at__isnull=True, recipient__isnull=False,
        recipient__notifications=User.Notifications.DIGEST, recipient__is_active=True,
    )


def daily_sweep(today=None, *, queue, now=None):
    """Claim today's daily digests, one per person with notifications
    waiting, and queue them; returns the ids queued."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    sweep = uuid.uuid4().hex
    people = sorted(set(pending_notifications().filter(created_at__lte=now).values_list("recipient_id", flat=True)))
    rows = [
        DigestClaim(kind=DigestClaim.Kind.DAILY, period=today, recipient=f"user:{user_id}", user_id=user_id, sweep=sweep)
        for user_id in people
    ]
    return _claim(rows, kind=DigestClaim.Kind.DAILY, sweep=sweep, now=now, queue=queue)


def left_behind(now, *, kind, exclude_sweep=""):
    """Claims to send again: never taken, taken by a worker whose lease ran
    out (killed mid-send), failed with attempts left an hour ago. Those of
    the last week only."""
    recent = Q(kind=kind, claimed_at__gte=now - datetime.timedelta(days=7))
    stale = (
        Q(state=DigestClaim.State.CLAIMED, claimed_at__lt=now - lease())
        | Q(state=DigestClaim.State.SENDING, lease_until__lt=now)
        | Q(state=DigestClaim.State.FAILED, attempts__lt=MAX_ATTEMPTS, updated_at__lt=now - datetime.timedelta(hours=1))
    )
    return list(DigestClaim.objects.filter(recent & stale).exclude(sweep=exclude_sweep).values_list("pk", flat=True))


# --- Sending (NOTIF-1, NOTIF-2) ------------------------------------------------------

class NoAddress(Exception):
    """The person has no e-mail address: nothing can be sent."""


def _take(claim_id, now):
    """The conditional UPDATE that gives this task the claim: one row, or
    another task has it (or it is sent) and there is nothing to do."""
    takeable = Q(state__in=[DigestClaim.State.CLAIMED, DigestClaim.State.FAILED]) | Q(
        state=DigestClaim.State.SENDING, lease_until__lt=now
    )
    return DigestClaim.objects.filter(takeable, pk=claim_id, attempts__lt=MAX_ATTEMPTS).update(
        state=DigestClaim.State.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1, updated_at=now,
    ) == 1


def _address(claim):
    if claim.recipient == OFFICE:
        return str(_("Service Contrats pro")), contact_email()
    user = claim.user
    if not user.email:
        raise NoAddress(_("%(name)s n'a pas d'adresse e-mail : le récapitulatif ne peut pas partir.")
                        % {"name": user.get_full_name() or user.username})
    return user.get_full_name() or user.username, user.email


def daily_items(claim, now):
    """The notifications of a daily digest: those captured at a first
    attempt (a retry sends the same ones), else the person's waiting ones,
    oldest first."""
    waiting = pending_notifications().filter(recipient_id=claim.user_id)
    if claim.notification_ids:
        waiting = waiting.filter(pk__in=claim.notification_ids)
    else:
        waiting = waiting.filter(created_at__lte=now)
    return list(waiting.order_by("created_at", "pk")[:MAX_NOTIFICATIONS])


def daily_context(name, notifications, day):
    return {
        "nom": name,
        "jour": long_date(day, year=False),
        "nombre": len(notifications),
        "notifications": [
            {"titre": n.title, "texte": n.body, "url": absolute(n.url), "le": long_date(n.created_at, year=False)}
            for n in notifications
        ],
        "url": absolute(reverse("home")),
        "action": _("Ouvrir le portail"),
    }


def digest_send(claim_id, *, now=None):
    """Send one claimed digest: ``"sent"``, ``"cancelled"`` (a daily digest
    whose notifications were all mailed meanwhile), ``"skipped"`` (another
    task has it, or it is sent) or ``"failed"`` (the error kept, to retry)."""
    now = now or timezone.now()
    if not _take(claim_id, now):
        return "skipped"
    claim = DigestClaim.objects.select_related("user").get(pk=claim_id)
    included = []
    try:
        name, address = _address(claim)
        if claim.kind == DigestClaim.Kind.WEEKLY:
            context = {**claim.payload, "nom": name, "pour_le_service": claim.recipient == OFFICE}
            message = mail_message("digest.weekly", context, to=[address], reply_to=[contact_email()])
        else:
            included = daily_items(claim, now)
            if not included:
                DigestClaim.objects.filter(pk=claim.pk).update(state=DigestClaim.State.CANCELLED, updated_at=now)
                return "cancelled"
            ids = [n.pk for n in included]
            DigestClaim.objects.filter(pk=claim.pk).update(notification_ids=ids)
            message = mail_message("digest.daily", daily_context(name, included, claim.period), to=[address],
                                   reply_to=[contact_email()])
        message.send()
    except (OSError, NoAddress) as error:
        final = isinstance(error, NoAddress)
        DigestClaim.objects.filter(pk=claim.pk).update(
            state=DigestClaim.State.FAILED, error=(str(error) or error.__class__.__name__)[:500],
            updated_at=timezone.now(), **({"attempts": MAX_ATTEMPTS} if final else {}),
        )
        return "failed"
    sent_at = timezone.now()
    with transaction.atomic():
        DigestClaim.objects.filter(pk=claim.pk).update(state=DigestClaim.State.SENT, sent_at=sent_at, error="",
                                                       updated_at=sent_at)
        if included:
            # Exactly what this mail held: one arriving since waits for the next digest.
            Notification.objects.filter(pk__in=[n.pk for n in included], mailed_at__isnull=True).update(mailed_at=sent_at)
    return "sent"


# --- The preview page (NOTIF-1) -------------------------------------------------------

def digest_for_viewer(user, today, *, is_office, links=absolute):
    """The weekly digest ``user`` would get today: the office's for the
    office (a head of the office included), else the one of the
    departments and options the head heads; the registry read over those
    dossiers only."""
    dossiers = open_dossiers(today)
    if not is_office:
        dossiers = dossiers.filter(Q(student__department__head=user) | Q(student__option__head=user))
    lines = week_lines(today, dossiers)
    if not is_office:
        lines = lines_of_head(lines, user.pk)
    return digest_of(lines, today, links=links)
