"""The démarche on the dossier page and the list's progress (STEP-2, STEP-3)."""


import pytest
from django.urls import reverse

from conventions.dossier import steps
from conventions.models import DossierStep, StepState
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    return dossier


def action_url(dossier, code):
    return reverse("conventions:step-action", args=[dossier.pk, code])


def state(dossier, code):
    return DossierStep.objects.get(dossier=dossier, code=code).state


def test_step_3_student_submits_without_javascript(login, dossier):
    """STEP-3: a plain POST moves the step and comes back to it on the dossier page."""
    factories.fiche_typed(dossier)
    response = login(dossier.student.user).post(action_url(dossier, "2"), {"action": "submit"})
    assert response.status_code == 302
    assert response.url.endswith(f"/dossiers/{dossier.pk}/#etape-2")
    assert state(dossier, "2") == StepState.SUBMITTED


def test_step_3_htmx_answers_the_updated_row(login, dossier, office):
    """STEP-3: with htmx the answer is the step's row only, with the office's next actions."""
    factories.cerfa_entered(dossier)
    login(dossier.student.user).post(action_url(dossier, "4"), {"action": "submit"})
    response = login(office).post(action_url(dossier, "4"), {"action": "refuse"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith('<tr id="etape-4"')
    assert "commentaire est obligatoire" in content
    assert state(dossier, "4") == StepState.SUBMITTED
    response = login(office).post(
        action_url(dossier, "4"), {"action": "refuse", "comment": "Il manque l'IDCC."}, HTTP_HX_REQUEST="true"
    )
    assert "Il manque l&#x27;IDCC." in response.content.decode()
    assert state(dossier, "4") == StepState.REFUSED


def test_step_3_wrong_actor_gets_403_and_nothing_moves(login, dossier, office):
    """STEP-3, ROLE-9: the office cannot hand in the student's step; another student gets 404."""
    assert login(office).post(action_url(dossier, "2"), {"action": "submit"}).status_code == 403
    other = factories.StudentFactory()
    assert login(other.user).post(action_url(dossier, "2"), {"action": "submit"}).status_code == 404
    assert state(dossier, "2") == StepState.TODO


def test_step_2_dossier_page_shows_deadlines_and_overdue_in_red(login, dossier, office, settings):
    """STEP-2: the dossier page shows each deadline; a passed one is marked late."""
    # 5' is due on 18/08/2026, long past on the day the page is read.
    content = login(office).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "18 août 2026" in content
    row = content[content.index('id="etape-5p"'):]
    row = row[: row.index("</tr>")]
    assert "en retard" in row
    assert 'class="table-danger"' in content


def test_step_1_student_sees_only_their_own_actions(login, dossier):
    """STEP-1: on their dossier the student is offered "submit", never "validate"."""
    content = login(dossier.student.user).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Marquer comme soumis" in content
    assert ">Valider<" not in content


def test_step_3_timeline_shows_each_move(login, dossier, office):
    """STEP-3, DATA-4: the dossier's timeline lists who moved which step, with the comment."""
    factories.cerfa_entered(dossier)
    login(dossier.student.user).post(action_url(dossier, "4"), {"action": "submit"})
    login(office).post(action_url(dossier, "4"), {"action": "refuse", "comment": "Rémunération manquante."})
    content = login(office).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Étape 4 : Soumis → Refusé" in content
    assert "Rémunération manquante." in content


def test_step_3_office_list_progress_without_a_query_per_row(login, office, year, django_assert_num_queries):
    """STEP-3, STEP-2: the list shows validated/applicable steps and the overdue count; 2 or 20 rows, same queries."""
    client = login(office)

    def add(count):
        for _ in range(count):
            d = factories.DossierFactory()
            steps.steps_sync(d)
            row = steps.step_transition(step=d.steps.get(code="1"), action=steps.SUBMIT, by=d.student.user)
            steps.step_transition(step=row, action=steps.VALIDATE, by=office)

    add(2)
    # The list's own queries, plus the navigation's « À faire » count and
    # the footer's office contact (the school's identity, CONTACT-1).
    with django_assert_num_queries(8) as small:
        response = client.get(reverse("conventions:dossier-list"))
    add(18)
    with django_assert_num_queries(8) as large:
        response = client.get(reverse("conventions:dossier-list"))
    assert len(small.captured_queries) == len(large.captured_queries)
    row = response.context["page"].object_list[0]
    assert (row.steps_done, row.steps_total) == (1, 15)
    assert row.steps_overdue == 1  # 5', due 18/08/2026
    assert "1/15" in response.content.decode()
