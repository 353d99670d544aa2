"""The reminder as its recipient reads it (NOTIF-1): French, an HTML and a
plain-text part, the place to act. Its text is the registered mail
« reminders.deadline » (``conventions.mailtexts``): shipped in
``templates/emails/texts/reminders.deadline.*.txt``, editable by the office."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from contratpro.frenchdates import long_date
from contratpro.roles import Actor
from contratpro.school.services import office_contact
from conventions.dossier.deadlines import obligations_for
from conventions.dossier.models import Dossier
from conventions.links.services import contact_email
from conventions.mailtexts.registry import MailText, mail_message

from .recipients import OFFICE

KEY = "reminders.deadline"


class NoAddress(Exception):
    """The person has no e-mail address: nothing can be sent."""


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


def reminder_context(*, dossier, obligation, name, url, today, personal_link, for_office, employer_copy, office):
    """The text's variables, plain values only (``VARIABLES``), and the
    layout's (``url``, ``action``, ``ecole``, ``email_service``)."""
    return {
        "nom": name,
        "echeance": obligation.label,
        "date_limite": long_date(obligation.due),
        "quand": when_text(obligation.due, today),
        "en_retard": obligation.due < today,
        "eleve": dossier.student.full_name,
        "entreprise": dossier.company.name if dossier.company_id else "",
        "url": url,
        "lien_personnel": personal_link,
        "pour_le_service": for_office,
        "copie_employeur": employer_copy,
        "email_service": office["email"],
        "ecole": office["school_name"],
        "action": str(_("Ouvrir mon lien personnel") if personal_link else _("Ouvrir le portail à cet endroit")),
    }


def reminder_message(claim, obligation, *, url, today):
    """The reminder mail of ``claim``; ``url`` is absolute (a personal link
    for a company person, ROLE-5)."""
    name, address = recipient_of(claim)
    dossier = claim.dossier
    office = office_contact(dossier.year.start_year)
    context = reminder_context(
        dossier=dossier, obligation=obligation, name=name, url=url, today=today,
        personal_link=bool(claim.contact_id), for_office=claim.recipient == OFFICE,
        employer_copy=claim.recipient == OFFICE and claim.actor == Actor.COMPANY, office=office,
    )
    return mail_message(KEY, context, to=[address], reply_to=[office["email"]])


def reminder_sample(dossier):
    """The preview's context on a real dossier: its first obligation not
    done (else its first), as the student would be reminded of it today."""
    dossier = Dossier.objects.select_related("student", "company", "year").get(pk=dossier.pk)
    obligations = obligations_for(Dossier.objects.filter(pk=dossier.pk), include_done=True)
    obligation = next((o for o in obligations if not o.done), obligations[0] if obligations else None)
    if obligation is None:
        return None
    today = timezone.localdate()
    return reminder_context(
        dossier=dossier, obligation=obligation, name=dossier.student.full_name, url=obligation.url, today=today,
        personal_link=False, for_office=False, employer_copy=False, office=office_contact(dossier.year.start_year),
    )


TEXT = MailText(
    key=KEY,
    label=gettext_lazy("Relance d'une échéance"),
    audience=gettext_lazy("Qui doit agir : élève, tuteurs, responsable, entreprise (lien personnel), service"),
    variables={
        "nom": gettext_lazy("le nom du destinataire (vide pour le service)"),
        "echeance": gettext_lazy("ce qu'il faut faire, par exemple « Étape 5' : Transmettre la convention signée au service »"),
        "date_limite": gettext_lazy("la date de l'échéance, par exemple « 18 août 2026 »"),
        "quand": gettext_lazy("« dans 3 jours », « aujourd'hui » ou « dépassée depuis 1 jour »"),
        "en_retard": gettext_lazy("vrai quand l'échéance est passée"),
        "eleve": gettext_lazy("le nom de l'élève"),
        "entreprise": gettext_lazy("le nom de l'entreprise (vide s'il n'y en a pas encore)"),
        "url": gettext_lazy("l'adresse où agir : le portail, ou le lien personnel d'un contact d'entreprise"),
        "lien_personnel": gettext_lazy("vrai quand l'adresse est un lien personnel (contact d'entreprise)"),
        "pour_le_service": gettext_lazy("vrai quand la relance va au service Contrats pro"),
        "copie_employeur": gettext_lazy("vrai pour la copie au service d'une échéance de l'employeur"),
        "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
        "ecole": gettext_lazy("le nom de l'école"),
    },
    sample=reminder_sample,
)


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
