"""Edges of the démarche that slipped through: the A/B deadline before a
Christmas holiday starting on a weekday (STEP-2, CAL-5), and the moves of a
validated step that must be refused without changing anything (STEP-3)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conventions.dossier import steps
from conventions.models import DossierStep, StepState
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def christmas_deadlines(christmas_start):
    """The A and B deadlines of a dossier whose year's holidays start on ``christmas_start``."""
    year = factories.AcademicYearFactory(start_year=christmas_start.year, christmas_start=christmas_start)
    dossier = factories.DossierFactory(student=factories.StudentFactory(year=year))
    steps.steps_sync(dossier)
    rows = DossierStep.objects.filter(dossier=dossier, code__in=("A", "B")).order_by("code")
    return [(row.code, row.deadline) for row in rows]


# STEP-2: A and B are due the last working day before the Christmas holidays.


def test_step_2_holidays_starting_on_a_wednesday_make_a_and_b_due_the_tuesday_before():
    """STEP-2: holidays from Wednesday 23 December 2026: A and B are due
    Tuesday 22 December, the working day just before, not the first day off."""
    assert christmas_deadlines(D(2026, 12, 23)) == [("A", D(2026, 12, 22)), ("B", D(2026, 12, 22))]


@pytest.mark.parametrize(
    ("christmas_start", "deadline"),
    [
        pytest.param(D(2026, 12, 22), D(2026, 12, 21), id="tuesday-start-monday-deadline"),
        pytest.param(D(2026, 12, 23), D(2026, 12, 22), id="wednesday-start-tuesday-deadline"),
        pytest.param(D(2026, 12, 24), D(2026, 12, 23), id="thursday-start-wednesday-deadline"),
    ],
)
def test_step_2_a_weekday_start_one_day_earlier_or_later_moves_a_and_b_by_one_day(christmas_start, deadline):
    """STEP-2: the day before, the day of and the day after Wednesday 23
    December: holidays starting on a Tuesday, Wednesday or Thursday make A
    and B due the Monday, Tuesday or Wednesday just before."""
    assert christmas_deadlines(christmas_start) == [("A", deadline), ("B", deadline)]


def test_step_2_holidays_starting_on_a_monday_make_a_and_b_due_the_friday_before():
    """STEP-2, CAL-5: holidays from Monday 21 December 2026: the weekend is
    not worked, so A and B are due Friday 18 December."""
    assert christmas_deadlines(D(2026, 12, 21)) == [("A", D(2026, 12, 18)), ("B", D(2026, 12, 18))]


def test_step_2_a_public_holiday_just_before_the_holidays_is_skipped():
    """STEP-2, CAL-5: holidays from Wednesday 26 December 2029: the day
    before is Noël (a Tuesday), so A and B are due Monday 24 December."""
    assert christmas_deadlines(D(2029, 12, 26)) == [("A", D(2029, 12, 24)), ("B", D(2029, 12, 24))]


def test_step_2_a_public_holiday_after_a_weekend_before_the_holidays_is_skipped():
    """STEP-2, CAL-5: holidays from Tuesday 26 December 2028: Noël falls on
    the Monday before, after a weekend, so A and B are due Friday 22 December."""
    assert christmas_deadlines(D(2028, 12, 26)) == [("A", D(2028, 12, 22)), ("B", D(2028, 12, 22))]


def test_step_2_a_day_the_school_closes_before_the_holidays_is_skipped(settings):
    """STEP-2, CAL-5: when the school closes on Tuesday 22 December 2026,
    holidays from Wednesday 23 make A and B due Monday 21 December."""
    settings.WORKDAYS_EXTRA_CLOSED = ["2026-12-22"]
    assert christmas_deadlines(D(2026, 12, 23)) == [("A", D(2026, 12, 21)), ("B", D(2026, 12, 21))]


# STEP-3: a validated step is only reopened by the office, with a comment.


@pytest.fixture
def validated(year):
    """Step 1 of a dossier, handed in by the student and validated by the office."""
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    dossier = factories.DossierFactory(student=factories.StudentFactory(year=year))
    steps.steps_sync(dossier)
    row = DossierStep.objects.get(dossier=dossier, code="1")
    steps.step_transition(step=row, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=row, action=steps.VALIDATE, by=office, comment="Reçu, merci.")
    return {"office": office, "dossier": dossier, "step": row}


def snapshot(step):
    """What a refused move must leave as it was: the step row and the dossier's events."""
    row = DossierStep.objects.get(pk=step.pk)
    events = list(Event.objects.filter(dossier=row.dossier).order_by("pk").values_list("pk", "verb"))
    return (row.state, row.comment, row.updated_at, events)


@pytest.mark.parametrize("comment", ["", "   \n"], ids=["empty", "blank"])
def test_step_3_reopening_a_validated_step_without_a_comment_is_refused(validated, comment):
    """STEP-3: the office reopens a validated step only with a comment
    saying why; without one (empty or blank) the service refuses in French
    and the step stays validated, with no event recorded."""
    before = snapshot(validated["step"])
    assert before[0] == StepState.VALIDATED
    with pytest.raises(ValidationError) as refusal:
        steps.step_transition(step=validated["step"], action=steps.REOPEN, by=validated["office"], comment=comment)
    assert refusal.value.message_dict == {
        "comment": ["Expliquez à l'élève ce qui manque : le commentaire est obligatoire."]
    }
    assert snapshot(validated["step"]) == before


def test_step_3_refusing_an_already_validated_step_is_refused(validated):
    """STEP-3: refusing is a verdict on a submitted step; once validated,
    even its validator cannot refuse it (the office reopens it instead):
    PermissionDenied in French, the step stays validated, no event."""
    before = snapshot(validated["step"])
    with pytest.raises(PermissionDenied) as refusal:
        steps.step_transition(
            step=validated["step"], action=steps.REFUSE, by=validated["office"], comment="Il manque la signature."
        )
    assert str(refusal.value) == "Vous ne pouvez pas « Refuser » l'étape 1 dans l'état « Validé »."
    assert snapshot(validated["step"]) == before
