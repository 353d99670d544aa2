"""The démarche: catalogue, deadlines, applicability, transitions (STEP-1…5)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conventions.dossier import services, steps
from conventions.models import DossierStep, Incident, StepState
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def people(year):
    head = factories.UserFactory(groups=["Enseignants"])
    tutor = factories.UserFactory(groups=["Enseignants"])
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    direction = factories.UserFactory(groups=["Direction"])
    dossier = factories.DossierFactory(tuteur_ecole=tutor)
    dossier.student.department.head = head
    dossier.student.department.save()
    steps.steps_sync(dossier)
    return {"head": head, "tutor": tutor, "office": office, "direction": direction,
            "dossier": dossier, "student": dossier.student.user}


def step(dossier, code):
    return DossierStep.objects.get(dossier=dossier, code=code)


def test_step_1_catalogue_lists_the_seeds_steps_with_their_actors():
    """STEP-1: the catalogue holds 1, 2, 3, 3', 4, 4', 5, 5', 6, 6', 7, A–F with who acts."""
    assert [s.display_code for s in steps.CATALOGUE] == [
        "1", "2", "3", "3'", "4", "4'", "5", "5'", "6", "6'", "7", "A", "B", "C", "D", "E", "F"]
    assert steps.BY_CODE["3"].validators == {steps.Actor.HEAD}
    assert steps.BY_CODE["6"].validators == {steps.Actor.OFFICE, steps.Actor.DIRECTION}
    assert steps.BY_CODE["A"].validators == {steps.Actor.TUTOR}
    assert steps.BY_CODE["4"].document


def test_step_2_deadlines_come_from_the_years_calendar(people, year):
    """STEP-2: 5' two weeks before the rentrée; A, B before Christmas; D end of S9; F before the PFE."""
    dossier = people["dossier"]
    # Rentrée Tue 1 Sept 2026 − 14 days = Tue 18 Aug 2026.
    assert step(dossier, "5p").deadline == D(2026, 8, 18)
    # Holidays from Sat 19 Dec 2026: last working day before is Fri 18 Dec.
    assert step(dossier, "A").deadline == D(2026, 12, 18)
    assert step(dossier, "B").deadline == D(2026, 12, 18)
    assert step(dossier, "D").deadline == D(2026, 12, 31)
    # PFE from Mon 1 March 2027: leave by Fri 26 Feb.
    assert step(dossier, "F").deadline == D(2027, 2, 26)
    assert step(dossier, "3").deadline is None


def test_step_2_deadline_skips_weekend_and_holiday(year):
    """STEP-2, CAL-5: a deadline falling on a closed day moves to the working day before."""
    year.christmas_start = D(2026, 12, 26)  # the day before is Noël, a Friday
    assert steps._before_christmas(year) == D(2026, 12, 24)


def test_step_2_deadlines_follow_a_calendar_change(people, year):
    """STEP-2: when the office moves the holidays, the dossiers' deadlines follow."""
    year.christmas_start = D(2026, 12, 12)
    year.save()
    steps.steps_refresh_year(year)
    assert step(people["dossier"], "A").deadline == D(2026, 12, 11)


def test_step_5_three_prime_only_for_double_diploma(people):
    """STEP-5: step 3' exists only for a double-diploma student."""
    dossier = people["dossier"]
    assert not dossier.steps.filter(code="3p").exists()
    dossier.student.double_diploma_incoming = True
    dossier.student.home_institution = "Politecnico di Torino"
    dossier.student.save()
    steps.steps_sync(dossier)
    assert dossier.steps.filter(code="3p").exists()


def test_step_5_e_applies_once_an_incident_occurred(people):
    """STEP-5, ABS-3: step E appears when an incident is reported."""
    dossier = people["dossier"]
    assert not dossier.steps.filter(code="E").exists()
    services.incident_report(dossier=dossier, kind=Incident.Kind.SICK_LEAVE, start=D(2026, 10, 5), by=people["student"])
    assert dossier.steps.filter(code="E").exists()
    assert Event.objects.filter(dossier=dossier, verb="conventions.incident.report").exists()


def test_step_3_state_machine_submit_validate(people):
    """STEP-3: à faire → soumis (student) → validé (office), each move recorded."""
    dossier = factories.evidence(people["dossier"], "2", office=people["office"])
    row = steps.step_transition(step=step(dossier, "2"), action=steps.SUBMIT, by=people["student"])
    assert row.state == StepState.SUBMITTED
    row = steps.step_transition(step=row, action=steps.VALIDATE, by=people["office"])
    assert row.state == StepState.VALIDATED
    events = list(Event.objects.filter(dossier=dossier, step="2", verb__startswith="conventions.step.").order_by("at", "pk"))
    assert [(e.from_state, e.to_state, e.actor) for e in events] == [
        ("a_faire", "soumis", people["student"]), ("soumis", "valide", people["office"])]


def test_step_3_refusal_needs_a_comment_and_goes_back_to_work(people):
    """STEP-3: refusing needs a comment; the refused step can be handed in again."""
    dossier = factories.evidence(people["dossier"], "4", office=people["office"])
    row = steps.step_transition(step=step(dossier, "4"), action=steps.SUBMIT, by=people["student"])
    with pytest.raises(ValidationError, match="commentaire est obligatoire"):
        steps.step_transition(step=row, action=steps.REFUSE, by=people["office"])
    row = steps.step_transition(step=row, action=steps.REFUSE, by=people["office"], comment="Il manque l'IDCC.")
    assert (row.state, row.comment) == (StepState.REFUSED, "Il manque l'IDCC.")
    row = steps.step_transition(step=row, action=steps.SUBMIT, by=people["student"])
    assert row.state == StepState.SUBMITTED


@pytest.mark.parametrize(
    "code, action, who",
    [
        ("2", "submit", "office"),  # the office does not hand in the student's fiche
        ("2", "submit", "head"),
        ("A", "submit", "tutor"),
    ],
)
def test_step_3_wrong_actor_is_refused(people, code, action, who):
    """STEP-3: only the actors of a step can move it."""
    with pytest.raises(PermissionDenied):
        steps.step_transition(step=step(people["dossier"], code), action=action, by=people[who])
    assert step(people["dossier"], code).state == StepState.TODO


@pytest.mark.parametrize(
    "code, validator, intruders",
    [
        ("3", "head", ["office", "tutor", "student"]),
        ("A", "tutor", ["office", "head", "student"]),
        ("4", "office", ["head", "tutor", "student", "direction"]),
    ],
)
def test_step_3_only_the_validator_validates(people, code, validator, intruders):
    """STEP-1, STEP-3: a submitted step is validated only by its validator."""
    dossier = factories.evidence(people["dossier"], code, office=people["office"])
    services.dossier_approve_contract(dossier=dossier, by=people["head"])
    row = steps.step_transition(step=step(dossier, code), action=steps.SUBMIT, by=people["student"])
    for intruder in intruders:
        with pytest.raises(PermissionDenied):
            steps.step_transition(step=row, action=steps.VALIDATE, by=people[intruder])
    assert steps.step_transition(step=row, action=steps.VALIDATE, by=people[validator]).state == StepState.VALIDATED


def test_step_3_office_only_steps_validate_directly(people):
    """STEP-1: steps 6, 6', 7 are the office's own: validated without submission; the direction may record 6."""
    dossier = factories.evidence(people["dossier"], "7", office=people["office"])
    steps.step_transition(step=step(dossier, "6"), action=steps.REOPEN, by=people["office"], comment="À refaire.")
    assert steps.step_transition(step=step(dossier, "7"), action=steps.VALIDATE, by=people["office"]).state == StepState.VALIDATED
    assert steps.step_transition(step=step(dossier, "6"), action=steps.VALIDATE, by=people["direction"]).state == StepState.VALIDATED
    with pytest.raises(PermissionDenied):
        steps.step_transition(step=step(dossier, "6p"), action=steps.VALIDATE, by=people["direction"])


def test_elig_9_step_3_waits_for_the_heads_approval(people):
    """ELIG-9: the head cannot validate step 3 before approving the contract."""
    dossier = factories.evidence(people["dossier"], "3", office=people["office"])
    row = steps.step_transition(step=step(dossier, "3"), action=steps.SUBMIT, by=people["student"])
    with pytest.raises(ValidationError, match="doit d'abord donner son accord sur le contrat"):
        steps.step_transition(step=row, action=steps.VALIDATE, by=people["head"])
    services.dossier_approve_contract(dossier=dossier, by=people["head"])
    assert steps.step_transition(step=row, action=steps.VALIDATE, by=people["head"]).state == StepState.VALIDATED


def test_step_3_office_reopens_a_validated_step_with_a_comment(people):
    """STEP-3: a step validated by mistake is reopened by the office, with a reason."""
    factories.evidence(people["dossier"], "7", office=people["office"])
    row = steps.step_transition(step=step(people["dossier"], "7"), action=steps.VALIDATE, by=people["office"])
    with pytest.raises(PermissionDenied):
        steps.step_transition(step=row, action=steps.REOPEN, by=people["student"], comment="x")
    row = steps.step_transition(step=row, action=steps.REOPEN, by=people["office"], comment="Copie illisible.")
    assert row.state == StepState.TODO


def test_step_4_steps_expecting_a_document_say_which(people):
    """STEP-4: the steps that need a document name it (uploads come with DOC-6)."""
    expected = {s.code for s in steps.CATALOGUE if s.document}
    assert {"2", "3", "4", "4p", "5", "5p", "A", "B", "C", "D", "F"} <= expected
    assert "6p" not in expected


def test_step_1_opening_the_dossier_submits_step_1(year):
    """STEP-1: taking step 1 opens the dossier with its steps, step 1 handed in."""
    from students.models import InfoMeeting

    student = factories.StudentFactory()
    InfoMeeting.objects.create(year=year, date=D(2026, 3, 12)).attendees.add(student)
    dossier = services.dossier_open(student=student, by=student.user)
    assert step(dossier, "1").state == StepState.SUBMITTED
    assert dossier.steps.count() == 15  # 17 steps, minus 3' and E which do not apply


def test_step_5_three_prime_follows_the_students_facts(people):
    """STEP-5: when the office marks a student double-diploma, step 3' appears on the dossier."""
    from students import services as student_services

    dossier = people["dossier"]
    student_services.student_facts_update(
        student=dossier.student,
        values={"double_diploma_incoming": True, "home_institution": "Universidad de Sevilla"},
        by=people["office"],
    )
    assert dossier.steps.filter(code="3p").exists()
    student_services.student_facts_update(
        student=dossier.student, values={"double_diploma_incoming": False}, by=people["office"]
    )
    assert not dossier.steps.filter(code="3p").exists()
