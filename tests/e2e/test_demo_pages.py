"""The demo as people see it in Chromium: each login lands on its page
(ROLE-1…8). These tests only read: they share the session's demo."""

import pytest

pytestmark = pytest.mark.e2e


def test_role_2_office_lands_on_its_queue_and_lists_all_dossiers(page, shared_demo, screenshot):
    """ROLE-2: the office signs in on its « À faire »; the paginated list of
    every dossier, with its filters, is one click away."""
    shared_demo.sign_in(page, "bureau")
    assert page.url == f"{shared_demo.url}/a-faire/"
    assert page.get_by_role("heading", name="À faire", exact=True).is_visible()
    page.get_by_role("link", name="Tous les dossiers").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Tous les dossiers").is_visible()
    rows = page.locator("tbody tr")
    assert rows.count() == 25
    screenshot(page, "office-list")
    page.get_by_label("Département").select_option(label="GCBD – Génie Civil et Bâtiment Durable")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    departments = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert departments and all(text.startswith("GCBD") for text in departments)
    screenshot(page, "office-list-gcbd")


def test_role_1_student_lands_on_own_dossier(page, shared_demo, screenshot):
    """ROLE-1: the student signs in and lands on their own dossier."""
    shared_demo.sign_in(page, "eleve")
    assert "/dossiers/" in page.url
    assert page.get_by_role("heading", name="Prochaine étape").is_visible()
    page.get_by_role("link", name="Contrat et personnes").click()
    assert page.get_by_role("heading", name="Entreprise et contrat").is_visible()
    assert page.get_by_text("RNCP 38677").is_visible()
    assert page.get_by_role("link", name="Dossiers", exact=True).count() == 0
    screenshot(page, "student-dossier")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "student-dossier-mobile")


@pytest.mark.parametrize(
    "username, heading",
    [
        ("resp2ia", "À faire"),
        ("tuteur", "À faire"),
        ("direction", "À faire"),
        ("social", "À faire"),
        ("scolarite", "À faire"),
        ("enseignant", "Mes séances"),
    ],
)
def test_role_3_to_8_each_login_lands_on_its_page(page, shared_demo, username, heading):
    """ROLE-3, ROLE-4, ROLE-6, ROLE-7, ROLE-8: each demo login lands on its role's page."""
    shared_demo.sign_in(page, username)
    assert page.locator("h1").first.inner_text().startswith(heading)
