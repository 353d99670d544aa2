"""The dossier page by role (ROLE-1…8, STEP-3): a summary on top, parts by
subject in each viewpoint's order, what does not concern a role left out."""

import datetime
import re

import pytest
from django.urls import reverse

from conventions.dossier import page, steps
from conventions.dossier.models import StepState
from students.models import Student
from tests import factories

pytestmark = pytest.mark.django_db


def detail(dossier):
    return reverse("conventions:dossier-detail", args=[dossier.pk])


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    return dossier


def part_order(content):
    """The parts as the page's navigation lists them."""
    return re.findall(r'<a class="nav-link" href="#s-([a-z]+)">', content)


def test_role_1_student_page_opens_on_the_demarche_with_the_summary(login, dossier):
    """ROLE-1: the student's page opens on the démarche; the summary names the
    current step, who must act and the progress."""
    content = login(dossier.student.user).get(detail(dossier)).content.decode()
    assert part_order(content)[0] == "demarche"
    assert "Étape en cours" in content and "1 – Informer le service Contrats pro" in content
    assert "Qui doit agir" in content
    assert "0 étapes validées sur" in content


def test_role_7_direction_page_opens_on_signatures_without_eligibility(login, dossier):
    """ROLE-7: the direction's page opens on the signatures; the student's
    eligibility risks and personal facts are not shown to it."""
    direction = factories.UserFactory(groups=["Direction"])
    content = login(direction).get(detail(dossier)).content.decode()
    assert part_order(content) == ["signatures", "documents", "contrat", "historique"]
    assert "Éligibilité et risques" not in content
    assert "Nationalité" not in content
    assert 'id="s-demarche"' not in content


def test_role_4_tutor_page_opens_on_the_evaluation(login, dossier):
    """ROLE-4: the tuteur école's page opens on the evaluation, and leaves the
    eligibility to the office, the head and the student."""
    tutor = factories.UserFactory(groups=["Enseignants"])
    dossier.tuteur_ecole = tutor
    dossier.save()
    content = login(tutor).get(detail(dossier)).content.decode()
    assert part_order(content)[0] == "evaluation"
    assert "Éligibilité et risques" not in content


def test_role_2_office_and_role_3_head_read_the_eligibility(login, dossier, office, head):
    """ROLE-2, ROLE-3: the office and the head read the eligibility part; the
    rule's reference is evidence for the office only."""
    Student.objects.filter(pk=dossier.student_id).update(scholarship_holder=True)  # ELIG-8: a risk flagged
    for viewer in (office, head):
        content = login(viewer).get(detail(dossier)).content.decode()
        assert part_order(content)[0] == "demarche"
        assert "Éligibilité et risques" in content and "Bourse" in content
    office_page = login(office).get(detail(dossier)).content.decode()
    evidence = office_page[office_page.index('<details class="evidence'):]
    assert "Bourse : ELIG-8" in evidence[:evidence.index("</details>")]
    assert "ELIG-8" not in login(head).get(detail(dossier)).content.decode()


def test_role_8_scolarite_opens_on_the_evaluation_and_social_on_signatures(login, dossier):
    """ROLE-8: the scolarité records grades, the service social receives the
    convention: each page opens on its own part."""
    scolarite = factories.UserFactory(groups=["Scolarité"])
    social = factories.UserFactory(groups=["Service social"])
    assert part_order(login(scolarite).get(detail(dossier)).content.decode())[0] == "evaluation"
    assert part_order(login(social).get(detail(dossier)).content.decode())[0] == "signatures"


def test_step_3_summary_waits_for_the_validator_once_handed_in(dossier):
    """STEP-3: a handed-in step waits for its validators, a step to do for its
    submitters; a step past its deadline is late."""
    rows = list(dossier.steps.all())
    first = next(r for r in rows if r.code == "1")
    assert page.summary(rows, dossier.year.rentree).waiting_for == ("Élève",)
    first.state = StepState.SUBMITTED
    assert page.summary(rows, dossier.year.rentree).waiting_for == ("Service Contrats Pro",)
    for row in rows:
        row.state = StepState.VALIDATED
    done = page.summary(rows, dossier.year.rentree)
    assert done.current is None and done.done == done.total == len(rows)


def test_step_2_summary_marks_the_current_step_late_after_its_deadline(dossier):
    """STEP-2: the current step is late the day after its deadline, not on it."""
    rows = list(dossier.steps.all())
    for row in rows:
        if row.code != "5p":
            row.state = StepState.VALIDATED
    current = next(r for r in rows if r.code == "5p")
    assert page.summary(rows, current.deadline).overdue is False
    assert page.summary(rows, current.deadline + datetime.timedelta(days=1)).overdue is True


def test_elig_9_head_approving_from_the_queue_comes_back_to_it(login, dossier, head):
    """ELIG-9: the head who opened the dossier from « À faire » gives the
    approval and comes back to the queue; an address off the site is ignored."""
    client = login(head)
    todo = reverse("conventions:todo")
    page_html = client.get(detail(dossier) + f"?next={todo}").content.decode()
    assert f'<input type="hidden" name="next" value="{todo}">' in page_html
    response = client.post(reverse("conventions:dossier-approve", args=[dossier.pk]), {"next": todo})
    assert response.status_code == 302 and response["Location"] == todo
    other = factories.DossierFactory()
    response = client.post(reverse("conventions:dossier-approve", args=[other.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == detail(other)


def test_role_1_student_page_opens_with_the_next_step_card(login, dossier):
    """ROLE-1: the student's page opens with what to do next and its button;
    nobody else gets the card."""
    content = login(dossier.student.user).get(detail(dossier)).content.decode()
    assert "Prochaine étape" in content
    assert content.index('id="h-prochaine-etape"') < content.index('class="dossier-nav')
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    assert "Prochaine étape" not in login(office).get(detail(dossier)).content.decode()


def test_step_6_3_head_finds_the_fiche_to_read_from_the_dossier_page(login, dossier, head):
    """STEP-6: the head reads the fiche before signing it off: the fiche
    panel links them to it (read-only), where the student gets the form."""
    fiche = reverse("conventions:fiche-edit", args=[dossier.pk])
    content = login(head).get(detail(dossier)).content.decode()
    assert f'href="{fiche}">Lire la fiche contact</a>' in content
    assert login(head).get(fiche).status_code == 200
    student_page = login(dossier.student.user).get(detail(dossier)).content.decode()
    assert "Remplir la fiche</a>" in student_page
