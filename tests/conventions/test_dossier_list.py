"""The dossier list at a school's scale (issue 10): where each dossier
stands, the step it waits at, whether it is late, the department, and the
order, all in the database; the page's queries do not grow with the rows;
a head sees and is offered only their department (ROLE-2, ROLE-3, STEP-2, STEP-3)."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from conventions.dossier import steps
from conventions.dossier.models import DossierStep, StepState
from students.models import Department, Option
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("conventions:dossier-list")
WORKBOOK = reverse("grading:class-workbook")


def dossier(name, *, department="2IA", **fields):
    d = factories.DossierFactory(
        student__user__last_name=name, student__department=factories.department(department),
        student__option=factories.department(department).options.first(), **fields,
    )
    steps.steps_sync(d)
    return d


def validated(d, *codes):
    """Mark ``codes`` validated. The states are set directly: what is under
    test is the list, the transitions and their preconditions (STEP-6) have
    their own tests."""
    DossierStep.objects.filter(dossier=d, code__in=codes).update(state=StepState.VALIDATED)
    return d


def names(client, **params):
    return [d.student.user.last_name for d in client.get(LIST, params).context["page"].object_list]


def on(monkeypatch, day):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_role_2_dossier_list_query_count_does_not_grow_with_rows(login, office, year, django_assert_num_queries):
    """ROLE-2: the office list, filtered and sorted, costs the same for 3 and 30 dossiers.

    Queries: the user with their roles (the session comes from the cache);
    the count; the page's rows, sorted by progress; the page's step
    progress; the navigation's « À faire » count; the department and
    option choices (read from their tables, not from the dossiers); the
    footer's office contact (the school's identity, CONTACT-1).
    """
    client = login(office)
    params = {"sort": "avancement", "late": "on", "state": "contrat"}

    def add(count):
        for n in range(count):
            validated(dossier(f"Nom{n:03d}"), "1")

    add(3)
    with django_assert_num_queries(8) as small:
        client.get(LIST, params)
    add(27)
    with django_assert_num_queries(8) as large:
        response = client.get(LIST, params)
    assert response.context["page"].paginator.count == 30
    assert len(small.captured_queries) == len(large.captured_queries)


def test_role_2_dossier_list_filters_by_situation(login, office, year):
    """ROLE-2: "Situation" filters the dossiers still searching, those with a
    company but no contract, and those with a contract, as each row says."""
    dossier("Cherche", company=None, contract_type="", start_date=None, end_date=None)
    dossier("Trouve", contract_type="", start_date=None, end_date=None)
    dossier("Signe")
    client = login(office)
    assert names(client, state="recherche") == ["Cherche"]
    assert names(client, state="entreprise") == ["Trouve"]
    assert names(client, state="contrat") == ["Signe"]
    assert names(client) == ["Cherche", "Signe", "Trouve"]


def test_step_3_dossier_list_filters_the_step_each_dossier_waits_at(login, office, year):
    """STEP-3: "En attente à l'étape" keeps the dossiers whose first step
    not yet validated, in the démarche's order, is that step."""
    validated(dossier("Debut"))
    validated(dossier("Fiche"), "1")
    validated(dossier("Contrat"), "1", "2", "3")
    validated(dossier("Saute"), "1", "2", "4")  # 3 still open: waits at 3, not at 5
    client = login(office)
    assert names(client, step="1") == ["Debut"]
    assert names(client, step="2") == ["Fiche"]
    assert names(client, step="3") == ["Saute"]
    assert names(client, step="4") == ["Contrat"]
    assert names(client, step="5") == []


def test_step_2_late_filter_follows_the_date(login, office, year, monkeypatch):
    """STEP-2: a dossier whose step 5' (due 18 August 2026, two weeks
    before the rentrée) is open is not late that day, late the day after;
    validating the step takes it out."""
    late = dossier("Retard")
    due = late.steps.get(code="5p").deadline
    client = login(office)
    on(monkeypatch, due)
    assert names(client, late="on") == []
    on(monkeypatch, due + datetime.timedelta(days=1))
    assert names(client, late="on") == ["Retard"]
    validated(late, "5p")
    assert names(client, late="on") == []


def test_step_3_dossier_list_sorts_by_progress_lateness_department_and_name(login, office, year, monkeypatch):
    """STEP-3, STEP-2: the list sorts by name (by default), by department,
    by progress (least advanced first) and by lateness (oldest missed
    deadline first, dossiers on time last)."""
    a = validated(dossier("Alpha", department="GCBD"), "1", "2", "3", "4")
    b = validated(dossier("Beta"), "1")
    c = validated(dossier("Gamma", department="2ER"), "1", "2")
    validated(a, "5p", "A", "B")
    validated(c, "5p")
    on(monkeypatch, datetime.date(2027, 1, 10))  # past 5' and the Christmas deadlines of A and B
    client = login(office)
    assert names(client) == ["Alpha", "Beta", "Gamma"]
    assert names(client, sort="nom") == ["Alpha", "Beta", "Gamma"]
    assert names(client, sort="departement") == ["Gamma", "Beta", "Alpha"]  # 2ER, 2IA, GCBD
    assert names(client, sort="avancement") == ["Beta", "Gamma", "Alpha"]
    # Beta misses 5' (August), Gamma the Christmas steps A and B, Alpha only later ones.
    assert names(client, sort="retard") == ["Beta", "Gamma", "Alpha"]
    assert b.pk  # sorted rows are the same dossiers


def test_role_3_head_filters_and_choices_stay_in_their_department(login, year, head):
    """ROLE-3, ROLE-9: whatever the filter or order, a head lists only their
    department's dossiers, and is offered only its department and options."""
    dossier("Mien")
    dossier("Autre", department="GCBD")
    client = login(head)
    for params in ({}, {"sort": "avancement"}, {"sort": "retard"}, {"step": "1"}, {"state": "contrat"}, {"late": "on"}):
        assert set(names(client, **params)) <= {"Mien"}, params
    assert names(client, step="1") == ["Mien"]
    form = client.get(LIST).context["filter"].form
    assert list(form.fields["department"].queryset) == [factories.department("2IA")]
    assert {o.department.code for o in form.fields["option"].queryset} == {"2IA"}
    gcbd = factories.department("GCBD")
    outside = client.get(LIST, {"department": gcbd.pk})
    assert "department" in outside.context["filter"].form.errors
    assert names(client, department=gcbd.pk) == ["Mien"]


def test_role_2_office_is_offered_every_department_and_option(login, office, year):
    """ROLE-2: the office is offered every department and option, even one without dossiers."""
    form = login(office).get(LIST).context["filter"].form
    assert set(form.fields["department"].queryset) == set(Department.objects.all())
    assert set(form.fields["option"].queryset) == set(Option.objects.all())


def test_role_3_class_workbook_follows_the_filters_and_the_scope(login, year, head):
    """ROLE-3, SCORE-4: the head's class workbook holds the rows of their
    filtered list only, in its order."""
    validated(dossier("Zeta"), "1")
    dossier("Eta")
    dossier("Autre", department="GCBD")
    response = login(head).get(WORKBOOK, {"sort": "avancement"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Synthèse"]
    rows = [sheet.cell(row=r, column=1).value for r in range(5, sheet.max_row + 1)]
    assert [name.split()[-1] for name in rows] == ["Eta", "Zeta"]


def test_step_3_dossier_list_rows_are_stacked_cards_on_phones(login, office, year):
    """STEP-3: each cell of the list says what it holds, for the stacked cards of a phone."""
    dossier("Carte")
    content = login(office).get(LIST).content.decode()
    assert 'class="table table-hover table-stack' in content
    for label in ("Élève", "Département", "Entreprise", "Contrat", "Tuteur école", "Situation", "Démarche"):
        assert f'data-label="{label}"' in content
