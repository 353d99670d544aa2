"""The digests' mail texts (issue 15): registered ``MailText``s, their
variables listed to the office beside the text, and a ``sample(dossier)``
for the preview on a real dossier."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.mailtexts.registry import MailText
from conventions.notifications.models import Notification
from conventions.reminders.services import open_dossiers

from . import services

WEEKLY = "digest.weekly"
DAILY = "digest.daily"

WEEKLY_VARIABLES = {
    "nom": _("le destinataire (« Service Contrats pro » pour le service)"),
    "pour_le_service": _("vrai pour le récapitulatif du service (tous les départements)"),
    "semaine_du": _("le lundi de la semaine, « 30 novembre »"),
    "jour": _("le jour du récapitulatif"),
    "jusqu_au": _("le dernier jour de la semaine couverte"),
    "resume": _("« 12 en retard, 30 à venir cette semaine »"),
    "en_retard": _("le nombre d'échéances en retard"),
    "a_venir": _("le nombre d'échéances à venir cette semaine"),
    "departements": _(
        "les départements : nom, resume, groupes (intitule, en_retard, nombre, autres, "
        "lignes : eleve, obligation, qui, echeance, quand, url)"
    ),
    "url_liste": _("la page « À faire » du portail (la liste complète)"),
    "url": _("la page du récapitulatif dans le portail"),
}
DAILY_VARIABLES = {
    "nom": _("le destinataire"),
    "jour": _("le jour, « 2 décembre »"),
    "nombre": _("le nombre de notifications"),
    "notifications": _("les notifications : titre, texte, url, le"),
    "url": _("le portail"),
}


def weekly_sample(dossier):
    """The digest of the dossier's department, as its head would read it today."""
    today = timezone.localdate()
    dossiers = open_dossiers(today).filter(student__department_id=dossier.student.department_id)
    lines = services.week_lines(today, dossiers)
    context = services.digest_of(lines, today)
    return {**context, "nom": dossier.student.department.head.get_full_name() if dossier.student.department.head_id
            else str(_("Service Contrats pro")), "pour_le_service": False}


def daily_sample(dossier):
    """The dossier's last notifications (whoever received them), else one example."""
    found = list(Notification.objects.filter(dossier=dossier).order_by("-created_at", "-pk")[:5])
    today = timezone.localdate()
    context = services.daily_context(dossier.student.full_name, found, today)
    if not found:
        context["nombre"] = 1
        context["notifications"] = [{
            "titre": str(_("Étape validée : %(student)s") % {"student": dossier.student.full_name}),
            "texte": str(_("Le service Contrats pro a validé une étape du dossier.")),
            "url": services.absolute(reverse("conventions:dossier-detail", args=[dossier.pk])),
            "le": context["jour"],
        }]
    return context


TEXTS = (
    MailText(key=WEEKLY, label=_("Récapitulatif de la semaine (service, responsables de département)"),
             variables=WEEKLY_VARIABLES, sample=weekly_sample,
             audience=_("le service Contrats pro et les responsables de département, le lundi")),
    MailText(key=DAILY, label=_("Récapitulatif du jour des notifications"),
             variables=DAILY_VARIABLES, sample=daily_sample,
             audience=_("les personnes qui ont choisi un récapitulatif par jour")),
)
