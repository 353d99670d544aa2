"""The mail « dossier opened » (STEP-1, NOTIF-2) as the office and the
heads read it: the registered text « dossier.opened »
(``conventions.mailtexts``), shipped in
``templates/emails/texts/dossier.opened.*.txt``, editable by the office."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.school.services import office_contact
from conventions.mailtexts.registry import MailText

KEY = "dossier.opened"


def opened_context(dossier, office):
    """The text's variables (plain values) and the layout's."""
    student = dossier.student
    path = reverse("conventions:dossier-detail", args=[dossier.pk])
    return {
        "eleve": student.full_name,
        "departement": student.department.code,
        "annee": dossier.year.label,
        "url": settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + path,
        "action": str(_("Ouvrir le dossier")),
        "email_service": office["email"],
        "ecole": office["school_name"],
    }


def opened_sample(dossier):
    return opened_context(dossier, office_contact(dossier.year.start_year))


TEXT = MailText(
    key=KEY,
    label=gettext_lazy("Démarche engagée (étape 1)"),
    audience=gettext_lazy("Service Contrats pro et responsables du département et de l'option"),
    variables={
        "eleve": gettext_lazy("le nom de l'élève"),
        "departement": gettext_lazy("le code du département, par exemple « 2IA »"),
        "annee": gettext_lazy("l'année universitaire, par exemple « 2026/2027 »"),
        "url": gettext_lazy("l'adresse du dossier dans le portail"),
        "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
        "ecole": gettext_lazy("le nom de l'école"),
    },
    sample=opened_sample,
)
