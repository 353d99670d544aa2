"""Conventions' own notification rules (issue 15): a step validated or
refused (STEP-3), a step handed in to its validators, a convention to
sign (DOC-4), a company change to review (DOC-12). Each reads what it
needs in one or two queries, for its own verb only."""

from django.urls import reverse
from django.utils.translation import gettext as _

from contratpro.roles import Actor
from conventions.documents.models import Document, DocumentKind, Signature
from conventions.dossier.models import StepState
from conventions.dossier.steps import BY_CODE

from . import people as who
from . import registry
from .registry import Notice

STEP_VALIDATED, STEP_REFUSED, STEP_SUBMITTED = "step_validated", "step_refused", "step_submitted"
CONVENTION_TO_SIGN, CONVENTION_SCHOOL = "convention_to_sign", "convention_school"
COMPANY_PROPOSAL = "company_proposal"


def step_url(dossier_id, code):
    return reverse("conventions:dossier-detail", args=[dossier_id]) + f"#etape-{code}"


def _step(event):
    definition = BY_CODE.get(event.step)
    if definition is None or event.dossier_id is None:
        return None
    return definition


def step_decided(event):
    """STEP-3: the student hears that a step they handed in is validated, or
    refused with the office's (or the head's, the tutor's) comment, which
    says why. The office's own steps (6, 6', 7: validated directly, with
    nothing handed in by the student) are no news to ask for: not told."""
    definition = _step(event)
    if definition is None or event.to_state not in (StepState.VALIDATED, StepState.REFUSED):
        return []
    if definition.direct or Actor.STUDENT not in definition.submitters:
        return []
    people = who.dossier_people(event.dossier_id)
    if people is None or people.student_user is None:
        return []
    values = {"code": definition.display_code, "label": definition.label}
    if event.to_state == StepState.REFUSED:
        return [Notice(
            kind=STEP_REFUSED, users=(people.student_user,), url=step_url(event.dossier_id, event.step),
            title=_("Étape %(code)s refusée : %(label)s") % values,
            body=_("Motif : %(comment)s") % {"comment": event.comment.strip()} if event.comment.strip()
            else _("Le motif est indiqué sur l'étape, dans votre dossier."),
        )]
    return [Notice(
        kind=STEP_VALIDATED, users=(people.student_user,), url=step_url(event.dossier_id, event.step),
        title=_("Étape %(code)s validée : %(label)s") % values,
        body=event.comment.strip(),
    )]


def step_submitted(event):
    """STEP-1, STEP-3: a step handed in goes to those who validate it — the
    office, the department head, the tuteur école — unless another room
    tells them in its own words (grading: the S9 report to grade)."""
    definition = _step(event)
    if definition is None or event.to_state != StepState.SUBMITTED or registry.is_submission_told_elsewhere(event.step):
        return []
    people = who.dossier_people(event.dossier_id)
    if people is None:
        return []
    users = who.people_of_actors(definition.validators, people)
    if not users:
        return []
    values = {"code": definition.display_code, "label": definition.label, "student": people.student_name}
    return [Notice(
        kind=STEP_SUBMITTED, users=users, url=step_url(event.dossier_id, event.step),
        title=_("Étape %(code)s à valider : %(student)s") % values,
        body=_("%(student)s a remis l'étape %(code)s (« %(label)s ») : elle attend votre validation.") % values,
    )]


def convention_produced(event):
    """DOC-4: a new version of the convention is ready: the student signs it
    in the portal, the company's signatory through a personal link (ROLE-5);
    the school signs last (``convention_signed``)."""
    if event.dossier_id is None:
        return []
    latest = Document.objects.filter(dossier_id=event.dossier_id).order_by("-pk").values_list("kind", "version").first()
    if latest is None or latest[0] != DocumentKind.CONVENTION:
        return []
    people = who.dossier_people(event.dossier_id)
    if people is None:
        return []
    values = {"version": latest[1], "student": people.student_name}
    notices = []
    if people.student_user:
        notices.append(Notice(
            kind=CONVENTION_TO_SIGN, users=(people.student_user,), url=step_url(event.dossier_id, "5"),
            title=_("Convention de formation à signer (version %(version)s)") % values,
            body=_("La convention de formation (version %(version)s) est prête : relisez-la et signez-la dans "
                   "votre dossier.") % values,
        ))
    if people.signatory:
        notices.append(Notice(
            kind=CONVENTION_TO_SIGN, contacts=(people.signatory,),
            title=_("Convention de formation de %(student)s à signer (version %(version)s)") % values,
            body=_("La convention de formation de %(student)s (version %(version)s) est prête : relisez-la et "
                   "signez-la au nom de l'entreprise.") % values,
        ))
    return notices


def convention_signed(event):
    """DOC-4, ROLE-7: once the student and the company have signed the
    version in force, the direction signs it for the school."""
    if event.dossier_id is None or event.step != "5":
        return []
    latest = Document.objects.filter(dossier_id=event.dossier_id, kind=DocumentKind.CONVENTION).order_by("-version").first()
    if latest is None:
        return []
    signed = set(latest.signatures.values_list("party", flat=True))
    if Signature.Party.SCHOOL in signed or not {Signature.Party.STUDENT, Signature.Party.COMPANY} <= signed:
        return []
    people = who.dossier_people(event.dossier_id)
    users = who.people_of_actors({Actor.DIRECTION}, people) if people else ()
    if not users:
        return []
    values = {"version": latest.version, "student": people.student_name}
    return [Notice(
        kind=CONVENTION_SCHOOL, users=users, url=step_url(event.dossier_id, "6"),
        title=_("Convention de %(student)s à signer pour l'école") % values,
        body=_("L'élève et l'entreprise ont signé la convention de formation de %(student)s (version %(version)s) : "
               "elle attend la signature de l'école.") % values,
    )]


def company_proposal(event):
    """DOC-12: a change to a company or a contact that other dossiers share
    waits for the office's review."""
    users = who.office_members()
    if not users:
        return []
    people = who.dossier_people(event.dossier_id) if event.dossier_id else None
    return [Notice(
        kind=COMPANY_PROPOSAL, users=users, url=reverse("conventions:company-review"),
        title=_("Modification d'entreprise à vérifier : %(student)s") % {"student": people.student_name}
        if people else _("Modification d'entreprise à vérifier"),
        body=event.summary,
    )]


def register_all():
    registry.register("conventions.step.validate", step_decided)
    registry.register("conventions.step.refuse", step_decided)
    registry.register("conventions.step.submit", step_submitted)
    registry.register("conventions.pdf.ready", convention_produced)
    registry.register("conventions.convention.sign", convention_signed)
    registry.register("conventions.company.propose", company_proposal)
