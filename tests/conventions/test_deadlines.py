"""The deadlines registry (STEP-2, NOTIF-1): every dated obligation of a
dossier, who must act, by when, and when it counts as done — what reminders,
calendar feeds and the "À faire" queues will read."""

import datetime

import pytest

from conventions.dossier import deadlines, steps
from conventions.models import Dossier
from tests import factories

pytestmark = pytest.mark.django_db


def make_dossiers(count):
    made = []
    for _ in range(count):
        dossier = factories.DossierFactory()
        steps.steps_sync(dossier)
        made.append(dossier)
    return made


def test_step_2_each_dated_step_is_an_obligation_of_its_actors(year):
    """STEP-2: 5', A, B, D and F are the dated steps; each obligation names
    its deadline from the calendar and who must act (the student hands them in)."""
    (dossier,) = make_dossiers(1)
    found = [o for o in deadlines.obligations_for(Dossier.objects.filter(pk=dossier.pk)) if o.key.startswith("step:")]
    assert [(o.key, o.due) for o in found] == [
        ("step:5p", datetime.date(2026, 8, 18)),
        ("step:A", datetime.date(2026, 12, 18)),
        ("step:B", datetime.date(2026, 12, 18)),
        ("step:D", datetime.date(2026, 12, 31)),
        ("step:F", datetime.date(2027, 2, 26)),
    ]
    assert all(o.actors == {steps.Actor.STUDENT} and not o.done for o in found)
    assert found[1].label == "Étape A : Remettre le rapport de Projet Entreprise au tuteur école"


def test_step_2_a_validated_step_is_done_and_leaves_the_open_obligations(year, office):
    """STEP-2, NOTIF-1: once validated, a step's obligation is done: the
    registry leaves it out unless asked for the done ones too."""
    (dossier,) = make_dossiers(1)
    factories.evidence(dossier, "5p", office=office)
    five_p = dossier.steps.get(code="5p")
    steps.step_transition(step=five_p, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=five_p, action=steps.VALIDATE, by=office)
    dossiers = Dossier.objects.filter(pk=dossier.pk)
    assert "step:5p" not in {o.key for o in deadlines.obligations_for(dossiers)}
    done = [o for o in deadlines.obligations_for(dossiers, include_done=True) if o.key == "step:5p"]
    assert [o.done for o in done] == [True]


@pytest.mark.parametrize("count", [2, 20])
def test_notif_1_the_registry_reads_in_a_fixed_number_of_queries(year, count, django_assert_num_queries):
    """NOTIF-1: the sweep over the registry is set-based: one query per
    registered source (the steps, the certificates, the ruptures…) whatever
    the number of dossiers."""
    make_dossiers(count)
    with django_assert_num_queries(len(deadlines._SOURCES)):  # one SELECT per source
        found = deadlines.obligations_for(Dossier.objects.all())
    assert len([o for o in found if o.key.startswith("step:")]) == 5 * count
    assert len([o for o in found if o.key.startswith("certificate:")]) == 2 * count  # S9 and end of contract


def test_step_2_a_late_step_leads_to_its_row_on_the_dossier_page(year):
    """STEP-2: each dated step of the deadlines registry says where to act:
    its row on the dossier page."""
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    obligation = next(o for o in deadlines.obligations_for([dossier]) if o.key == "step:5p")
    assert obligation.url == f"/dossiers/{dossier.pk}/#etape-5p"
