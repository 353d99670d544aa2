"""The personal link's mail (ROLE-5) as its recipient reads it: the
registered text « links.personal » (``conventions.mailtexts``), shipped in
``templates/emails/texts/links.personal.*.txt``, editable by the office."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.frenchdates import long_datetime
from contratpro.school.services import office_contact
from conventions.mailtexts.registry import MailText, mail_message

from .models import ExternalLink
from .services import PURPOSE_HELP

KEY = "links.personal"


def link_context(link, url, office):
    """The text's variables (plain values) and the layout's."""
    dossier = link.dossier
    return {
        "nom": link.contact.full_name,
        "eleve": dossier.student.full_name,
        "entreprise": dossier.company.name if dossier.company_id else "",
        "objet": str(link.get_purpose_display()),
        "ce_que_permet_le_lien": str(PURPOSE_HELP[link.purpose]),
        "url": url,
        "valable_jusqu_au": long_datetime(link.expires_at),
        "email_service": office["email"],
        "ecole": office["school_name"],
        "action": str(_("Ouvrir mon lien personnel")),
    }


def link_message(link, url):
    """The mail of the personal link ``link`` (``url`` absolute) to its contact."""
    office = office_contact(link.dossier.year.start_year)
    return mail_message(KEY, link_context(link, url, office), to=[link.contact.email], reply_to=[office["email"]])


def link_sample(dossier):
    """The preview's context on a real dossier: its latest link, else one
    for its company tutor as it would be made today (nothing saved)."""
    link = (
        ExternalLink.objects.filter(dossier=dossier).select_related("contact", "dossier__student__user", "dossier__company")
        .order_by("-created_at", "-pk").first()
    )
    if link is None:
        if not dossier.tuteur_entreprise_id:
            return None
        link = ExternalLink(
            dossier=dossier, contact=dossier.tuteur_entreprise, purpose=ExternalLink.Purpose.FICHE_CONTACT,
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
    return link_context(link, "https://…/lien/…/", office_contact(dossier.year.start_year))


TEXT = MailText(
    key=KEY,
    label=gettext_lazy("Lien personnel d'un contact d'entreprise"),
    audience=gettext_lazy("Tuteur entreprise, signataire ou contact RH (sans compte)"),
    variables={
        "nom": gettext_lazy("le nom du contact"),
        "eleve": gettext_lazy("le nom de l'élève"),
        "entreprise": gettext_lazy("le nom de l'entreprise"),
        "objet": gettext_lazy("l'objet du lien, par exemple « Compléter la partie entreprise de la fiche contact »"),
        "ce_que_permet_le_lien": gettext_lazy("ce que le lien permet, par exemple « compléter la partie entreprise de la fiche contact »"),
        "url": gettext_lazy("l'adresse du lien personnel"),
        "valable_jusqu_au": gettext_lazy("la fin de validité du lien, par exemple « 1er octobre 2026 à 18 h 00 »"),
        "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
        "ecole": gettext_lazy("le nom de l'école"),
    },
    sample=link_sample,
)
