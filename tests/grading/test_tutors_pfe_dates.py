"""« Évaluations du S9 », the tuteur école's tutees (ROLE-4), with the PFE's
dates the tutor must know (PFE-1…3, DOC-2): the defence, the report's
deadline and whether it is in, the fiche contact PFE to review."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conventions.dossier import steps
from conventions.models import DossierStep, StepState
from grading.pfe import services as pfe
from grading.pfe.models import PfeReport
from tests import factories

D = datetime.date
T = datetime.time
URL = "grading:s9-tutees"


@pytest.fixture(autouse=True)
def reports_in_tmp(private_storage_in_tmp):
    from django.core.files.storage import storages

    field = PfeReport._meta.get_field("file")
    saved = field.storage
    field.storage = storages["private"]
    yield
    field.storage = saved


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-dates", first_name="Paul", last_name="Tuteur", groups=["Enseignants"])


def tutee(year, tutor, last_name="Fabre"):
    dossier = factories.DossierFactory(student__year=year, tuteur_ecole=tutor, end_date=D(2027, 7, 14),
                                       student__user__last_name=last_name)
    steps.steps_sync(dossier)
    return dossier


def scheduled(dossier, head, day=D(2027, 7, 13)):
    return pfe.defence_schedule(dossier=dossier, day=day, start=T(14), end=T(15, 30), room="A 105", jury=[],
                                president=head, by=head)


def card(page, name):
    """The tutee's card: from their name to the next card."""
    start = page.index(name.upper())
    end = page.find('<section class="col-md-6', start)
    return page[start:end if end != -1 else len(page)]


def test_pfe_1_tutees_page_shows_the_defence_day_hours_and_room(login, year, head, tutor):
    """PFE-1: once the head scheduled it, the tutor reads the defence's day,
    hours and room; before that, « pas encore programmée »."""
    dossier = tutee(year, tutor)
    client = login(tutor)
    assert "pas encore programmée" in card(client.get(reverse(URL)).content.decode(), "Fabre")
    scheduled(dossier, head)
    page = card(client.get(reverse(URL)).content.decode(), "Fabre")
    assert "le 13 juillet 2027, 14 h 00 – 15 h 30, salle A 105" in page


def test_pfe_2_tutees_page_asks_the_tutor_to_set_the_report_deadline(login, year, head, tutor):
    """PFE-2: a defence without a report deadline puts « Date limite du
    rapport de PFE à fixer » in what awaits the tutor; once set, the page
    gives the date and whether the report is in."""
    dossier = tutee(year, tutor)
    defence = scheduled(dossier, head)
    client = login(tutor)
    page = card(client.get(reverse(URL)).content.decode(), "Fabre")
    assert "Date limite du rapport de PFE à fixer" in page and "date limite à fixer par vous" in page
    pfe.defence_report_deadline_set(defence=defence, due=D(2027, 6, 28), by=tutor)
    page = card(client.get(reverse(URL)).content.decode(), "Fabre")
    assert "Date limite du rapport de PFE à fixer" not in page
    assert "à remettre au plus tard le 28 juin 2027 · pas encore remis" in page


def test_doc_2_tutees_page_lists_the_fiche_pfe_to_review_with_its_date(login, year, tutor):
    """DOC-2, step D: a fiche contact PFE handed in is « à relire » before
    the end of S9; validated, it no longer awaits the tutor."""
    dossier = tutee(year, tutor)
    row = DossierStep.objects.get(dossier=dossier, code="D")
    client = login(tutor)
    due = row.deadline
    page = card(client.get(reverse(URL)).content.decode(), "Fabre")
    assert "Fiche contact PFE à relire" not in page and "pas encore remise" in page
    DossierStep.objects.filter(pk=row.pk).update(state=StepState.SUBMITTED)
    page = card(client.get(reverse(URL)).content.decode(), "Fabre")
    from contratpro.frenchdates import long_date

    assert f"Fiche contact PFE à relire — avant le {long_date(due)}" in page
    DossierStep.objects.filter(pk=row.pk).update(state=StepState.VALIDATED)
    page = card(client.get(reverse(URL)).content.decode(), "Fabre")
    assert "Fiche contact PFE à relire" not in page and "validée" in page


def test_role_4_tutees_page_with_pfe_dates_reads_a_fixed_number_of_queries(
        login, year, head, tutor, django_assert_num_queries):
    """2 tutees or 6, defences scheduled or not: the same queries. The
    page's own: the dossiers with their evaluation and defence joined (1),
    their count (1), their steps (1) and scores (1), the barème (1), the
    thresholds (1); the rest is the request's (session, user, roles,
    navigation). Counted with 2 tutees, then pinned with 6."""
    client = login(tutor)
    first = [tutee(year, tutor, f"Eleve{n}") for n in range(2)]
    scheduled(first[0], head)
    client.get(reverse(URL))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(URL)).status_code == 200
    more = [tutee(year, tutor, f"Autre{n}") for n in range(4)]
    for dossier in more[:2]:
        pfe.defence_report_deadline_set(defence=scheduled(dossier, head), due=D(2027, 6, 28), by=tutor)
    with django_assert_num_queries(len(few)):
        page = client.get(reverse(URL)).content.decode()
    assert page.count("salle A 105") == 3
