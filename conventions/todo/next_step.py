"""The student's « prochaine étape » (ROLE-1, STEP-1…3, STEP-6): what to do
now on their dossier, why, by when, where and with which button.

``next_step_for`` reads what the dossier page already holds: its prefetched
steps, the fiche and the CERFA joined to it, its documents read once per
request; it adds no query of its own there.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.roles import Actor
from conventions.documents.models import DocumentKind, Signature
from conventions.documents.views import documents_of_kind
from conventions.dossier import steps
from conventions.dossier.models import StepState
from conventions.dossier.shortcuts import detail_url

Kind = DocumentKind
Party = Signature.Party


@dataclass(frozen=True)
class NextStep:
    """What the card says. ``waiting_for`` is set when nothing is the
    student's to do: who acts now; ``done`` once every step is validated."""

    title: str
    why: str
    url: str
    button: str
    code: str = ""
    due: object = None
    late: bool = False
    waiting_for: str = ""
    done: bool = False


# Why each step matters, in the student's words.
WHY = {
    "1": gettext_lazy("Le service Contrats pro et votre responsable de département doivent connaître votre projet."),
    "2": gettext_lazy("La fiche contact décrit votre entreprise et vos missions : le contrat et la convention en partent."),
    "3": gettext_lazy("Votre responsable de département vise la fiche contact : il valide les activités prévues."),
    "3p": gettext_lazy("En double diplôme, votre établissement d'origine doit approuver le contrat."),
    "4": gettext_lazy("Le service prépare le CERFA 12434, votre contrat de travail, à partir de ces données."),
    "4p": gettext_lazy("Le service garde une copie du contrat signé par vous et l'entreprise."),
    "5": gettext_lazy("La convention de formation est signée par vous et l'entreprise, puis par l'école."),
    "5p": gettext_lazy("Le service doit recevoir la convention signée au plus tard deux semaines avant la rentrée."),
    "A": gettext_lazy("Votre tuteur école lit le rapport de Projet Entreprise avant les congés de Noël."),
    "B": gettext_lazy("La note de votre tuteur entreprise parvient à votre tuteur école avant les congés de Noël."),
    "C": gettext_lazy("Le carnet de présence, signé à chaque cours, atteste vos heures de formation."),
    "D": gettext_lazy("À la fin du S9, la fiche PFE fixe le sujet précis de votre projet de fin d'études."),
    "E": gettext_lazy("Le service doit connaître tout arrêt de travail, accident ou rupture du contrat."),
    "F": gettext_lazy("Le carnet complet est remis au service avant votre départ en PFE."),
}

# The document a step is handed in with, and the button that deposits it.
DEPOSITS = {
    "3p": (Kind.ACCORD_ORIGINE, gettext_lazy("Déposer l'accord")),
    "4p": (Kind.CERFA_SIGNE, gettext_lazy("Déposer le CERFA signé")),
    "5p": (Kind.CONVENTION_SIGNEE, gettext_lazy("Déposer la convention signée")),
    "A": (Kind.RAPPORT_PE, gettext_lazy("Déposer le rapport")),
    "B": (Kind.EVALUATION_TUTEUR, gettext_lazy("Déposer la fiche d'évaluation")),
    "C": (Kind.CARNET, gettext_lazy("Déposer le carnet")),
    "F": (Kind.CARNET, gettext_lazy("Déposer le carnet complet")),
}

# Steps done all year long: proposed only when nothing else is open.
CONTINUOUS = ("C",)


def _upload_url(dossier, kind, code):
    query = urlencode({"kind": kind, "step": code})
    return reverse("conventions:dossier-detail", args=[dossier.pk]) + f"?{query}#documents"


def _hand_in(dossier, code):
    """The step's row on the dossier page, where « Marquer comme soumis » is."""
    return detail_url(dossier, f"etape-{code}"), str(steps.ACTION_LABELS[steps.SUBMIT])


def _who(codes_validators):
    return ", ".join(sorted({str(Actor(a).label) for a in codes_validators}))


def _action(dossier, row):
    """``(title, url, button, waiting_for)`` of the student's move on ``row``."""
    code = row.code
    definition = steps.BY_CODE[code]
    title = _("Étape %(code)s : %(label)s") % {"code": definition.display_code, "label": definition.label}
    if code == "2":
        sheet = getattr(dossier, "fiche_contact", None)
        if sheet is None or sheet.student_completed_at is None or sheet.company_completed_at is None:
            return title, reverse("conventions:fiche-edit", args=[dossier.pk]), _("Remplir la fiche contact"), ""
    if code == "4" and getattr(dossier, "cerfa", None) is None:
        return title, reverse("conventions:cerfa-edit", args=[dossier.pk]), _("Saisir les données du contrat"), ""
    if code == "D":
        sheet = getattr(dossier, "fiche_contact", None)
        if sheet is None or sheet.pfe_completed_at is None:
            return title, reverse("conventions:fiche-pfe", args=[dossier.pk]), _("Remplir la fiche PFE"), ""
    if code == "5":
        versions = documents_of_kind(dossier, Kind.CONVENTION)
        if not versions:
            return title, detail_url(dossier, "convention"), _("Voir la convention"), str(Actor.OFFICE.label)
        signed = {s.party for s in versions[0].signatures.all()}
        if Party.STUDENT not in signed:
            return title, detail_url(dossier, "convention"), _("Signer la convention"), ""
        if Party.COMPANY not in signed:
            return title, detail_url(dossier, "convention"), _("Voir la convention"), str(Actor.COMPANY.label)
    if code in DEPOSITS:
        kind, button = DEPOSITS[code]
        if not documents_of_kind(dossier, kind):
            return title, _upload_url(dossier, kind, code), str(button), ""
    url, button = _hand_in(dossier, code)
    return title, url, button, ""


def next_step_for(dossier, user):
    """The student's next step on ``dossier`` (ROLE-1), or None for anyone
    else: a step refused first (with the office's comment), then the most
    overdue open step, then the first open one in the démarche's order;
    when nothing is theirs to do, who acts now; once all is validated, done."""
    if Actor.STUDENT not in roles.actors_of(user, dossier):
        return None
    today = timezone.localdate()
    rows = sorted(dossier.steps.all(), key=lambda r: r.order)
    theirs = [r for r in rows if Actor.STUDENT in steps.BY_CODE[r.code].submitters and not steps.BY_CODE[r.code].direct]
    refused = [r for r in theirs if r.state == StepState.REFUSED]
    open_rows = [r for r in theirs if r.state == StepState.TODO]
    late = sorted((r for r in open_rows if r.deadline and r.deadline < today), key=lambda r: r.deadline)
    ongoing = [r for r in open_rows if r.code not in CONTINUOUS]
    for row, why in (
        *((r, _("Refusée : %(comment)s") % {"comment": r.comment} if r.comment else _("Refusée : reprenez-la.")) for r in refused[:1]),
        *((r, WHY[r.code]) for r in late[:1]),
        *((r, WHY[r.code]) for r in (ongoing or open_rows)[:1]),
    ):
        title, url, button, waiting_for = _action(dossier, row)
        return NextStep(
            title=title, why=str(why), url=url, button=button, code=row.code, due=row.deadline,
            late=bool(row.deadline and row.deadline < today), waiting_for=waiting_for,
        )
    pending = [r for r in rows if r.state != StepState.VALIDATED]
    if not pending:
        return NextStep(
            title=_("Démarche terminée"), why=_("Toutes les étapes de votre dossier sont validées."),
            url=detail_url(dossier, "h-demarche"), button=_("Voir la démarche"), done=True,
        )
    row = pending[0]
    definition = steps.BY_CODE[row.code]
    who = _who(definition.validators)
    return NextStep(
        title=_("Rien à faire pour l'instant"),
        why=_("L'étape %(code)s (%(label)s) attend : %(who)s.") % {
            "code": definition.display_code, "label": definition.label, "who": who},
        url=detail_url(dossier, f"etape-{row.code}"), button=_("Voir l'étape"), code=row.code,
        due=row.deadline, late=bool(row.deadline and row.deadline < today), waiting_for=who,
    )
