"""The appraisal's part of ``manage.py demo`` (EVAL-1, step B, ROLE-5),
after s9's grades (order 870, after grading.s9 at 850).

Of ``tuteur``'s tutees, by login, s9's builder types the first one's
appraisal from paper; here the second one's company tutor fills the fiche
through a personal link the office created (``links.link_create``), so its
S9 grade gets its third part with source LINK. Everything goes through the
services; a second run writes nothing.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from conventions.demo.story import story_dossiers
from conventions.links.models import ExternalLink
from conventions.links.services import link_create

from . import services
from .models import Appraisal

GRADE = Decimal("16.50")
ANSWERS = {
    "integration": {"level": "tres_satisfaisant", "comment": "Très bien intégrée à l'équipe, ponctuelle et attentive aux règles du site."},
    "autonomie": {"level": "satisfaisant", "comment": "Prend des initiatives ; gagnera à solliciter plus tôt les experts."},
    "qualite": {"level": "tres_satisfaisant", "comment": ""},
    "technique": {"level": "satisfaisant", "comment": "Bonne maîtrise des outils d'analyse de données utilisés par le service."},
    "communication": {"level": "a_ameliorer", "comment": "Comptes rendus à rendre plus synthétiques."},
    "avancement": {"level": "satisfaisant", "comment": "Premiers résultats exploitables ; sujet de PFE bien cerné."},
}
OVERALL = "Première période très positive. Le sujet du PFE est pertinent pour l'entreprise."


def build_appraisal(context):
    office, tutor = context.users.get("bureau"), context.users.get("tuteur")
    if office is None or tutor is None:
        return
    tutees = sorted((d for d in story_dossiers(context.year) if d.tuteur_ecole_id == tutor.pk),
                    key=lambda d: d.student.user.username)
    candidates = [d for d in tutees[1:] if d.company_id and d.tuteur_entreprise_id]
    if not candidates:
        return
    dossier = candidates[0]
    summary = _("fiche d'évaluation tuteur remplie par lien : %(name)s") % {"name": dossier.student.full_name}
    if Appraisal.objects.filter(dossier=dossier).exists():
        context.summary["demarche"].append(summary)
        return
    link = ExternalLink.objects.filter(dossier=dossier, purpose=ExternalLink.Purpose.APPRAISAL,
                                       revoked_at__isnull=True).first()
    if link is None:
        link = link_create(dossier=dossier, contact=dossier.tuteur_entreprise,
                           purpose=ExternalLink.Purpose.APPRAISAL, by=office)
        context.tally["created"] += 1
    services.appraisal_fill(link=link, answers=ANSWERS, grade=GRADE, overall_comment=OVERALL)
    context.tally["created"] += 1
    context.summary["demarche"].append(summary)
