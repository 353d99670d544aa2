"""The dossier page by role: which sections a viewer sees, in which order,
and the summary on top (state, current step, who must act, deadline).

Pure functions over what the page already read (the prefetched steps, the
viewer's roles): no query of their own. Who may *do* what stays in
``contratpro.roles``; this module only chooses what is worth showing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from contratpro import roles

from . import steps
from .models import StepState

Actor = roles.Actor
Role = roles.Role


# The page's subjects, as anchors (#s-demarche…), labelled for people.
SECTIONS = {
    "demarche": _("Démarche"),
    "documents": _("Documents"),
    "signatures": _("Signatures"),
    "evaluation": _("Évaluation"),
    "presence": _("Présence"),
    "contrat": _("Contrat et personnes"),
    "historique": _("Historique"),
}

# Which section each registered panel belongs to.
PANEL_SECTIONS = {
    "fiche": "documents",
    "documents": "documents",
    "convention": "signatures",
    "links": "signatures",
    "bareme": "evaluation",
    "attendance": "presence",
    "absences": "presence",
    "evaluation_s9": "evaluation",
    "opco": "contrat",  # the contract's deposit with the OPCO (NOTIF-3)
    "next_step": "top",  # the student's « prochaine étape », above the parts
}

# Each viewpoint's sections, its own opening first; what is absent does not
# concern it (the direction signs and reads the documents, the scolarité
# records grades).
ORDER = {
    "office": ("demarche", "documents", "signatures", "evaluation", "presence", "contrat", "historique"),
    "head": ("demarche", "documents", "signatures", "evaluation", "presence", "contrat", "historique"),
    "tutor": ("evaluation", "demarche", "documents", "presence", "contrat", "historique"),
    "student": ("demarche", "documents", "signatures", "evaluation", "presence", "contrat", "historique"),
    "direction": ("signatures", "documents", "contrat", "historique"),
    "social": ("signatures", "documents", "contrat", "historique"),
    "scolarite": ("evaluation", "signatures", "documents", "contrat", "historique"),
}

# Who reads the student's eligibility risks and personal facts on the page.
SEES_ELIGIBILITY = frozenset({"office", "head", "student"})


# What a person is for the dossier, in the order the page picks its layout:
# the office first (it works on every dossier), then the dossier's people.
VIEWPOINT_OF_ACTOR = (
    (Actor.OFFICE, "office"), (Actor.HEAD, "head"), (Actor.TUTOR, "tutor"),
    (Actor.STUDENT, "student"), (Actor.DIRECTION, "direction"),
)


def viewpoint(user, actors):
    """The one viewpoint the page is laid out for, from what ``user`` is
    for this dossier (``actors``), else from their roles (service social,
    scolarité)."""
    for actor, point in VIEWPOINT_OF_ACTOR:
        if actor in actors:
            return point
    return "scolarite" if Role.SCOLARITE in roles.roles_of(user) else "social"


def sections_for(point, panels):
    """The sections to show to ``point``, in its order, each with its panels
    (``panels`` as ``panels.render_context`` returns them). A section with
    nothing in it is left out, except those the page itself fills."""
    own = {"demarche", "contrat", "historique"}
    by_section = {}
    for panel in panels:
        by_section.setdefault(PANEL_SECTIONS.get(panel["name"], "documents"), []).append(panel)
    shown = []
    if by_section.get("top"):
        shown.append({"key": "top", "label": "", "panels": by_section["top"]})
    for key in ORDER[point]:
        if key in own or by_section.get(key):
            shown.append({"key": key, "label": SECTIONS[key], "panels": by_section.get(key, [])})
    return shown


@dataclass(frozen=True)
class Summary:
    """The dossier in one line: where it stands and who holds the pen."""

    current: object  # the catalogue entry of the current step, or None when all are validated
    row: object  # its DossierStep row
    waiting_for: tuple  # labels of who must act now
    deadline: object
    overdue: bool
    done: int
    total: int


def summary(step_rows, today):
    """From the dossier's step rows (in order): the first step not yet
    validated, who must act on it now (its submitters while it is to do or
    refused, its validators once handed in or when they act alone), its
    deadline, and the progress."""
    rows = sorted(step_rows, key=lambda r: r.order)
    done = sum(1 for r in rows if r.state == StepState.VALIDATED)
    current = next((r for r in rows if r.state != StepState.VALIDATED), None)
    if current is None:
        return Summary(None, None, (), None, False, done, len(rows))
    definition = steps.BY_CODE[current.code]
    if current.state == StepState.SUBMITTED or definition.direct:
        acting = definition.validators
    else:
        acting = definition.submitters
    waiting = tuple(str(actor.label) for actor in Actor if actor in acting)
    overdue = bool(current.deadline and current.deadline < today)
    return Summary(definition, current, waiting, current.deadline, overdue, done, len(rows))
