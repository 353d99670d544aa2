"""Eligibility services: facts, acknowledgements, overrides, each recorded (DATA-4)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from students import eligibility, services
from students.models import Event, InfoMeeting, Override, Student
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(year):
    student = factories.StudentFactory()
    meeting = InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12))
    meeting.attendees.add(student)
    return student


def fresh(student):
    return Student.objects.get(pk=student.pk)


def test_elig_1_meeting_attendance_is_a_record_of_the_year(year, office):
    """ELIG-1: attendance comes from the year's meeting records; a meeting of another year does not count."""
    student = factories.StudentFactory()
    other_year = factories.AcademicYearFactory(start_year=2025)
    old = InfoMeeting.objects.create(year=other_year, date=datetime.date(2025, 3, 10))
    services.student_facts_update(student=student, values={}, by=office, attended_meetings=[old])
    assert eligibility.evaluate(fresh(student)).get("ELIG-1").status == eligibility.BLOCKING
    meeting = InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12))
    services.student_facts_update(student=student, values={}, by=office, attended_meetings=[old, meeting])
    assert eligibility.evaluate(fresh(student)).get("ELIG-1").status == eligibility.OK


def test_elig_4_facts_update_records_what_changed(student, office):
    """ELIG-4: the office records a pending resit; the change is in the history with its author."""
    changed = services.student_facts_update(student=student, values={"resit_s6": True}, by=office)
    assert changed == ["resit_s6"]
    event = Event.objects.get(student=student)
    assert event.actor == office
    assert event.changes == {"resit_s6": [False, True]}
    assert "rattrapage en attente au S6" in event.summary
    assert eligibility.evaluate(fresh(student)).get("ELIG-4").status == eligibility.BLOCKING


def test_elig_4_same_facts_again_change_nothing(student, office):
    """ELIG-4: setting facts to their current value writes no event."""
    services.student_facts_update(student=student, values={"resit_s6": False, "sio_validated": True}, by=office)
    assert not Event.objects.exists()


def test_role_1_student_cannot_edit_own_facts(student):
    """ROLE-1: a student cannot change their own eligibility facts."""
    with pytest.raises(PermissionDenied):
        services.student_facts_update(student=student, values={"resit_s6": False}, by=student.user)


def test_elig_2_acknowledgement_stores_text_author_and_time(student):
    """ELIG-2: the student's acknowledgement keeps the exact text shown, who and when."""
    student.sio_validated = False
    student.save()
    ack = services.eligibility_acknowledge(student=fresh(student), rule="ELIG-2", by=student.user)
    assert ack.by == student.user
    assert ack.at is not None
    assert "ne serez pas diplômé" in ack.text
    assert ack.text == eligibility.evaluate(fresh(student)).get("ELIG-2").message
    result = eligibility.evaluate(fresh(student))
    assert result.get("ELIG-2").status == eligibility.WARNING  # still flagged
    assert result.step_1_open


def test_elig_8_only_the_student_acknowledges(student, office):
    """ELIG-8: nobody acknowledges the scholarship risk on the student's behalf."""
    student.scholarship_holder = True
    student.save()
    with pytest.raises(PermissionDenied):
        services.eligibility_acknowledge(student=fresh(student), rule="ELIG-8", by=office)


def test_elig_3_nothing_to_acknowledge_is_refused(student):
    """ELIG-3: acknowledging a risk that does not exist is refused in French."""
    with pytest.raises(ValidationError, match="pas de risque à accepter"):
        services.eligibility_acknowledge(student=student, rule="ELIG-3", by=student.user)


def test_elig_10_override_needs_a_reason(student, office):
    """ELIG-10: an override without a written reason is refused and nothing is stored."""
    student.international_mobility = True
    student.save()
    with pytest.raises(ValidationError, match="motif"):
        services.eligibility_override(student=fresh(student), rule="ELIG-5", reason="  ", by=office)
    assert not Override.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Override.objects.create(student=student, rule="ELIG-5", fingerprint="x", by=office, reason="", status_before="blocking")


def test_elig_10_override_is_audited_and_lapses_on_fact_change(student, office):
    """ELIG-10: the override is recorded in the history; a later change of the facts revives the check."""
    services.student_facts_update(student=student, values={"resit_s7": True}, by=office)
    services.eligibility_override(
        student=fresh(student), rule="ELIG-4", reason="Rattrapage S7 validé par le jury du 3 juillet.", by=office
    )
    assert eligibility.evaluate(fresh(student)).get("ELIG-4").status == eligibility.OK
    event = Event.objects.filter(verb="students.eligibility.override").get()
    assert "jury du 3 juillet" in event.summary and event.actor == office
    services.student_facts_update(student=fresh(student), values={"resit_threatens_3a": True}, by=office)
    check = eligibility.evaluate(fresh(student)).get("ELIG-4")
    assert check.status == eligibility.BLOCKING
    assert check.lapsed_override is not None


def test_elig_10_only_the_office_overrides(student):
    """ELIG-10: a department head or a student cannot override a check."""
    head = factories.UserFactory(groups=["Enseignants"])
    student.department.head = head
    student.department.save()
    for user in (head, student.user):
        with pytest.raises(PermissionDenied):
            services.eligibility_override(student=student, rule="ELIG-1", reason="x", by=user)


def test_elig_6_contract_end_of_the_dossier_is_used(student):
    """ELIG-6: the permit is compared with the dossier's contract end when there is one."""
    student.foreign_national = True
    student.permit_work_authorised = True
    student.permit_expiry = datetime.date(2027, 9, 10)
    student.save()
    assert eligibility.evaluate(fresh(student)).get("ELIG-6").status == eligibility.OK
    factories.DossierFactory(
        student=student, start_date=datetime.date(2026, 9, 14), end_date=datetime.date(2027, 9, 13)
    )
    assert eligibility.evaluate(fresh(student)).get("ELIG-6").status == eligibility.WARNING


def test_elig_2_policy_read_from_the_students_year(student):
    """ELIG-2: the SIO policy is the year's setting."""
    student.sio_validated = False
    student.save()
    assert eligibility.evaluate(fresh(student)).get("ELIG-2").status == eligibility.WARNING
    student.year.sio_blocking = True
    student.year.save()
    assert eligibility.evaluate(fresh(student)).get("ELIG-2").status == eligibility.BLOCKING
