"""The convention's copies as registered mail texts (DOC-8, issue 15):
what the office sees beside each text, and the preview on a real dossier
(its latest convention and its signatures; nothing is sent)."""

from django.utils.translation import gettext_lazy

from contratpro.school.services import office_contact
from conventions.mailtexts.registry import MailText

from . import mail
from .services import convention_latest, convention_reference

_COMMON = {
    "eleve": gettext_lazy("le nom de l'élève"),
    "entreprise": gettext_lazy("le nom de l'entreprise"),
    "reference": gettext_lazy("la référence de la convention, par exemple « CP-2026-0042 »"),
    "pieces": gettext_lazy("les pièces jointes, une liste : {% for piece in pieces %}{{ piece.nom }}{% endfor %} ; pour chacune nom et sha256"),
    "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
    "ecole": gettext_lazy("le nom de l'école"),
}


def copy_sample(dossier):
    convention = convention_latest(dossier)
    if convention is None:
        return None
    return mail.copy_context(
        dossier=dossier, reference=convention_reference(dossier), documents=[convention],
        signatures=list(convention.signatures.all()), office=office_contact(dossier.year.start_year),
    )


COMPANY_TEXT = MailText(
    key=mail.COMPANY,
    label=gettext_lazy("Convention signée, copie à l'entreprise (étape 6')"),
    audience=gettext_lazy("Signataire et contact RH de l'entreprise, le service en copie"),
    variables={
        **_COMMON,
        "signatures": gettext_lazy(
            "les signatures, une liste : {% for signature in signatures %}…{% endfor %} ; pour chacune partie, "
            "signataire, le (date et heure) et moyen"
        ),
    },
    sample=copy_sample,
)

SOCIAL_TEXT = MailText(
    key=mail.SOCIAL,
    label=gettext_lazy("CERFA et convention, copie au service social (étape 7)"),
    audience=gettext_lazy("Service social, le service en copie"),
    variables={
        **_COMMON,
        "departement": gettext_lazy("le code du département, par exemple « 2IA »"),
        "annee": gettext_lazy("l'année universitaire, par exemple « 2026/2027 »"),
        "debut": gettext_lazy("le début du contrat, par exemple « 1er septembre 2026 » (vide s'il manque)"),
        "fin": gettext_lazy("la fin du contrat"),
        "type_contrat": gettext_lazy("le type de contrat"),
    },
    sample=copy_sample,
)

TEXTS = (COMPANY_TEXT, SOCIAL_TEXT)
