"""The PFE's part of ``manage.py demo`` (order 860, after the scores): the
eleve login's fiche PFE typed by the student and validated by the tuteur
école (DOC-2), its defence scheduled by the head of 2IA with its jury, and
the report deadline set by the tuteur école (PFE-1…3), all through the
services. A second run writes nothing."""

import datetime

from django.utils.translation import gettext as _

from contratpro.frenchdates import long_date

from conventions.demo.story import story_dossiers
from conventions.fiche.services import fiche_save_pfe

from . import services
from .models import Defence, FichePfeReview

USERNAME = "eleve"
FICHE_PFE = {
    "pfe_title": "Jumeau numérique temps-réel d'une ligne d'assemblage",
    "pfe_context": "L'atelier d'assemblage de Cevlog suit sa production sur des tableaux remplis à la main.",
    "pfe_purpose": "Donner aux chefs d'équipe une vue à jour de la ligne et de ses arrêts.",
    "pfe_objectives": "Collecter les données des automates ; modéliser la ligne ; afficher les écarts au planning.",
    "pfe_schedule": "Janvier–mars : collecte et modèle. Avril–juin : tableau de bord. Juillet–août : mise en service.",
}
JURY = ("resp2ia", "tuteur", "enseignant")


def build_pfe(context):
    """DOC-2, PFE-1…3: one validated fiche PFE, one defence with its jury."""
    dossier = next((d for d in story_dossiers(context.year) if d.student.user.username == USERNAME), None)
    if dossier is None or dossier.tuteur_ecole is None or dossier.end_date is None:
        return
    tutor, head = dossier.tuteur_ecole, context.users["resp2ia"]
    sheet = getattr(dossier, "fiche_contact", None)
    if sheet is None or sheet.pfe_completed_at is None:
        fiche_save_pfe(dossier=dossier, data=FICHE_PFE, by=dossier.student.user)
        context.tally["updated"] += 1
        dossier.refresh_from_db()
    state, _review = services.fiche_pfe_state(dossier.fiche_contact, services.latest_review(dossier))
    if state != FichePfeReview.Verdict.VALIDATED:
        services.fiche_pfe_review(dossier=dossier, verdict=FichePfeReview.Verdict.VALIDATED, by=tutor)
        context.tally["created"] += 1
    defence = Defence.objects.filter(dossier=dossier).first()
    if defence is None:
        day = services.defence_latest_day(dossier)
        defence = services.defence_schedule(
            dossier=dossier, day=day, start=datetime.time(10), end=datetime.time(11, 30), room="A 105",
            jury=[context.users[name] for name in JURY if name in context.users], president=head, by=head,
        )
        context.tally["created"] += 1
    if defence.report_due is None:
        services.defence_report_deadline_set(
            defence=defence, due=services.report_latest_day(services.defence_day(defence)), by=tutor,
        )
        context.tally["updated"] += 1
    context.summary["demarche"].append(
        _("PFE : fiche validée et soutenance programmée le %(date)s") % {"date": long_date(services.defence_day(defence))}
    )
