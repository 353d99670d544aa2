"""What the dossier's files attest to its steps (STEP-4, STEP-6): a step
that takes a document is handed in and validated only once that document
is deposited, and its row links to the file.

``FACTS``, ``CHECKS`` and ``LINKS`` are registered by
``ConventionsConfig.ready`` (``steps.register_evidence``).
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conventions.dossier.steps import HAND_IN, VALIDATE

from .models import DocumentKind
from .views import dossier_documents

Kind = DocumentKind

# The document each step attests, and what to say while it is missing.
STEP_DOCUMENTS = {
    "3p": (Kind.ACCORD_ORIGINE, gettext_lazy(
        "L'accord de l'établissement d'origine n'est pas encore déposé : déposez-le dans les documents du "
        "dossier (nature « Accord de l'établissement d'origine »)."
    )),
    "4p": (Kind.CERFA_SIGNE, gettext_lazy(
        "Le CERFA signé n'est pas encore déposé : déposez sa copie dans les documents du dossier "
        "(nature « CERFA 12434 signé »)."
    )),
    "A": (Kind.RAPPORT_PE, gettext_lazy(
        "Le rapport de Projet Entreprise n'est pas encore déposé : déposez-le dans les documents du dossier "
        "(nature « Rapport de Projet Entreprise »)."
    )),
    "B": (Kind.EVALUATION_TUTEUR, gettext_lazy(
        "La fiche d'évaluation du tuteur entreprise n'est pas encore déposée : déposez-la dans les documents "
        "du dossier (nature « Fiche d'évaluation tuteur »)."
    )),
    "C": (Kind.CARNET, gettext_lazy(
        "Le carnet de présence n'est pas encore au dossier : produisez-le depuis le carnet (« Produire le carnet ») "
        "ou déposez-le dans les documents du dossier (nature « Carnet de présence »)."
    )),
    "F": (Kind.CARNET, gettext_lazy(
        "Le carnet de présence complet n'est pas encore au dossier : produisez-le depuis le carnet (« Produire le carnet ») "
        "ou déposez-le dans les documents du dossier (nature « Carnet de présence »)."
    )),
}


def latest_documents(dossier):
    """``{kind: latest version}`` of the dossier's files, from the rows the
    page's panels read (one query per request)."""
    return {group["kind"]: group["versions"][0] for group in dossier_documents(dossier)}


def _deposited(code):
    kind, message = STEP_DOCUMENTS[code]

    def check(evidence):
        return None if kind in evidence.documents else str(message)

    check.__name__ = f"document_of_step_{code}"
    check.__doc__ = f"STEP-6: step {code} needs its document ({kind.label}) deposited."
    return check


def signed_cerfa_for_social(evidence):
    """STEP-6, step 7: the service social receives the signed CERFA."""
    if Kind.CERFA_SIGNE not in evidence.documents:
        return _(
            "Le CERFA signé n'est pas encore déposé (étape 4') : déposez-le avant de transmettre les copies "
            "au service social."
        )
    return None


def document_link(document, label=None):
    """``(label, url)`` of one file, downloaded through the permission-checked view."""
    if document is None:
        return None
    label = label or _("%(kind)s, version %(version)s") % {"kind": document.get_kind_display(), "version": document.version}
    return (label, reverse("conventions:document-download", args=[document.pk]))


def _link(code):
    kind = STEP_DOCUMENTS[code][0]
    return lambda evidence, user: [document_link(evidence.documents.get(kind))]


FACTS = {"documents": latest_documents}
CHECKS = (
    *((code, HAND_IN, _deposited(code)) for code in STEP_DOCUMENTS),
    ("7", (VALIDATE,), signed_cerfa_for_social),
)
LINKS = {code: _link(code) for code in STEP_DOCUMENTS}
