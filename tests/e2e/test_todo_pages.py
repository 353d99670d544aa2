"""Each role's « À faire » in Chromium (ROLE-1…8, STEP-3, ELIG-9, DOC-4,
DOC-8): the role signs in, lands on what awaits it, follows the first line
and acts where the role acts. These tests write, so each builds its own
small school through the services (not the shared demo). Screenshots at
1366 px and 390 px: var/screenshots/todo-<role>-<width>.png."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from conventions.convention import sending
from conventions.convention import services as convention
from conventions.documents.models import DocumentKind
from conventions.documents.pdf import document_attach
from conventions.dossier import steps
from conventions.models import CompanyContact, Dossier, DossierStep, PdfJob, Signature, StepState
from tests import factories

from .conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Party, Method = Signature.Party, Signature.Method
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def account(username, *groups, **names):
    user = factories.UserFactory(username=username, groups=list(groups), **names)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def a_dossier(year, first, last, **extra):
    company = factories.CompanyFactory()
    signatory = factories.CompanyContactFactory(company=company, role=CompanyContact.Role.SIGNATORY)
    student = factories.StudentFactory(year=year, user=account(f"{first.lower()}.{last.lower()}", first_name=first, last_name=last))
    dossier = factories.DossierFactory(student=student, company=company, signataire=signatory, **extra)
    steps.steps_sync(dossier)
    return dossier


def hand_in(dossier, code, kind=None):
    if kind:
        document = document_attach(dossier=dossier, kind=kind, content=b"%PDF-1.4 piece", name="piece.pdf",
                                   by=dossier.student.user, step=code)
        if code == "A":
            factories.report_parts_ticked(document, by=dossier.student.user)  # EVAL-2: its four parts
    return steps.step_transition(step=dossier.steps.get(code=code), action=steps.SUBMIT, by=dossier.student.user)


@pytest.fixture
def school(year, office, head, tiny_pdf_layout, django_capture_on_commit_callbacks):
    """The demo's logins, each with something in its queue: step 1 handed in
    (the office), a contract to approve (the head), a report handed in
    (the tutor), a convention signed by the student and the company (the
    direction), copies sent to the service social (social, scolarité)."""
    for user in (office, head):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    direction = account("direction", "Direction", first_name="Paul", last_name="Directeur")
    tutor = account("tuteur", "Enseignants", first_name="Marc", last_name="Tuteur")
    account("social", "Service social")
    account("scolarite", "Scolarité")
    student = factories.StudentFactory(year=year, user=account("eleve", first_name="Léa", last_name="Fontaine"))
    eleve = factories.DossierFactory(student=student, tuteur_ecole=tutor)
    steps.steps_sync(eleve)
    hand_in(eleve, "1")
    hand_in(eleve, "A", DocumentKind.RAPPORT_PE)

    def produce(dossier):
        with django_capture_on_commit_callbacks(execute=True):
            job = convention.convention_request(dossier=factories.convention_ready(dossier), by=office)
        job.refresh_from_db()
        assert job.status == PdfJob.Status.READY, job.error
        return job.document

    signed = a_dossier(year, "Hugo", "Signé")
    document = produce(signed)
    for party in (Party.STUDENT, Party.COMPANY):
        convention.convention_sign(document=document, party=party, method=Method.PAPER, signer_name="X Y", by=office)
    sent = a_dossier(year, "Inès", "Envoyée")
    document = produce(sent)
    for party in (Party.STUDENT, Party.COMPANY):
        convention.convention_sign(document=document, party=party, method=Method.PAPER, signer_name="X Y", by=office)
    convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="Paul Directeur", by=direction)
    document_attach(dossier=sent, kind=DocumentKind.CERFA_SIGNE, content=b"%PDF-1.4 c", name="c.pdf", by=office)
    with django_capture_on_commit_callbacks(execute=True):
        sending.convention_send(dossier=sent, target=convention.TO_SOCIAL, by=office)
    return {"eleve": eleve, "signed": signed, "sent": sent}


def land(page, live_server, sign_in, username, screenshot):
    """Sign in; the home is « À faire »; screenshots at both widths."""
    sign_in(page, username)
    assert page.url == f"{live_server.url}/a-faire/"
    assert page.get_by_role("heading", name="À faire", exact=True).is_visible()
    page.set_viewport_size(PHONE)
    screenshot(page, f"todo-{username}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"todo-{username}-1366")


def validate_in_place(page, row_id, done):
    """Press « Valider » on the step's row, then wait until the step is
    validated: the row swapped in place, or the queue opened again after
    the decision (its ``next``)."""
    page.locator(f"#{row_id}").get_by_role("button", name="Valider", exact=True).click()
    for _attempt in range(100):
        if done():
            # The decision may still be taking the browser back to the queue:
            # let that navigation end before the test opens another page.
            page.wait_for_load_state("networkidle")
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{row_id} was not validated")


def open_queue(page, live_server):
    """Open the « À faire » again once the decision's own way back to it (its
    ``next``) has ended: a ``goto`` while that navigation runs is interrupted."""
    try:
        page.wait_for_url("**/a-faire/**", timeout=10_000)
    except PlaywrightTimeoutError:
        pass  # the row was swapped in place: no navigation to wait for
    page.goto(f"{live_server.url}/a-faire/")


def first_item(page, section):
    """The first line of ``section`` and its main link."""
    line = page.locator(f"#{section} tr.todo-item").first
    line.wait_for()
    return line, line.locator("td").first.get_by_role("link").first


def test_role_2_office_validates_the_first_step_of_its_queue(page, live_server, school, sign_in, screenshot):
    """ROLE-2, STEP-3: the office lands on its queue, opens the first step
    handed in and validates it; back on the queue, the line is gone."""
    land(page, live_server, sign_in, "bureau", screenshot)
    line, link = first_item(page, "office-steps")
    assert "Léa Fontaine" in line.inner_text()
    link.click()
    page.wait_for_load_state()
    assert "next=%2Fa-faire%2F" in page.url and page.url.endswith("#etape-1")
    validate_in_place(page, "etape-1", lambda: DossierStep.objects.get(
        dossier=school["eleve"], code="1").state == StepState.VALIDATED)
    open_queue(page, live_server)
    assert page.locator("#office-steps tr.todo-item").count() == 0


def test_elig_9_head_gives_the_approval_from_its_queue(page, live_server, school, sign_in, screenshot):
    """ROLE-3, ELIG-9: the head lands on its queue, opens the first contract
    to approve and gives the approval."""
    land(page, live_server, sign_in, "resp2ia", screenshot)
    line, link = first_item(page, "head-approvals")
    student = line.locator("td").nth(1).inner_text()
    link.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Donner mon accord sur le contrat").click()
    page.wait_for_load_state()
    assert Dossier.objects.get(student__user__first_name=student.split()[0]).head_approval_at is not None


def test_role_4_tutor_validates_the_report_from_its_queue(page, live_server, school, sign_in, screenshot):
    """ROLE-4, STEP-3: the tutor lands on its queue, opens the report handed
    in (step A) and validates it."""
    land(page, live_server, sign_in, "tuteur", screenshot)
    line, link = first_item(page, "tutor-steps")
    assert "Rapport de Projet Entreprise" in line.inner_text()
    link.click()
    page.wait_for_load_state()
    validate_in_place(page, "etape-A", lambda: DossierStep.objects.get(
        dossier=school["eleve"], code="A").state == StepState.VALIDATED)
    open_queue(page, live_server)
    assert page.locator("#tutor-steps tr.todo-item").count() == 0


def test_role_7_direction_opens_the_convention_to_sign(page, live_server, school, sign_in, screenshot):
    """ROLE-7, DOC-4: the direction lands on the conventions waiting for the
    school, the document one click away, and opens the convention's panel."""
    land(page, live_server, sign_in, "direction", screenshot)
    line, link = first_item(page, "direction-signatures")
    document = line.get_by_role("link", name="Lire la convention")
    response = page.request.get(live_server.url + document.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("#convention")
    assert page.locator("#convention").is_visible()


@pytest.mark.parametrize("username", ["social", "scolarite"])
def test_role_8_social_and_scolarite_open_the_copies_received(page, live_server, school, sign_in, screenshot, username):
    """ROLE-8, DOC-8: service social and scolarité land on the copies
    received, newest first, and open the dossier's documents."""
    land(page, live_server, sign_in, username, screenshot)
    line, link = first_item(page, "sent-copies")
    assert "Inès Envoyée" in line.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("#documents")
    assert page.locator("#documents").get_by_text("CERFA 12434 signé").first.is_visible()


def test_role_1_student_lands_on_their_dossier(page, live_server, school, sign_in, screenshot):
    """ROLE-1: the student has no queue: they land on Mon dossier, where their next step is."""
    sign_in(page, "eleve")
    assert page.url == f"{live_server.url}/dossiers/{school['eleve'].pk}/"
    assert page.get_by_role("link", name="À faire").count() == 0
    page.set_viewport_size(PHONE)
    screenshot(page, "todo-eleve-390")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "todo-eleve-1366")
