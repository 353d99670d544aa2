"""The mail « tuteur école nommé » (ROLE-3, ROLE-4) as the teacher reads
it: the registered text « s9.tutor_named » (``conventions.mailtexts``),
shipped in ``templates/emails/texts/s9.tutor_named.*.txt``, editable by
the office."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.school.services import office_contact
from conventions.mailtexts.registry import MailText

KEY = "s9.tutor_named"


def tutor_context(dossier, tutor, office):
    """The text's variables (plain values) and the layout's."""
    student = dossier.student
    return {
        "nom": tutor.get_full_name() or tutor.username,
        "eleve": student.full_name,
        "departement": student.department.code,
        "annee": dossier.year.label,
        "entreprise": dossier.company.name if dossier.company_id else "",
        "url": settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + reverse("grading:s9-tutees"),
        "action": str(_("Ouvrir « Évaluations du S9 »")),
        "email_service": office["email"],
        "ecole": office["school_name"],
    }


def tutor_sample(dossier):
    """The preview on a real dossier: its tuteur école, else the head of its department."""
    tutor = dossier.tuteur_ecole or dossier.student.department.head
    if tutor is None:
        return None
    return tutor_context(dossier, tutor, office_contact(dossier.year.start_year))


TEXT = MailText(
    key=KEY,
    label=gettext_lazy("Tuteur école nommé"),
    audience=gettext_lazy("L'enseignant nommé tuteur école"),
    variables={
        "nom": gettext_lazy("le nom du tuteur école"),
        "eleve": gettext_lazy("le nom de l'élève"),
        "departement": gettext_lazy("le code du département, par exemple « 2IA »"),
        "annee": gettext_lazy("l'année universitaire, par exemple « 2026/2027 »"),
        "entreprise": gettext_lazy("le nom de l'entreprise (vide s'il n'y en a pas encore)"),
        "url": gettext_lazy("l'adresse de la page « Évaluations du S9 »"),
        "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
        "ecole": gettext_lazy("le nom de l'école"),
    },
    sample=tutor_sample,
)
