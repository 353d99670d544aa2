"""PFE-1: each jury member gets the defence in their calendar, by mail with
an .ics attachment (RFC 5545/5546: METHOD:REQUEST, one UID per defence, a
SEQUENCE raised at each reschedule, times in UTC).

``defence_mail_jury`` claims the defence's current revision with a
conditional UPDATE that must touch one row, so that each revision is mailed
once, whatever the retries."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from contratpro.frenchdates import long_date

from .models import Defence


def defence_uid(defence):
    """Stable for the defence's whole life: a reschedule updates the same event."""
    host = urlsplit(settings.CONTRATPRO_PUBLIC_URL).hostname or "contratpro"
    return f"pfe-defence-{defence.pk}@{host}"


def _address(user, role):
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(user.get_full_name() or user.username)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def defence_ics(defence, *, jury=None):
    """The defence as an iCalendar REQUEST (bytes)."""
    jury = list(defence.jury.all()) if jury is None else jury
    student = defence.dossier.student
    calendar = Calendar()
    calendar.add("prodid", "-//IMT Mines Alès//contrat-pro//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", defence_uid(defence))
    event.add("sequence", defence.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.timezone.utc))
    event.add("dtstart", defence.starts_at.astimezone(datetime.timezone.utc))
    event.add("dtend", defence.ends_at.astimezone(datetime.timezone.utc))
    event.add("summary", _("Soutenance de PFE de %(name)s") % {"name": student})
    event.add("location", defence.room)
    event.add("status", "CONFIRMED")
    event["organizer"] = _address(defence.scheduled_by, None)
    for member in jury:
        role = "CHAIR" if member.pk == defence.president_id else "REQ-PARTICIPANT"
        event.add("attendee", _address(member, role), encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def defence_mail_jury(defence_id):
    """Mail the defence's current revision to each jury member, once; returns how many mails left."""
    defence = Defence.objects.select_related("dossier__student", "scheduled_by").filter(pk=defence_id).first()
    if defence is None:
        return 0
    revision = defence.sequence
    if Defence.objects.filter(pk=defence_id, mailed_sequence__lt=revision).update(mailed_sequence=revision) != 1:
        return 0  # already mailed (a retry, or a later revision took over)
    jury = list(defence.jury.all())
    attachment = defence_ics(defence, jury=jury)
    local = timezone.localtime(defence.starts_at)
    context = {
        "defence": defence, "student": defence.dossier.student, "updated": revision > 0,
        "date": long_date(local, weekday=True), "start": f"{local.hour} h {local.minute:02d}",
        "end": f"{timezone.localtime(defence.ends_at).hour} h {timezone.localtime(defence.ends_at).minute:02d}",
    }
    subject = (_("Soutenance de PFE déplacée : %(name)s") if revision else _("Soutenance de PFE : %(name)s")) % {
        "name": defence.dossier.student,
    }
    sent = 0
    for member in jury:
        if not member.email:
            continue
        body = render_to_string("grading/pfe/email_defence.txt", {**context, "member": member})
        message = EmailMessage(subject=subject, body=body, to=[member.email])
        message.attach("soutenance.ics", attachment, "text/calendar; method=REQUEST; charset=utf-8")
        message.send()
        sent += 1
    return sent
