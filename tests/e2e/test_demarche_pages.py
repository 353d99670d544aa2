"""The dossier page as the place where work happens (STEP-1…3, SCORE-2), in
Chromium on the demo data: as the student, the office and the department head."""

import pytest

from conventions.models import Dossier, DossierStep, StepState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_dossier(page, live_server, username):
    dossier = Dossier.objects.get(student__user__username=username)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    return dossier


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


def test_step_1_student_sees_steps_barème_and_own_actions(page, live_server, demo, sign_in, screenshot):
    """STEP-1, SCORE-2: the student reads their steps, deadlines and the barème with their points."""
    sign_in(page, "eleve")
    assert page.get_by_role("heading", name="La démarche", exact=True).is_visible()
    assert page.get_by_role("heading", name="Barème et note de conduite de la démarche").is_visible()
    assert page.get_by_role("button", name="Valider").count() == 0
    assert page.get_by_text("Note de conduite sur 20").is_visible()
    screenshot(page, "dossier-student")


def test_step_3_head_sees_the_approval_and_step_3(page, live_server, demo, sign_in, screenshot):
    """STEP-3, ELIG-9: the department head sees the approval card and may validate step 3 once approved."""
    sign_in(page, "respprism")
    dossier = open_dossier(page, live_server, "eleve26")
    assert page.locator("#etape-3").is_visible()
    screenshot(page, "dossier-head")
    button = page.locator("#etape-3").get_by_role("button", name="Valider")
    if dossier.head_approval_at and button.count():
        button.click()
        page.locator("#etape-3 .badge", has_text="Validé").wait_for()
