"""What the convention de formation attests to steps 5 to 7 (DOC-3, DOC-4,
DOC-8, STEP-6): 5 is handed in once a convention is produced for the
dossier's company; 5' and 6 with the student's and the company's
signatures on the version in force; 6' with the direction's; 7 with the
fully signed convention (the signed CERFA is the documents' check).

``FACTS``, ``CHECKS`` and ``LINKS`` are registered by
``ConventionsConfig.ready`` (``steps.register_evidence``).
"""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conventions.documents.models import DocumentKind, Signature
from conventions.documents.views import documents_of_kind
from conventions.dossier.steps import HAND_IN, VALIDATE

Party = Signature.Party
FIRST_SIGNERS = (Party.STUDENT, Party.COMPANY)  # DOC-4: either may sign first, the school last
_WHO = {
    Party.STUDENT: gettext_lazy("l'élève salarié"),
    Party.COMPANY: gettext_lazy("l'entreprise"),
    Party.SCHOOL: gettext_lazy("la direction de l'école"),
}


def signatures_prefetch():
    """How the convention's versions read their signatures: the panel and
    the evidence use the same, so the rows are read once per request."""
    return Prefetch("signatures", queryset=Signature.objects.select_related("recorded_by"))


@dataclass(frozen=True)
class InForce:
    """The version of the convention in force (AMEND-1) and who signed it."""

    document: object
    signed: frozenset


def convention_in_force(dossier):
    """The latest convention with its signatures, or None (no version yet)."""
    versions = documents_of_kind(dossier, DocumentKind.CONVENTION)  # newest first, read once per request
    if not versions:
        return None
    prefetch_related_objects(versions, signatures_prefetch())
    return InForce(versions[0], frozenset(s.party for s in versions[0].signatures.all()))


def produced(evidence):
    """STEP-6, step 5: a company and a convention produced for it."""
    if evidence.dossier.company_id is None:
        return _("Aucune entreprise n'est encore indiquée : complétez d'abord la fiche contact.")
    if evidence.convention is None:
        return _(
            "Aucune convention n'a encore été produite : le service Contrats pro la produit dès que "
            "l'entreprise, le signataire et les dates du contrat sont connus."
        )
    return None


def _waiting(evidence, parties):
    """What keeps ``parties`` from having all signed the version in force, in French."""
    if evidence.convention is None:
        return _("Aucune convention n'a encore été produite : elle doit l'être, puis être signée.")
    missing = [party for party in parties if party not in evidence.convention.signed]
    if not missing:
        return None
    return _(
        "La convention (version %(version)s) attend encore la signature de %(who)s : faites-la signer "
        "(dans le portail, par lien personnel, ou sur papier enregistré par le service)."
    ) % {"version": evidence.convention.document.version, "who": _(" et de ").join(str(_WHO[p]) for p in missing)}


def signed_by_student_and_company(evidence):
    """STEP-6, steps 5' and 6: the student's and the company's signatures on the version in force."""
    return _waiting(evidence, FIRST_SIGNERS)


def signed_by_school(evidence):
    """STEP-6, step 6': the direction's signature (the school signs last, DOC-4)."""
    return _waiting(evidence, (*FIRST_SIGNERS, Party.SCHOOL))


def fully_signed(evidence):
    """STEP-6, step 7: the fully signed convention goes to the service social."""
    return _waiting(evidence, (*FIRST_SIGNERS, Party.SCHOOL))


def convention_links(evidence, user):
    dossier = evidence.dossier
    links = [(_("Signatures de la convention"), reverse("conventions:dossier-detail", args=[dossier.pk]) + "#convention")]
    if evidence.convention is not None:
        document = evidence.convention.document
        links.append((
            _("Convention, version %(version)s") % {"version": document.version},
            reverse("conventions:convention-download", args=[dossier.pk, document.version]),
        ))
    return links


FACTS = {"convention": convention_in_force}
CHECKS = (
    ("5", HAND_IN, produced),
    ("5p", HAND_IN, signed_by_student_and_company),
    ("6", (VALIDATE,), signed_by_student_and_company),
    ("6p", (VALIDATE,), signed_by_school),
    ("7", (VALIDATE,), fully_signed),
)
LINKS = dict.fromkeys(("5", "5p", "6", "6p", "7"), convention_links)
