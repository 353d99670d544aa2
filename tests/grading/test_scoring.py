"""Scoring of the démarche (SCORE-1…3)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from conventions.dossier import services, steps
from conventions.models import Incident
from grading import scoring
from grading.models import BaremeLine, ScoreMode, StepScore
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    return dossier


def test_score_2_default_bareme_of_a_year(year):
    """SCORE-2: by default 6, 6', 7 are not scored; 2, A, C, D are progressive; the rest binary."""
    bareme = scoring.bareme_for(year)
    assert {code for code, line in bareme.items() if not line.counted} == {"6", "6p", "7"}
    assert {code for code, line in bareme.items() if line.mode == ScoreMode.PROGRESSIVE} == {"2", "A", "C", "D"}
    assert bareme["1"].maximum == 1 and bareme["2"].maximum == 2
    assert BaremeLine.objects.filter(year=year).count() == 17
    scoring.bareme_for(year)  # created once
    assert BaremeLine.objects.filter(year=year).count() == 17


def test_score_1_points_within_the_steps_mode(dossier, office):
    """SCORE-1: a binary step takes 0 or 1, a progressive one 0, 1 or 2."""
    assert scoring.score_set(dossier=dossier, step="2", points=2, by=office).points == 2
    assert scoring.score_set(dossier=dossier, step="1", points=1, by=office).maximum == 1
    with pytest.raises(ValidationError, match="de 0 à 1"):
        scoring.score_set(dossier=dossier, step="1", points=2, by=office)


def test_score_1_database_refuses_points_over_the_maximum(dossier, office):
    """SCORE-1: the database itself refuses points above the step's maximum or a maximum of 3."""
    with pytest.raises(IntegrityError), transaction.atomic():
        StepScore.objects.create(dossier=dossier, step="1", points=2, maximum=1, by=office)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepScore.objects.create(dossier=dossier, step="2", points=3, maximum=3, by=office)


def test_score_2_unscored_and_non_applicable_steps_are_refused(dossier, office):
    """SCORE-2, STEP-5: 6, 6', 7 take no points; 3' and E only where they apply."""
    with pytest.raises(ValidationError, match="pas notée"):
        scoring.score_set(dossier=dossier, step="7", points=1, by=office)
    for code in ("3p", "E"):
        with pytest.raises(ValidationError, match="ne s'applique pas"):
            scoring.score_set(dossier=dossier, step=code, points=1, by=office)


def test_score_2_only_the_office_scores(dossier):
    """SCORE-2: the student does not score their own démarche."""
    with pytest.raises(PermissionDenied):
        scoring.score_set(dossier=dossier, step="1", points=1, by=dossier.student.user)


def test_score_2_rescoring_records_the_previous_points(dossier, office):
    """SCORE-2, DATA-4: changing a score keeps one row and records before/after on the timeline."""
    scoring.score_set(dossier=dossier, step="C", points=1, by=office)
    scoring.score_set(dossier=dossier, step="C", points=2, by=office)
    assert StepScore.objects.get(dossier=dossier, step="C").points == 2
    assert dossier.events.filter(verb="grading.score.set").first().summary.endswith("(avant : 1).")


def test_score_3_conduct_grade_hand_computed(dossier, office):
    """SCORE-3: without 3' and E, 8 binary steps + 4 progressive ones = 16 points; 10/16 × 20 = 12.50."""
    # Applicable and counted: binary 1,3,4,4',5,5',B,F (8) + progressive 2,A,C,D (4 × 2 = 8).
    sheet = scoring.dossier_scoresheet(dossier)
    assert sheet["maximum"] == 16
    for code, points in {"1": 1, "2": 2, "3": 1, "4": 1, "4p": 1, "5": 1, "5p": 0, "A": 1, "C": 2}.items():
        scoring.score_set(dossier=dossier, step=code, points=points, by=office)
    sheet = scoring.dossier_scoresheet(dossier)
    assert sheet["total"] == 10
    assert sheet["grade"] == Decimal("12.50")  # 10 / 16 × 20


def test_score_3_rounds_to_two_decimals(dossier, office):
    """SCORE-3: 1/16 × 20 = 1.25 exactly; with E applying, 1/17 × 20 = 1.176… → 1.18."""
    scoring.score_set(dossier=dossier, step="1", points=1, by=office)
    assert scoring.dossier_scoresheet(dossier)["grade"] == Decimal("1.25")
    services.incident_report(dossier=dossier, kind=Incident.Kind.ACCIDENT, start=datetime.date(2026, 11, 2), by=office)
    assert scoring.dossier_scoresheet(dossier)["maximum"] == 17
    assert scoring.dossier_scoresheet(dossier)["grade"] == Decimal("1.18")


def test_score_3_non_applicable_steps_count_nowhere(year, office):
    """SCORE-3, STEP-5: a double-diploma student's 3' adds to the maximum; others' does not."""
    plain = factories.DossierFactory()
    double = factories.DossierFactory(student__double_diploma_incoming=True, student__home_institution="EPFL")
    for dossier in (plain, double):
        steps.steps_sync(dossier)
    assert scoring.dossier_scoresheet(double)["maximum"] == scoring.dossier_scoresheet(plain)["maximum"] + 1


def test_score_3_pure_formula():
    """SCORE-3: sum of points over sum of maxima × 20, half up."""
    lines = [BaremeLine(step="1", mode=1), BaremeLine(step="2", mode=2), BaremeLine(step="A", mode=2)]
    assert scoring.conduct_grade({"1": 1, "2": 1, "A": 2}, lines) == Decimal("16.00")
    assert scoring.conduct_grade({"2": 1}, lines) == Decimal("4.00")
    assert scoring.conduct_grade({}, []) is None
    # 2/3 × 20 = 13.333… → 13.33
    assert scoring.conduct_grade({"1": 1, "2": 1}, lines[:2]) == Decimal("13.33")


def test_score_3_grade_is_provisional_while_steps_are_open(dossier, office):
    """SCORE-3: steps not yet validated count 0; the sheet says how many remain open."""
    assert scoring.dossier_scoresheet(dossier)["open_steps"] == 12
    steps.step_transition(step=dossier.steps.get(code="1"), action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=dossier.steps.get(code="1"), action=steps.VALIDATE, by=office)
    assert scoring.dossier_scoresheet(dossier)["open_steps"] == 11
