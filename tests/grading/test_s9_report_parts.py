"""Step A: the S9 report handed in with the four parts of EVAL-2 ticked,
bound to the version they go with (STEP-6)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conventions.documents import files
from conventions.documents.models import Document, DocumentKind
from conventions.dossier import steps
from conventions.models import DossierStep, StepState
from grading.s9 import report
from grading.s9.models import REPORT_PARTS, ReportParts
from tests import factories

ALL = set(REPORT_PARTS)
MISSING = "Cochez les quatre parties attendues du rapport ; si une partie manque, complétez le rapport avant de le remettre."


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-a", first_name="Julien", last_name="Bastide", groups=["Enseignants"])


@pytest.fixture
def dossier(db, tutor):
    d = factories.DossierFactory(tuteur_ecole=tutor, student__user__last_name="Fabre")
    steps.steps_sync(d)
    return d


def pdf(name="rapport.pdf"):
    return SimpleUploadedFile(name, factories.tiny_pdf(), content_type="application/pdf")


def step_a(dossier):
    return DossierStep.objects.get(dossier=dossier, code="A")


def form_data(*parts, file=True):
    data = {name: "on" for name in parts}
    if file:
        data["file"] = pdf()
    return data


URL = "grading:s9-report-hand-in"


# --- the service ----------------------------------------------------------------

def test_eval_2_four_parts_needed_nothing_stored_otherwise(dossier):
    """Three parts ticked: refused with the French reason, no report
    version, no parts, step A still « à faire »."""
    with pytest.raises(ValidationError, match="Cochez les quatre parties attendues"):
        report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL - {"outlook"}, by=dossier.student.user)
    assert not Document.objects.filter(dossier=dossier, kind=DocumentKind.RAPPORT_PE).exists()
    assert not ReportParts.objects.exists()
    assert step_a(dossier).state == StepState.TODO


def test_eval_2_handed_in_with_its_four_parts_on_that_version(dossier):
    """The four parts ticked: the report is version 1, its parts recorded
    against it, step A handed in, the event in the timeline."""
    document = report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL, by=dossier.student.user)
    assert document.version == 1 and document.step == "A"
    parts = ReportParts.objects.get(document=document)
    assert [ticked for _label, ticked in parts.ticked()] == [True] * 4
    assert step_a(dossier).state == StepState.SUBMITTED
    assert dossier.events.filter(verb="grading.s9.report_parts", step="A").exists()


def test_eval_2_the_report_is_a_pdf_checked_by_content(dossier):
    """A text file named .pdf is refused by its content, nothing stored."""
    fake = SimpleUploadedFile("rapport.pdf", b"ceci n'est pas un PDF", content_type="application/pdf")
    with pytest.raises(ValidationError, match="Seuls les PDF"):
        report.report_hand_in(dossier=dossier, uploaded_file=fake, parts=ALL, by=dossier.student.user)
    assert not Document.objects.filter(dossier=dossier).exists()
    assert step_a(dossier).state == StepState.TODO


def test_eval_2_only_the_student_hands_it_in(dossier, tutor, office):
    """The tuteur école and the office do not hand the student's report in."""
    for someone in (tutor, office):
        with pytest.raises(PermissionDenied):
            report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL, by=someone)
    assert not ReportParts.objects.exists()


def test_eval_2_four_parts_required_by_the_database(dossier):
    """The database keeps only complete declarations (s9_report_four_parts)."""
    from django.db import IntegrityError, transaction

    document = factories.upload(dossier, DocumentKind.RAPPORT_PE, by=dossier.student.user, step="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportParts.objects.create(document=document, by=dossier.student.user,
                                   context=True, first_results=True, outlook=False, contribution=True)


# --- STEP-6: the precondition on step A ----------------------------------------

def test_eval_2_precondition_blocks_the_submit_with_its_reason(dossier):
    """STEP-6: a report deposited through the documents panel, without its
    four parts, does not let step A be handed in; the reason says what to do."""
    factories.upload(dossier, DocumentKind.RAPPORT_PE, by=dossier.student.user, step="A")
    with pytest.raises(ValidationError, match="n'a pas ses quatre parties cochées"):
        steps.step_transition(step=step_a(dossier), action=steps.SUBMIT, by=dossier.student.user)
    assert step_a(dossier).state == StepState.TODO
    reason = steps.blocking_reason("A", steps.SUBMIT, steps.Evidence(dossier))
    assert reason == ("La version 1 du rapport n'a pas ses quatre parties cochées : l'élève le remet depuis "
                      "« Remettre le rapport », en cochant les quatre parties attendues.")


def test_eval_2_a_new_version_needs_them_ticked_again(dossier, tutor, office):
    """Version 1 handed in with its parts, then refused; version 2 deposited
    through the documents panel has none: neither submit nor validate until
    the student hands it in with its four parts."""
    student = dossier.student.user
    report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL, by=student)
    steps.step_transition(step=step_a(dossier), action=steps.REFUSE, by=tutor, comment="Il manque le bilan.")
    files.document_upload(dossier=dossier, kind=DocumentKind.RAPPORT_PE, uploaded_file=pdf("v2.pdf"), by=student)
    with pytest.raises(ValidationError, match="La version 2 du rapport n'a pas ses quatre parties"):
        steps.step_transition(step=step_a(dossier), action=steps.SUBMIT, by=student)
    document = report.report_hand_in(dossier=dossier, uploaded_file=pdf("v3.pdf"), parts=ALL, by=student)
    assert document.version == 3 and step_a(dossier).state == StepState.SUBMITTED
    assert steps.step_transition(step=step_a(dossier), action=steps.VALIDATE, by=tutor).state == StepState.VALIDATED


def test_eval_2_validation_blocked_when_the_current_version_lost_its_parts(dossier, tutor):
    """STEP-6: the tuteur école validates step A only while the current
    version carries its parts (a version deposited after the hand-in has none)."""
    student = dossier.student.user
    report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL, by=student)
    files.document_upload(dossier=dossier, kind=DocumentKind.RAPPORT_PE, uploaded_file=pdf("v2.pdf"), by=student)
    with pytest.raises(ValidationError, match="La version 2 du rapport"):
        steps.step_transition(step=step_a(dossier), action=steps.VALIDATE, by=tutor)
    assert step_a(dossier).state == StepState.SUBMITTED


def test_eval_2_a_handed_in_step_takes_no_second_hand_in(dossier):
    """Step A « soumis »: the service refuses another hand-in, nothing stored."""
    report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL, by=dossier.student.user)
    with pytest.raises(ValidationError, match="n'attend pas de remise"):
        report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL, by=dossier.student.user)
    assert Document.objects.filter(dossier=dossier, kind=DocumentKind.RAPPORT_PE).count() == 1


# --- the pages --------------------------------------------------------------------

def test_eval_2_form_refused_keeps_the_ticks(login, dossier):
    """Three boxes ticked: the page comes back with the French reason and
    the three boxes still ticked, nothing stored."""
    client = login(dossier.student.user)
    ticked = ["context", "first_results", "contribution"]
    response = client.post(reverse(URL, args=[dossier.pk]), form_data(*ticked))
    assert response.status_code == 200
    page = response.content.decode()
    assert MISSING.replace("'", "&#x27;") in page or MISSING in page
    form = response.context["form"]
    assert [name for name in REPORT_PARTS if form[name].value()] == ticked
    assert 'name="outlook"' in page and page.count('checked') >= 3
    assert not Document.objects.filter(dossier=dossier).exists()


def test_eval_2_form_hands_the_report_in(login, dossier):
    """The PDF and the four boxes: the report is handed in, back to the
    dossier's step A; the page then shows what was handed in."""
    client = login(dossier.student.user)
    response = client.post(reverse(URL, args=[dossier.pk]), form_data(*REPORT_PARTS))
    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:dossier-detail", args=[dossier.pk]) + "#etape-A"
    assert step_a(dossier).state == StepState.SUBMITTED
    page = client.get(reverse(URL, args=[dossier.pk])).content.decode()
    assert "le rapport n’attend pas de nouvelle remise" in page
    assert "Bilan des premiers travaux effectués" in page


def test_eval_2_another_student_gets_404_the_tutor_403(login, dossier, tutor):
    """Another student does not see the dossier (404); the tuteur école sees
    it but does not hand the report in (403)."""
    other = factories.DossierFactory().student.user
    assert login(other).get(reverse(URL, args=[dossier.pk])).status_code == 404
    assert login(tutor).post(reverse(URL, args=[dossier.pk]), form_data(*REPORT_PARTS)).status_code == 403
    assert not Document.objects.filter(dossier=dossier).exists()


def test_eval_2_tutor_grade_page_shows_the_parts_and_the_report(login, dossier, tutor):
    """The tuteur école's grade page lists the four parts as the student
    declared them and links the report's download."""
    document = report.report_hand_in(dossier=dossier, uploaded_file=pdf(), parts=ALL, by=dossier.student.user)
    page = login(tutor).get(reverse("grading:s9-report", args=[dossier.pk])).content.decode()
    assert reverse("conventions:document-download", args=[document.pk]) in page
    assert page.count("☑") == 4 and "☐" not in page
    for label in REPORT_PARTS.values():
        assert str(label).replace("'", "&#x27;") in page


def test_eval_2_step_a_row_links_the_student_to_the_form(login, dossier):
    """STEP-6: the student's step A row links to « Remettre le rapport »."""
    page = login(dossier.student.user).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert reverse(URL, args=[dossier.pk]) in page
