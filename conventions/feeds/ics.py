"""A person's feed as iCalendar (RFC 5545, with RFC 7986's name and refresh
interval, and the X-WR-* names Outlook and Google read).

Each obligation is an all-day event on its due day (DTSTART;VALUE=DATE,
DTEND the day after: the deadline is a day, not a time), transparent (a
deadline does not make anyone busy), with a UID stable for the obligation's
whole life (its dossier and key at the portal's host), so that a moved due
date moves the same event. An obligation done stays in the feed, its title
ending « (fait) », without alarm; an open one rings the day before at 9 h
(a DISPLAY alarm 15 hours before its day begins)."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vDuration, vText

from contratpro.frenchdates import long_date

PRODID = "-//IMT Mines Alès//contrat-pro//FR"
REFRESH = datetime.timedelta(hours=6)
ALARM_BEFORE = datetime.timedelta(hours=-15)  # 9 h the day before an all-day event


def host():
    return urlsplit(settings.CONTRATPRO_PUBLIC_URL).hostname or "contratpro"


def entry_uid(entry, at_host):
    """``dossier-12-step-5p@host``: the dossier and the obligation's key."""
    return f"dossier-{entry.dossier_id}-{entry.key.replace(':', '-')}@{at_host}"


class Texts:
    """The feed's French sentences, translated once per feed rather than
    once per event (a thousand events would spend a second in gettext), and
    the due days' long dates, formatted once per day."""

    def __init__(self):
        self.summary = _("%(label)s – %(student)s")
        self.done_summary = _("%(summary)s (fait)")
        self.student = _("Élève : %(name)s.")
        self.due = _("Échéance : %(date)s.")
        self.actors = _("À faire par : %(who)s.")
        self.done = _("C'est fait.")
        self.late = _("En retard : l'échéance est passée.")
        self.where = _("Où agir : %(url)s")
        self.alarm = _("Échéance demain : %(summary)s")
        self._dates = {}

    def long_date(self, day):
        if day not in self._dates:
            self._dates[day] = long_date(day, weekday=True)
        return self._dates[day]


def entry_summary(entry, texts=None):
    """« Étape 3 : CERFA – Léa Martin », « … (fait) » once done."""
    texts = texts or Texts()
    summary = texts.summary % {"label": entry.label, "student": entry.student}
    return texts.done_summary % {"summary": summary} if entry.done else summary


def entry_description(entry, today, texts=None):
    texts = texts or Texts()
    lines = [entry.label.rstrip(".") + ".", texts.student % {"name": entry.student},
             texts.due % {"date": texts.long_date(entry.due)}]
    if entry.actors:
        lines.append(texts.actors % {"who": ", ".join(entry.actors)})
    if entry.done:
        lines.append(texts.done)
    elif entry.due < today:
        lines.append(texts.late)
    lines.append(texts.where % {"url": entry.url})
    return "\n".join(lines)


def calendar_name(user):
    return _("Contrats pro – %(name)s") % {"name": user.get_full_name() or user.username}


def feed_calendar(user, entries, *, today=None, now=None):
    """The ``icalendar.Calendar`` of ``user``'s feed made of ``entries``."""
    now = (now or timezone.now()).astimezone(datetime.timezone.utc)
    today = today or timezone.localdate(now)
    at_host = host()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = calendar_name(user)
    calendar.add("name", name)
    calendar.add("x-wr-calname", vText(name))
    description = _("Vos échéances du portail Contrats pro : ce que vous avez à faire, et pour quand.")
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", vText(description))
    calendar.add("x-wr-timezone", vText("Europe/Paris"))
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    texts = Texts()
    for entry in entries:
        summary = entry_summary(entry, texts)
        event = Event()
        event.add("uid", entry_uid(entry, at_host))
        event.add("dtstamp", now)
        event.add("dtstart", entry.due)
        event.add("dtend", entry.due + datetime.timedelta(days=1))
        event.add("summary", summary)
        event.add("description", entry_description(entry, today, texts))
        event.add("url", entry.url)
        event.add("transp", "TRANSPARENT")
        if not entry.done and entry.due > today:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", ALARM_BEFORE)
            alarm.add("description", texts.alarm % {"summary": summary})
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar


def feed_ics(user, entries, *, today=None, now=None):
    """The feed as bytes (UTF-8, CRLF lines folded at 75 octets)."""
    return feed_calendar(user, entries, today=today, now=now).to_ical()
