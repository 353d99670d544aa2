"""The S9 Projet Entreprise graded (EVAL-1…3, SCORE-3, ROLE-4, NOTIF-1)."""

import itertools
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from conventions.dossier import deadlines, steps
from grading.s9 import services
from grading.s9.models import S9Evaluation, S9Year
from students.models import Event
from tests import factories

D = Decimal


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-s9", first_name="Julien", last_name="Bastide", groups=["Enseignants"])


@pytest.fixture
def dossier(db, tutor):
    d = factories.DossierFactory(tuteur_ecole=tutor, student__user__last_name="Fabre")
    steps.steps_sync(d)
    return d


# --- EVAL-1: the formula and its rounding ---------------------------------------

def test_eval_1_weights_and_two_decimals():
    """0.2 × 15 + 0.4 × 12 + 0.4 × 16 = 14.20, complete, not provisional."""
    grade = services.s9_grade(conduct=D("15"), report=D("12"), appraisal=D("16"))
    assert grade.grade == D("14.20") and not grade.provisional and grade.missing == ()


def test_eval_1_rounded_once_not_part_by_part():
    """0.2 × 10.01 + 0.4 × 10.01 + 0.4 × 10.01 = 10.010 exactly → 10.01; rounding
    each weighted part first would give 2.00 + 4.00 + 4.00 = 10.00."""
    assert services.s9_grade(conduct=D("10.01"), report=D("10.01"), appraisal=D("10.01")).grade == D("10.01")


def test_eval_1_rounding_half_up_at_xx5():
    """The rule rounds .xx5 up (12.345 → 12.35, 10.005 → 10.01), where the
    banker's rounding gives 12.34 and 10.00; .xx4 goes down."""
    assert services.round_grade(D("12.345")) == D("12.35")
    assert services.round_grade(D("10.005")) == D("10.01")
    assert services.round_grade(D("12.3449")) == D("12.34")


def test_eval_1_sum_third_decimal_half_up():
    """0.2 × 10.25 + 0.4 × 10.01 + 0.4 × 10 = 10.054 → 10.05; 0.2 × 10.03 +
    0.4 × 10.01 + 0.4 × 10 = 10.010; 0.2 × 12.34 + 0.4 × 12.34 + 0.4 × 12.35
    = 12.344 → 12.34; 0.2 × 12.35 + 0.4 × 12.34 + 0.4 × 12.34 = 12.342 → 12.34;
    0.2 × 12.34 + 0.4 × 12.36 + 0.4 × 12.35 = 12.352 → 12.35; 0.2 × 12.33 +
    0.4 × 12.34 + 0.4 × 12.37 = 12.35(0)."""
    cases = [
        (("10.25", "10.01", "10"), "10.05"), (("12.34", "12.34", "12.35"), "12.34"),
        (("12.35", "12.34", "12.34"), "12.34"), (("12.34", "12.36", "12.35"), "12.35"),
        (("19.99", "19.99", "19.99"), "19.99"), (("20", "20", "20"), "20.00"), (("0", "0", "0"), "0.00"),
    ]
    for (c, r, a), expected in cases:
        assert services.s9_grade(conduct=D(c), report=D(r), appraisal=D(a)).grade == D(expected), (c, r, a)


def test_eval_1_two_decimal_parts_never_sum_onto_xx5():
    """Why no sum of the grades sits on .xx5: each part counts in steps of
    0.002 or 0.004, so the exact sum's third decimal is even (checked on a grid)."""
    grid = [D("10.00") + D("0.01") * n for n in range(10)]
    for c, r, a in itertools.product(grid, repeat=3):
        exact = D("0.2") * c + D("0.4") * r + D("0.4") * a
        assert int(exact * 1000) % 2 == 0


def test_eval_1_provisional_until_three_parts_names_what_is_missing():
    """Missing parts make the grade provisional, with no ECTS, naming what is missing."""
    grade = services.s9_grade(conduct=D("15"), report=D("14"), appraisal=None)
    assert grade.provisional and grade.grade is None and grade.ects == 0
    assert grade.missing == ("la note du tuteur entreprise",)
    assert grade.provisional_grade == D("8.60")


# --- EVAL-3: the ECTS threshold ------------------------------------------------

def test_eval_3_ects_at_exactly_the_threshold_and_not_below():
    """10 ECTS at exactly 10.00 (the default), none at 9.99."""
    assert services.s9_grade(conduct=D("10"), report=D("10"), appraisal=D("10")).ects == 10
    # 0.2 × 9.95 + 0.4 × 10 + 0.4 × 9.99 = 1.99 + 4 + 3.996 = 9.986 → 9.99
    below = services.s9_grade(conduct=D("9.95"), report=D("10"), appraisal=D("9.99"))
    assert below.grade == D("9.99") and below.ects == 0


def test_eval_3_threshold_per_year(dossier, tutor, office):
    """A year's own threshold (12) is read from grading's S9Year: 12.00 earns
    the ECTS, 11.99 does not; another year keeps 10."""
    S9Year.objects.create(year=dossier.year, ects_threshold=D("12"))
    assert services.threshold_of(dossier.year) == D("12")
    assert services.s9_grade(conduct=D("12"), report=D("12"), appraisal=D("12"), threshold=D("12")).ects == 10
    assert services.s9_grade(conduct=D("11.99"), report=D("11.99"), appraisal=D("11.99"), threshold=D("12")).ects == 0
    other = factories.AcademicYearFactory(start_year=2027)
    assert services.threshold_of(other) == D("10")


# --- Entering the grades (ROLE-4, EVAL-1) ------------------------------------------

def test_role_4_tutor_grades_report_with_event(dossier, tutor):
    """The tuteur école's grade and comment are stored, with an event."""
    services.report_grade_set(dossier=dossier, grade=D("14.5"), comment="Clair.", by=tutor)
    evaluation = S9Evaluation.objects.get(dossier=dossier)
    assert evaluation.report_grade == D("14.50") and evaluation.report_comment == "Clair."
    assert Event.objects.filter(dossier=dossier, verb="grading.s9.report").count() == 1


def test_role_4_only_the_tutor_grades_the_report(dossier, office):
    """The office (or another teacher) may not grade the report: nothing stored."""
    other = factories.UserFactory(groups=["Enseignants"])
    for who in (office, other):
        with pytest.raises(PermissionDenied):
            services.report_grade_set(dossier=dossier, grade=D("12"), by=who)
    assert not S9Evaluation.objects.exists()


@pytest.mark.parametrize("value, message", [
    ("20.01", "Une note va de 0 à 20."), ("-1", "Une note va de 0 à 20."),
    ("12.345", "Une note a au plus deux décimales (par exemple 13,25)."),
])
def test_eval_1_grades_out_of_range_refused(dossier, tutor, value, message):
    """Out of 0–20 or with three decimals: refused in French, nothing stored."""
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.report_grade_set(dossier=dossier, grade=D(value), by=tutor)
    assert not S9Evaluation.objects.filter(report_grade__isnull=False).exists()


def test_role_4_appraisal_from_paper_marked(dossier, tutor, office):
    """The office types in the paper appraisal: marked « papier », with its event."""
    services.appraisal_from_paper(dossier=dossier, grade=D("15"), by=office)
    evaluation = S9Evaluation.objects.get(dossier=dossier)
    assert evaluation.appraisal_grade == D("15.00") and evaluation.appraisal_source == "papier"
    assert "fiche papier" in Event.objects.get(dossier=dossier, verb="grading.s9.appraisal").summary


def test_role_4_transmitted_grade_changes_only_with_a_reason(dossier, tutor, office):
    """Once transmitted, a change without reason is refused (nothing changes);
    with one, the reason is kept in the event log."""
    services.report_grade_set(dossier=dossier, grade=D("14"), by=tutor)
    services.appraisal_from_paper(dossier=dossier, grade=D("15"), by=tutor)
    services.s9_transmit(dossier=dossier, by=tutor)
    with pytest.raises(ValidationError, match="indiquez par écrit pourquoi elle change"):
        services.report_grade_set(dossier=dossier, grade=D("16"), by=tutor)
    assert S9Evaluation.objects.get(dossier=dossier).report_grade == D("14.00")
    services.report_grade_set(dossier=dossier, grade=D("16"), by=tutor, reason="Erreur de report sur la fiche.")
    event = Event.objects.filter(dossier=dossier, verb="grading.s9.report").latest("pk")
    assert event.comment == "Erreur de report sur la fiche." and "avant : 14,00" in event.summary


def test_eval_1_transmission_refused_while_provisional(dossier, tutor):
    """A provisional grade is not transmitted; the refusal says what is missing."""
    services.report_grade_set(dossier=dossier, grade=D("14"), by=tutor)
    with pytest.raises(ValidationError, match="il manque la note du tuteur entreprise"):
        services.s9_transmit(dossier=dossier, by=tutor)
    assert S9Evaluation.objects.get(dossier=dossier).transmitted_at is None


def test_score_3_conduct_grade_feeds_the_s9_grade(dossier, tutor, office):
    """SCORE-3's conduct grade is the first part: with every counted step at
    full marks it is 20, so 0.2 × 20 + 0.4 × 10 + 0.4 × 10 = 12.00."""
    from grading.scoring import bareme_for, score_set

    bareme = bareme_for(dossier.year)
    for row in dossier.steps.all():
        line = bareme[row.code]
        if line.counted:
            score_set(dossier=dossier, step=row.code, points=line.maximum, by=office)
    services.report_grade_set(dossier=dossier, grade=D("10"), by=tutor)
    services.appraisal_from_paper(dossier=dossier, grade=D("10"), by=tutor)
    grade, _evaluation = services.grade_of(dossier)
    assert grade.conduct == D("20.00") and grade.grade == D("12.00") and grade.ects == 10


# --- NOTIF-1: the report grade in the deadlines registry ---------------------------

def test_eval_2_report_grade_deadline_before_christmas_done_when_entered(dossier, tutor):
    """The tuteur école's obligation falls on step A's date (the last working
    day before the Christmas holidays) and is done once the grade is in."""
    from conventions.models import Dossier

    found = [o for o in deadlines.obligations_for(Dossier.objects.all(), include_done=True) if o.key == "s9:report"]
    assert len(found) == 1 and not found[0].done
    assert found[0].due == dossier.steps.get(code="A").deadline
    services.report_grade_set(dossier=dossier, grade=D("13"), by=tutor)
    found = [o for o in deadlines.obligations_for(Dossier.objects.all(), include_done=True) if o.key == "s9:report"]
    assert found[0].done
    assert not mail.outbox
