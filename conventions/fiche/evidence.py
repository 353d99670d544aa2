"""What the fiche contact attests to the steps (DOC-1, DOC-2, STEP-6):
step 2 is handed in and validated with both parts typed, step 3 on a
complete fiche the department head can read (its page and its PDF), step D
with the fiche PFE filled.

``FACTS``, ``CHECKS`` and ``LINKS`` are registered by
``ConventionsConfig.ready`` (``steps.register_evidence``).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.documents.evidence import document_link
from conventions.documents.models import DocumentKind
from conventions.dossier.steps import HAND_IN


def fiche_read(dossier):
    """The dossier's fiche contact, or None: joined by the dossier page."""
    return getattr(dossier, "fiche_contact", None)


def missing_parts(sheet):
    """The parts of the fiche contact not yet complete, in French."""
    missing = []
    if sheet is None or sheet.student_completed_at is None:
        missing.append(_("la partie élève"))
    if sheet is None or sheet.company_completed_at is None:
        missing.append(_("la partie entreprise (présentation, tuteur, signataire)"))
    return missing


def fiche_complete(evidence):
    """STEP-6, steps 2 and 3: both parts of the fiche contact are typed."""
    missing = missing_parts(evidence.fiche)
    if missing:
        return _(
            "La fiche contact n'est pas complète : il manque %(missing)s. Complétez-la dans la rubrique "
            "« Fiche contact » ; l'entreprise peut remplir sa partie par un lien personnel."
        ) % {"missing": _(" et ").join(missing)}
    return None


def pfe_filled(evidence):
    """STEP-6, step D: the fiche PFE (DOC-2) is filled."""
    sheet = evidence.fiche
    if sheet is None or sheet.pfe_completed_at is None:
        return _(
            "La fiche PFE n'est pas encore remplie : complétez-la (titre, contexte, finalité, objectifs, "
            "déroulement) depuis la rubrique « Fiche contact »."
        )
    return None


def _fiche_links(kind):
    def links(evidence, user):
        dossier = evidence.dossier
        if not roles.can_read_fiche(user, dossier):
            return []
        return [
            (_("Lire la fiche contact"), reverse("conventions:fiche-edit", args=[dossier.pk])),
            document_link(evidence.documents.get(kind), _("PDF de la fiche")),
        ]

    return links


FACTS = {"fiche": fiche_read}
CHECKS = (("2", HAND_IN, fiche_complete), ("3", HAND_IN, fiche_complete), ("D", HAND_IN, pfe_filled))
LINKS = {
    "2": _fiche_links(DocumentKind.FICHE_CONTACT),
    "3": _fiche_links(DocumentKind.FICHE_CONTACT),
    "D": _fiche_links(DocumentKind.FICHE_PFE),
}
