"""The reminder as its recipient reads it (NOTIF-1): French, an HTML and a
plain-text part, the place to act. Every mail of the subject is built by
``render_message`` from its template name and context, so that editable
templates and the digest (the issue's second half) plug in here."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contratpro.frenchdates import long_date
from contratpro.roles import Actor
from conventions.links.services import contact_email

from .recipients import OFFICE


class NoAddress(Exception):
    """The person has no e-mail address: nothing can be sent."""


def render_message(template, context, *, subject, to, reply_to=None):
    """One mail from ``templates/emails/reminders/<template>.txt`` and
    ``.html``: the plain-text body and its HTML alternative."""
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"emails/reminders/{template}.txt", context),
        to=to, reply_to=reply_to or [],
    )
    message.attach_alternative(render_to_string(f"emails/reminders/{template}.html", context), "text/html")
    return message


def recipient_of(claim):
    """``(name, address)`` of the claim's recipient."""
    office = contact_email(claim.dossier.year.start_year)
    if claim.recipient == OFFICE:
        return str(_("Service Contrats pro")), office
    person = claim.user if claim.user_id else claim.contact
    name = person.get_full_name() if claim.user_id else person.full_name
    if not person.email:
        raise NoAddress(_("%(name)s n'a pas d'adresse e-mail : la relance ne peut pas partir.") % {"name": name})
    return name, person.email


def when_text(due, today):
    """« dans 3 jours », « aujourd'hui », « dépassée depuis 1 jour »."""
    days = (due - today).days
    if days > 0:
        return ngettext("dans %(n)s jour", "dans %(n)s jours", days) % {"n": days}
    if days == 0:
        return _("aujourd'hui")
    return ngettext("dépassée depuis %(n)s jour", "dépassée depuis %(n)s jours", -days) % {"n": -days}


def reminder_message(claim, obligation, *, url, today):
    """The reminder mail of ``claim``; ``url`` is absolute (a personal link
    for a company person, ROLE-5)."""
    name, address = recipient_of(claim)
    dossier = claim.dossier
    student = dossier.student
    late = obligation.due < today
    office = contact_email(dossier.year.start_year)
    context = {
        "name": name,
        "label": obligation.label,
        "due": long_date(obligation.due),
        "when": when_text(obligation.due, today),
        "late": late,
        "student": student.full_name,
        "company": dossier.company.name if dossier.company_id else "",
        "url": url,
        "personal_link": bool(claim.contact_id),
        "for_office": claim.recipient == OFFICE,
        "employer_copy": claim.recipient == OFFICE and claim.actor == Actor.COMPANY,
        "office_email": office,
    }
    subject = (_("Échéance dépassée : %(label)s (%(student)s)") if late
               else _("Rappel : %(label)s avant le %(due)s (%(student)s)")) % {
        "label": obligation.label, "due": context["due"], "student": student.full_name}
    return render_message("reminder", context, subject=subject, to=[address], reply_to=[office])


def timeline_summary(claim, obligation):
    """The dossier's timeline line (DATA-4): who was reminded of what."""
    if claim.recipient == OFFICE:
        who = str(_("le service Contrats pro"))
    elif claim.user_id:
        who = claim.user.get_full_name()
    else:
        who = claim.contact.full_name
    return _("Relance envoyée à %(who)s (%(actor)s) : %(label)s, échéance du %(due)s.") % {
        "who": who, "actor": Actor(claim.actor).label if claim.actor in Actor.values else claim.actor,
        "label": obligation.label, "due": long_date(obligation.due),
    }
