"""Step A: the S9 report handed in with the four parts EVAL-2 expects
(seed §6.1), ticked by the student on the version they hand in.

One service, ``report_hand_in``: the PDF checked by its content (DOC-6),
stored as the next version of the « Rapport de Projet Entreprise », the
four parts recorded against that version, step A handed in — in one
transaction, whoever the caller. A STEP-6 check (``report_parts_declared``)
holds every other way in: step A is handed in and validated only while the
report's current version carries its four parts; a version deposited later
through the documents panel asks for them again.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.documents.evidence import document_link
from conventions.documents.files import check_upload, document_upload
from conventions.documents.models import Document, DocumentKind
from conventions.dossier import steps
from conventions.dossier.models import DossierStep
from students.history import event_record

from .models import REPORT_PARTS, ReportParts

KIND = DocumentKind.RAPPORT_PE
STEP = "A"


def parts_missing_message():
    return _(
        "Cochez les quatre parties attendues du rapport ; si une partie manque, complétez le rapport avant de le "
        "remettre."
    )


def report_versions(dossier):
    """The report's versions, newest first, each with its declared parts
    (``report_parts`` or absent): one query."""
    return list(Document.objects.filter(dossier=dossier, kind=KIND).select_related("report_parts").order_by("-version"))


def parts_of(document):
    """The ``ReportParts`` of one version of the report, or None (read with it)."""
    if document is None:
        return None
    try:
        return document.report_parts
    except ReportParts.DoesNotExist:
        return None


def report_parts_declared(evidence):
    """STEP-6, EVAL-2: step A is handed in (and validated) only while the
    report's current version carries its four parts, ticked by the student
    when handing it in. Reads the parts itself rather than as a registered
    fact: the dossier page reads every fact up front, and this one matters
    only once a report is there and the step may move (one query then)."""
    current = evidence.documents.get(KIND)
    if current is None:
        return None  # the documents' own check says the report is missing
    if not ReportParts.objects.filter(document_id=current.pk).exists():
        return _(
            "La version %(version)s du rapport n'a pas ses quatre parties cochées : l'élève le remet depuis "
            "« Remettre le rapport », en cochant les quatre parties attendues."
        ) % {"version": current.version}
    return None


def hand_in_link(evidence, user):
    """Step A's row on the dossier page: the report's current version, and
    for the student the page that hands it in with its four parts."""
    current = evidence.documents.get(KIND)
    links = [document_link(current)]
    if roles.can_hand_in_report(user, evidence.dossier):
        links.append((_("Remettre le rapport (avec ses quatre parties)"),
                      reverse("grading:s9-report-hand-in", args=[evidence.dossier.pk])))
    return links


def step_a(dossier):
    return DossierStep.objects.filter(dossier=dossier, code=STEP).first()


def hand_in_open(step_row, user, dossier):
    """Step A is open to the student's hand-in (à faire or refusé)."""
    return step_row is not None and steps.SUBMIT in steps.allowed_actions(step_row, roles.actors_of(user, dossier))


@transaction.atomic
def report_hand_in(*, dossier, uploaded_file, parts, by):
    """EVAL-2, step A: the student hands in the S9 report — a PDF checked
    by its content — with the four expected parts ticked. Refused in French,
    nothing stored, when a part is not ticked, the file is not a readable
    PDF or step A is not open; otherwise the report becomes the next
    version, its parts are recorded against it and step A is handed in
    (``step_transition``, whose STEP-6 checks then hold)."""
    if not roles.can_hand_in_report(by, dossier):
        raise PermissionDenied(_("Seul l'élève remet son rapport de Projet Entreprise."))
    parts = set(parts or ())
    if not set(REPORT_PARTS) <= parts:
        raise ValidationError({"parts": parts_missing_message()})
    row = step_a(dossier)
    if not hand_in_open(row, by, dossier):
        raise ValidationError(_("L'étape A n'attend pas de remise pour l'instant (elle est « %(state)s »).") % {
            "state": row.get_state_display() if row else _("absente")})
    _content, content_type, _name = check_upload(uploaded_file)
    if content_type != "application/pdf":
        raise ValidationError({"file": _("Le rapport se remet en PDF ; ce fichier est une image.")})
    document = document_upload(dossier=dossier, kind=KIND, uploaded_file=uploaded_file, step=STEP, by=by)
    declared = ReportParts(document=document, by=by, **{name: True for name in REPORT_PARTS})
    declared.full_clean()
    declared.save()
    event_record(dossier=dossier, actor=by, verb="grading.s9.report_parts", step=STEP,
                 summary=_("Rapport de Projet Entreprise, version %(version)s : les quatre parties attendues "
                           "cochées par l'élève.") % {"version": document.version},
                 changes={"version": document.version, "parts": sorted(REPORT_PARTS)})
    steps.step_transition(step=row, action=steps.SUBMIT, by=by)
    return document
