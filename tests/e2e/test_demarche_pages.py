"""The dossier page as the place where work happens (STEP-1…3, SCORE-2), in
Chromium: as the student, the office and the department head. The tests
that only look share the session's demo; those that move a step build their
own data."""

import pytest

from conventions.dossier import steps
from conventions.dossier.services import dossier_approve_contract
from conventions.models import Dossier, DossierStep, StepState
from tests import factories

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_step_3_office_validates_a_step_in_place(page, live_server, demo, sign_in, screenshot):
    """STEP-3: the office validates a submitted step; the row changes without reloading the page."""
    sign_in(page, "bureau")
    dossier = Dossier.objects.get(student__user__username="eleve07")  # 5' handed in, late
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    row = page.locator("#etape-5p")
    assert "en retard" in row.inner_text()
    screenshot(page, "dossier-office")
    page.evaluate("window.__marker = 'same page'")
    row.get_by_role("button", name="Valider").click()
    page.locator("#etape-5p .badge", has_text="Validé").wait_for()
    assert page.evaluate("window.__marker") == "same page"  # swapped in place by htmx
    assert DossierStep.objects.get(dossier=dossier, code="5p").state == StepState.VALIDATED


def test_step_1_student_sees_steps_barème_and_own_actions(page, shared_demo, screenshot):
    """STEP-1, SCORE-2: the student reads their steps, deadlines and the barème with their points."""
    shared_demo.sign_in(page, "eleve")
    assert page.get_by_role("heading", name="La démarche", exact=True).is_visible()
    page.get_by_role("link", name="Évaluation", exact=True).click()
    assert page.get_by_role("heading", name="Barème et note de conduite de la démarche").is_visible()
    assert not page.get_by_role("heading", name="La démarche", exact=True).is_visible()  # one part at a time
    assert page.get_by_role("button", name="Valider").count() == 0
    assert page.get_by_text("Note de conduite sur 20").is_visible()
    screenshot(page, "dossier-student")


def test_step_3_head_sees_their_students_step_3(page, shared_demo, screenshot):
    """STEP-3, ROLE-3: the department head opens a dossier of their department and sees its step 3."""
    shared_demo.sign_in(page, "respprism")
    page.goto(shared_demo.dossier_url("eleve26"))
    assert page.locator("#etape-3").is_visible()
    screenshot(page, "dossier-head")


@pytest.mark.django_db(transaction=True)
def test_step_3_elig_9_head_validates_step_3_of_an_approved_contract(page, live_server, sign_in, head, year):
    """STEP-3, ELIG-9: once the head has approved the contract and the student
    has handed step 3 in, the head's « Valider » on step 3 validates it in place."""
    head.set_password(PASSWORD)
    head.save(update_fields=["password"])
    dossier = factories.DossierFactory(student__year=year)  # 2IA, the head's department
    steps.steps_sync(dossier)
    factories.fiche_typed(dossier)  # STEP-6: step 3 is handed in on a complete fiche
    dossier_approve_contract(dossier=dossier, by=head)
    steps.step_transition(step=dossier.steps.get(code="3"), action=steps.SUBMIT, by=dossier.student.user)
    sign_in(page, head.username)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    row = page.locator("#etape-3")
    assert "Soumis" in row.locator(".badge").inner_text()
    button = row.get_by_role("button", name="Valider", exact=True)
    assert button.count() == 1
    button.click()
    row.locator(".badge", has_text="Validé").wait_for()
    assert DossierStep.objects.get(dossier=dossier, code="3").state == StepState.VALIDATED
