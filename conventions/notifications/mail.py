"""A notification as its recipient reads it by mail (issue 15): French, an
HTML and a plain-text part (``conventions.mailtexts``), an absolute link to
the place to act — a personal link for a company contact (ROLE-5).

Each kind of notification is one registered mail text,
« notifications.<kind> », shipped in
``templates/emails/texts/notifications.<kind>.subject.txt`` and
``.body.txt`` and editable by the office. Every kind reads the same
variables (``VARIABLES``); a kind with no text of its own is mailed with
« notifications.generic »."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.school.services import office_contact
from conventions.links.models import ExternalLink
from conventions.mailtexts.registry import MailText, is_registered, mail_message, register

from . import rules

GENERIC = "generic"

# The personal link a contact's mail carries, by kind (ROLE-5).
LINK_PURPOSES = {rules.CONVENTION_TO_SIGN: ExternalLink.Purpose.SIGN_CONVENTION}

VARIABLES = {
    "nom": gettext_lazy("le nom du destinataire"),
    "titre": gettext_lazy("le titre de la notification, par exemple « Étape 3 refusée : … »"),
    "texte": gettext_lazy("son texte : ce qui s'est passé, le motif d'un refus"),
    "eleve": gettext_lazy("le nom de l'élève du dossier"),
    "entreprise": gettext_lazy("le nom de l'entreprise (vide s'il n'y en a pas encore)"),
    "url": gettext_lazy("l'adresse où agir : le portail, ou le lien personnel d'un contact d'entreprise"),
    "lien_personnel": gettext_lazy("vrai quand l'adresse est un lien personnel (contact d'entreprise)"),
    "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
    "ecole": gettext_lazy("le nom de l'école"),
}


class NoAddress(Exception):
    """The person has no e-mail address: nothing can be sent."""


def key_of(kind):
    key = f"notifications.{kind}"
    return key if is_registered(key) else f"notifications.{GENERIC}"


def recipient_name(notification):
    if notification.contact_id:
        return notification.contact.full_name
    person = notification.recipient
    return person.get_full_name() or person.username


def _address(notification):
    person = notification.contact if notification.contact_id else notification.recipient
    if not person.email:
        raise NoAddress(_("%(name)s n'a pas d'adresse e-mail : la notification ne peut pas partir.")
                        % {"name": recipient_name(notification)})
    return person.email


def notification_context(*, name, title, body, student, company, url, personal_link, office):
    """The text's variables, plain values only, and the layout's
    (``url``, ``action``, ``ecole``, ``email_service``)."""
    return {
        "nom": name,
        "titre": title,
        "texte": body,
        "eleve": student,
        "entreprise": company,
        "url": url,
        "lien_personnel": personal_link,
        "email_service": office["email"],
        "ecole": office["school_name"],
        "action": str(_("Ouvrir mon lien personnel") if personal_link else _("Ouvrir dans le portail")),
    }


def notification_message(notification, *, url):
    """The mail of ``notification``; ``url`` is absolute."""
    address = _address(notification)
    dossier = notification.dossier
    office = office_contact(dossier.year.start_year if dossier is not None else None)
    context = notification_context(
        name=recipient_name(notification), title=notification.title, body=notification.body,
        student=dossier.student.full_name if dossier is not None else "",
        company=dossier.company.name if dossier is not None and dossier.company_id else "",
        url=url, personal_link=bool(notification.contact_id), office=office,
    )
    return mail_message(key_of(notification.kind), context, to=[address], reply_to=[office["email"]])


STUDENT, SIGNATORY, TUTOR, STAFF = "student", "signatory", "tutor", "staff"


def _reader_name(dossier, reader):
    """Who the preview greets: the text's reader on the dossier shown."""
    if reader == SIGNATORY and dossier.signataire_id:
        return dossier.signataire.full_name
    if reader == TUTOR and dossier.tuteur_ecole_id:
        return dossier.tuteur_ecole.get_full_name()
    if reader == STUDENT:
        return dossier.student.full_name
    return str(_("Camille Dupont"))


def _sampler(title, body, reader):
    def sample(dossier):
        values = {"student": dossier.student.full_name}
        return notification_context(
            name=_reader_name(dossier, reader), title=str(title) % values, body=str(body) % values,
            student=dossier.student.full_name, company=dossier.company.name if dossier.company_id else "",
            url="https://…", personal_link=reader == SIGNATORY, office=office_contact(dossier.year.start_year),
        )
    return sample


def text(kind, *, label, audience, title, body, reader=STAFF):
    """The mail text of ``kind`` (``title``, ``body``: the preview's, with
    ``%(student)s``; ``reader``: whom the preview greets); rooms that
    register rules register their texts too."""
    return register(MailText(
        key=f"notifications.{kind}", label=label, audience=audience, variables=VARIABLES,
        sample=_sampler(title, body, reader),
    ))


def register_texts():
    text(GENERIC, label=gettext_lazy("Notification (texte commun)"), audience=gettext_lazy("Toute personne notifiée"),
         title=gettext_lazy("Étape 2 validée : Établir la fiche contact"), body="", reader=STUDENT)
    text(rules.STEP_VALIDATED, label=gettext_lazy("Notification : étape validée"), audience=gettext_lazy("L'élève"),
         title=gettext_lazy("Étape 2 validée : Établir la fiche contact (dactylographiée)"), body="", reader=STUDENT)
    text(rules.STEP_REFUSED, label=gettext_lazy("Notification : étape refusée"), audience=gettext_lazy("L'élève"),
         title=gettext_lazy("Étape 2 refusée : Établir la fiche contact (dactylographiée)"),
         body=gettext_lazy("Motif : le SIRET de l'entreprise manque."), reader=STUDENT)
    text(rules.STEP_SUBMITTED, label=gettext_lazy("Notification : étape à valider"),
         audience=gettext_lazy("Qui valide l'étape : service Contrats pro, responsable de département"),
         title=gettext_lazy("Étape 2 à valider : %(student)s"),
         body=gettext_lazy("%(student)s a remis l'étape 2 (« Établir la fiche contact ») : elle attend votre validation."))
    text(rules.CONVENTION_TO_SIGN, label=gettext_lazy("Notification : convention à signer"),
         audience=gettext_lazy("L'élève, le signataire de l'entreprise (lien personnel)"),
         title=gettext_lazy("Convention de formation de %(student)s à signer (version 1)"),
         body=gettext_lazy("La convention de formation de %(student)s (version 1) est prête : relisez-la et "
                           "signez-la au nom de l'entreprise."), reader=SIGNATORY)
    text(rules.CONVENTION_SCHOOL, label=gettext_lazy("Notification : convention à signer pour l'école"),
         audience=gettext_lazy("La direction"),
         title=gettext_lazy("Convention de %(student)s à signer pour l'école"),
         body=gettext_lazy("L'élève et l'entreprise ont signé la convention de formation de %(student)s "
                           "(version 1) : elle attend la signature de l'école."))
    text(rules.COMPANY_PROPOSAL, label=gettext_lazy("Notification : modification d'entreprise à vérifier"),
         audience=gettext_lazy("Le service Contrats pro"),
         title=gettext_lazy("Modification d'entreprise à vérifier : %(student)s"),
         body=gettext_lazy("Modification proposée pour l'entreprise (adresse) : le service Contrats pro la validera, "
                           "car d'autres dossiers utilisent cette fiche."))
