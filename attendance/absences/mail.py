"""The mails of absences and incidents (ABS-2, ABS-3) as their recipients
read them: the registered texts « absences.incident » and
« absences.request » (``conventions.mailtexts``), shipped in
``templates/emails/texts/absences.*.txt``, editable by the office."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.frenchdates import long_date
from contratpro.school.services import office_contact
from conventions.dossier.models import Incident
from conventions.mailtexts.registry import MailText

from .models import ExceptionalAbsence

INCIDENT = "absences.incident"
REQUEST = "absences.request"


def _absolute(path):
    return settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + path


def incident_context(incident, office):
    """The incident mail's variables (plain values) and the layout's."""
    dossier = incident.dossier
    student = dossier.student
    by = incident.reported_by
    return {
        "eleve": student.full_name,
        "departement": student.department.code,
        "nature": str(incident.get_kind_display()),
        "date": long_date(incident.start),
        "signale_par": (by.get_full_name() or by.username) if by else "",
        "description": incident.description,
        "entreprise": dossier.company.name if dossier.company_id else "",
        "rupture": incident.kind == Incident.Kind.RUPTURE,
        "url": _absolute(reverse("conventions:dossier-detail", args=[dossier.pk])),
        "action": str(_("Ouvrir le dossier")),
        "email_service": office["email"],
        "ecole": office["school_name"],
    }


def request_context(absence, office):
    """The absence request mail's variables (plain values) and the layout's."""
    student = absence.dossier.student
    return {
        "eleve": student.full_name,
        "departement": student.department.code,
        "date": long_date(absence.day),
        "motif": absence.reason,
        "url": _absolute(reverse("attendance:absence-detail", args=[absence.pk])),
        "action": str(_("Décider de la demande")),
        "email_service": office["email"],
        "ecole": office["school_name"],
    }


def incident_sample(dossier):
    incident = (
        Incident.objects.filter(dossier=dossier)
        .select_related("dossier__student__user", "dossier__student__department", "dossier__company", "reported_by")
        .order_by("-reported_at", "-pk").first()
    )
    return incident_context(incident, office_contact(dossier.year.start_year)) if incident else None


def request_sample(dossier):
    absence = (
        ExceptionalAbsence.objects.filter(dossier=dossier)
        .select_related("dossier__student__user", "dossier__student__department").order_by("-requested_at", "-pk").first()
    )
    return request_context(absence, office_contact(dossier.year.start_year)) if absence else None


_COMMON = {
    "eleve": gettext_lazy("le nom de l'élève"),
    "departement": gettext_lazy("le code du département, par exemple « 2IA »"),
    "url": gettext_lazy("l'adresse où agir dans le portail"),
    "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
    "ecole": gettext_lazy("le nom de l'école"),
}

INCIDENT_TEXT = MailText(
    key=INCIDENT,
    label=gettext_lazy("Incident signalé (arrêt, accident, rupture…)"),
    audience=gettext_lazy("Service Contrats pro"),
    variables={
        **_COMMON,
        "nature": gettext_lazy("la nature de l'incident, par exemple « Rupture du contrat »"),
        "date": gettext_lazy("la date de l'incident, par exemple « 18 novembre 2026 »"),
        "signale_par": gettext_lazy("qui l'a signalé"),
        "description": gettext_lazy("ce qu'en dit la personne qui l'a signalé (peut être vide)"),
        "entreprise": gettext_lazy("le nom de l'employeur (vide s'il n'y en a pas)"),
        "rupture": gettext_lazy("vrai pour une rupture du contrat"),
    },
    sample=incident_sample,
)

REQUEST_TEXT = MailText(
    key=REQUEST,
    label=gettext_lazy("Demande d'absence exceptionnelle"),
    audience=gettext_lazy("Responsables du département et de l'option"),
    variables={
        **_COMMON,
        "date": gettext_lazy("le jour d'absence demandé, par exemple « 3 novembre 2026 »"),
        "motif": gettext_lazy("le motif donné par l'entreprise"),
    },
    sample=request_sample,
)
