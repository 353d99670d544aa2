"""The eligibility pages in Chromium, on the demo data: the student's "Mon
éligibilité" (ELIG-1…8, STEP-1), the office's students list filtered on the
blocked ones and a student's page with an override (ELIG-10)."""

import datetime
import re

import pytest

from contratpro.models import User
from students import services
from students.models import InfoMeeting, Student

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def arrange(username, *, attended, **facts):
    """Give a demo student the facts a test needs, through the office's
    service, whatever the demo holds for them."""
    student = Student.objects.get(user__username=username)
    meeting = InfoMeeting.objects.filter(year=student.year).first() or InfoMeeting.objects.create(
        year=student.year, date=datetime.date(student.year.start_year, 3, 12)
    )
    values = {"sio_validated": True, "toeic_validated": True, "resit_s6": False, "international_mobility": False,
              "scholarship_holder": False, **facts}
    services.student_facts_update(
        student=student, values=values, attended_meetings=[meeting] if attended else [],
        by=User.objects.get(username="bureau"),
    )
    return student


def test_elig_1_blocked_student_is_told_what_blocks_and_what_to_do(page, live_server, demo, screenshot, sign_in):
    """ELIG-1: a student who missed the information meeting sees it block,
    with what to do, and no step-1 button."""
    arrange("eleve29", attended=False)
    sign_in(page, "eleve29")
    assert page.get_by_role("link", name="Mon éligibilité", exact=True).is_visible()
    page.get_by_role("link", name="Voir mon éligibilité").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Mon éligibilité au contrat de professionnalisation").is_visible()
    assert page.get_by_text("Vous ne pouvez pas encore engager la démarche : une condition bloque.").is_visible()
    card = page.locator("#elig-1")
    assert "bloquant" in card.inner_text()
    assert "Inscrivez-vous à la prochaine réunion d'information" in card.inner_text()
    assert page.get_by_role("button", name=re.compile("étape 1")).count() == 0
    screenshot(page, "student-eligibility-blocked")


def test_elig_2_student_accepts_the_risk_then_takes_step_1(page, live_server, demo, screenshot, sign_in):
    """ELIG-2, STEP-1: the student reads the SIO risk, accepts it, then
    informs the office and the head; the dossier page confirms it and keeps
    the risk flagged."""
    arrange("eleve29", attended=True, sio_validated=False)
    sign_in(page, "eleve29")
    page.goto(f"{live_server.url}/mon-eligibilite/")
    card = page.locator("#elig-2")
    assert "risque à accepter" in card.inner_text()
    assert "vous ne serez pas diplômé si le SIO n'est pas validé" in card.inner_text()
    screenshot(page, "student-eligibility-risk")
    card.get_by_role("button", name="J'ai lu et j'accepte ce risque").click()
    page.wait_for_load_state()
    assert "Accepté le" in page.locator("#elig-2").inner_text()
    step_1 = page.get_by_role("button", name="Informer le service Contrats pro et mon responsable (étape 1)")
    assert step_1.is_visible()
    screenshot(page, "student-eligibility")
    step_1.click()
    page.wait_for_load_state()
    assert "/dossiers/" in page.url
    assert page.get_by_text("Étape 1 faite : le service Contrats pro et votre responsable de département").is_visible()
    panel = page.locator("section[aria-labelledby=h-eligibilite]")
    assert "risque accepté" in panel.inner_text()
    assert "en attente" in page.locator("section[aria-labelledby=h-accord]").inner_text()
    screenshot(page, "student-dossier-after-step-1")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/mon-eligibilite/")
    screenshot(page, "student-eligibility-mobile")


def test_role_2_office_lists_the_blocked_students_and_why(page, live_server, demo, screenshot, sign_in):
    """ROLE-2, ELIG-1, ELIG-5: the office filters the students list on the
    blocked ones and sees, for each, the rule that blocks."""
    arrange("eleve29", attended=False)
    arrange("eleve06", attended=True, international_mobility=True)
    sign_in(page, "bureau")
    page.get_by_role("link", name="Élèves", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Éligibilité des élèves").is_visible()
    assert page.get_by_role("link", name="Importer le fichier de la scolarité").is_visible()
    page.get_by_label("Situation").select_option(label="Bloqués")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert rows.count() >= 2
    assert all("bloqué" in text for text in page.locator("tbody tr td:nth-child(3)").all_inner_texts())
    garnier = rows.filter(has_text="GARNIER")
    assert "Bloquant : Réunion d'information" in garnier.inner_text()
    assert "Bloquant : Mobilité internationale" in rows.filter(has_text="GIRARD").inner_text()
    screenshot(page, "office-students-blocked")


def test_elig_10_office_overrides_a_check_on_the_student_page(page, live_server, demo, screenshot, sign_in):
    """ELIG-10: on a student's page the office lifts a blocking check with a
    reason; the check shows as lifted and the history records it."""
    arrange("eleve06", attended=True, international_mobility=True)
    sign_in(page, "bureau")
    page.goto(f"{live_server.url}/eleves/?q=Girard")
    page.get_by_role("link", name=re.compile("GIRARD")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Maxime GIRARD").is_visible()
    item = page.locator("#elig-5")
    assert "bloquant" in item.inner_text()
    assert page.get_by_role("link", name="Modifier la situation").is_visible()
    screenshot(page, "office-student-detail")
    item.get_by_text("Accorder une dérogation").click()
    item.get_by_label("Motif").fill("Mobilité annulée : attestation de la DAI reçue le 2 juin.")
    item.get_by_role("button", name=re.compile("Lever")).click()
    page.wait_for_load_state()
    assert "levé par dérogation" in page.locator("#elig-5").inner_text()
    history = page.locator("section[aria-labelledby=h-historique]").inner_text()
    assert "Dérogation accordée (Mobilité internationale) : Mobilité annulée" in history
    screenshot(page, "office-student-detail-override")


def test_elig_8_office_edits_the_facts_of_a_student(page, live_server, demo, screenshot, sign_in):
    """ELIG-8, ELIG-1…7: the office's facts form is grouped by rule; saving
    says what changed and the student's page follows."""
    arrange("eleve06", attended=True)
    sign_in(page, "bureau")
    page.goto(f"{live_server.url}/eleves/?q=Girard")
    page.get_by_role("link", name=re.compile("GIRARD")).click()
    page.get_by_role("link", name="Modifier la situation").click()
    page.wait_for_load_state()
    for legend in ("Réunion d'information", "SIO et TOEIC", "Titre de séjour",
                   "Bourse"):
        assert page.get_by_role("group", name=legend).is_visible()
    screenshot(page, "office-student-facts")
    page.get_by_label("boursier").check()
    page.get_by_role("button", name="Enregistrer la situation").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Situation mise à jour : boursier."
    assert "risque à accepter" in page.locator("#elig-8").inner_text()
