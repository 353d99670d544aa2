"""SCORE-3 in the S9 grade: the conduct part is read from the points given,
and is provisional while counted steps are still open."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conventions.dossier import steps
from conventions.models import Dossier, DossierStep, StepState
from grading.s9 import services
from students.models import Event
from tests import factories


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-c", first_name="Julien", last_name="Bastide", groups=["Enseignants"])


@pytest.fixture
def dossier(db, tutor):
    d = factories.DossierFactory(tuteur_ecole=tutor, student__user__last_name="Fabre")
    steps.steps_sync(d)
    return d


def fresh(dossier):
    return Dossier.objects.prefetch_related("steps").get(pk=dossier.pk)


def all_validated_but(dossier, *codes):
    DossierStep.objects.filter(dossier=dossier).exclude(code__in=codes).update(state=StepState.VALIDATED)


def test_score_3_conduct_part_provisional_while_counted_steps_are_open(dossier):
    """Every counted step open: the conduct part says how many; one left
    (submitted): « 1 étape encore ouverte »; none: not provisional."""
    grade, _evaluation = services.grade_of(fresh(dossier))
    counted = grade.open_steps
    assert counted > 1 and grade.conduct_provisional
    all_validated_but(dossier, "D")
    DossierStep.objects.filter(dossier=dossier, code="D").update(state=StepState.SUBMITTED)
    grade, _evaluation = services.grade_of(fresh(dossier))
    assert grade.open_steps == 1 and grade.conduct_provisional
    assert services.conduct_provisional_text(grade.open_steps) == "note de conduite provisoire : 1 étape encore ouverte"
    DossierStep.objects.filter(dossier=dossier).update(state=StepState.VALIDATED)
    grade, _evaluation = services.grade_of(fresh(dossier))
    assert grade.open_steps == 0 and not grade.conduct_provisional


def test_score_3_a_refused_step_is_still_open(dossier):
    """A refused step goes back to the student (STEP-3): it stays open."""
    all_validated_but(dossier, "A")
    DossierStep.objects.filter(dossier=dossier, code="A").update(state=StepState.REFUSED)
    assert services.grade_of(fresh(dossier))[0].open_steps == 1


def test_score_3_tutor_page_and_panel_say_the_conduct_grade_is_provisional(login, dossier, tutor):
    """The tutor's « Évaluations du S9 » and the dossier's Évaluation panel
    say « note de conduite provisoire : N étapes encore ouvertes »."""
    all_validated_but(dossier, "A", "D")
    client = login(tutor)
    expected = "note de conduite provisoire : 2 étapes encore ouvertes"
    assert expected in client.get(reverse("grading:s9-tutees")).content.decode()
    assert expected in client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    DossierStep.objects.filter(dossier=dossier).update(state=StepState.VALIDATED)
    assert "note de conduite provisoire" not in client.get(reverse("grading:s9-tutees")).content.decode()


def test_score_3_a_complete_grade_is_transmitted_with_its_conduct_part_still_provisional(dossier, tutor):
    """[decision] The S9 grade, complete (three parts), is transmitted even
    while steps are open (D and F close after the S9): the event says how
    many were open that day."""
    all_validated_but(dossier, "D", "F")
    services.report_grade_set(dossier=dossier, grade=Decimal("14"), by=tutor)
    services.appraisal_from_paper(dossier=dossier, grade=Decimal("15"), by=tutor)
    evaluation = services.s9_transmit(dossier=fresh(dossier), by=tutor)
    assert evaluation.transmitted_at is not None
    event = Event.objects.get(dossier=dossier, verb="grading.s9.transmit")
    assert event.summary.endswith("Note de conduite provisoire : 2 étapes encore ouvertes.")
    assert event.changes["open_steps"] == 2
