"""The students list at the scale of a school (issue 10): filters, counts
and pages in the database on the stored eligibility verdicts, the rules run
for the shown page only, the verdicts kept true (ELIG-1…10, ROLE-2, ROLE-3)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from students import eligibility, services, tasks
from students.models import Acknowledgement, Department, InfoMeeting, Override, Student
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("students:student-list")


@pytest.fixture
def meeting(year):
    return InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12))


def student_with(meeting=None, **facts):
    student = factories.StudentFactory(**{"sio_validated": True, "toeic_validated": True, **facts})
    if meeting is not None:
        meeting.attendees.add(student)
    return student


def shown(client, **params):
    return {row["student"] for row in client.get(LIST, params).context["page"].object_list}


def stored(student):
    return Student.objects.values_list("eligibility_status", flat=True).get(pk=student.pk)


def add_students(count, meeting, office):
    """Students with a meeting, an acknowledgement, an override and a dossier each."""
    for student in factories.StudentFactory.create_batch(count, sio_validated=False, scholarship_holder=True):
        meeting.attendees.add(student)
        Acknowledgement.objects.create(student=student, rule="ELIG-8", fingerprint="x", by=student.user, text="t")
        Override.objects.create(student=student, rule="ELIG-2", fingerprint="y", by=office, reason="r", status_before="warning")
        factories.DossierFactory(student=student)


def test_role_2_list_query_count_does_not_grow_with_rows(login, office, year, meeting, django_assert_num_queries):
    """ROLE-2: the students list costs the same number of queries for 3 and
    for 30 students, each with meetings, acknowledgements, overrides and a dossier.

    Queries: the user with their roles (the session comes from the cache);
    whether a verdict is stale; the count; the page's students; one prefetch
    each for info meetings, acknowledgements, overrides and dossiers; the
    navigation's « À faire » count; the department choices of the filter;
    the footer's office contact (the school's identity, CONTACT-1).
    """
    client = login(office)
    add_students(3, meeting, office)
    services.eligibility_verdicts_refresh()
    with django_assert_num_queries(11) as small:
        client.get(LIST)
    add_students(27, meeting, office)
    services.eligibility_verdicts_refresh()
    with django_assert_num_queries(11) as large:
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 30
    assert len(small.captured_queries) == len(large.captured_queries)


def test_role_2_list_evaluates_new_students_in_a_fixed_number_of_queries(
    login, office, year, meeting, django_assert_num_queries
):
    """ROLE-2, ELIG-1: students never evaluated (created outside the
    services) get their verdict when a list first reads them, in the same
    number of queries for 3 and for 30, and are filtered right away.

    Queries: the 11 of a list whose verdicts are current, plus: the stale
    students' ids; them with their year; one prefetch each for meetings,
    acknowledgements, overrides and dossiers; one update of their verdicts.
    """
    client = login(office)
    add_students(3, meeting, office)
    with django_assert_num_queries(18) as small:
        client.get(LIST, {"state": "risques"})
    add_students(27, meeting, office)
    with django_assert_num_queries(18) as large:
        response = client.get(LIST, {"state": "risques"})
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.context["page"].paginator.count == 30
    assert set(Student.objects.values_list("eligibility_status", flat=True)) == {eligibility.WARNING}


def test_role_2_list_shows_a_page_of_the_filtered_students(login, office, year, meeting):
    """ROLE-2: "bloqué" is counted and paginated in the database: 30 blocked
    students of 35 give 2 pages, 25 then 5, every row blocked."""
    for _ in range(30):
        student_with(meeting, resit_s5=True)
    for _ in range(5):
        student_with(meeting)
    client = login(office)
    first = client.get(LIST, {"state": "bloques"}).context["page"]
    second = client.get(LIST, {"state": "bloques", "page": 2}).context["page"]
    assert first.paginator.count == 30
    assert (len(first.object_list), len(second.object_list)) == (25, 5)
    assert {row["result"].status for row in [*first.object_list, *second.object_list]} == {eligibility.BLOCKING}
    names = [(row["student"].user.last_name, row["student"].user.first_name) for row in first.object_list]
    assert names == sorted(names)


def test_elig_4_blocked_filter_right_after_the_facts_change(login, office, year, meeting):
    """ELIG-4: once the office records a pending S6 resit, the student is
    listed as blocked on the next page view; once it is lifted, no longer."""
    student = student_with(meeting)
    client = login(office)
    assert shown(client, state="bloques") == set()
    services.student_facts_update(student=student, values={"resit_s6": True}, by=office)
    assert stored(student) == eligibility.BLOCKING
    assert shown(client, state="bloques") == {student}
    services.student_facts_update(student=student, values={"resit_s6": False}, by=office)
    assert shown(client, state="bloques") == set()
    assert shown(client, state="conformes") == {student}


def test_elig_1_blocked_filter_follows_the_meetings_attended(login, office, year, meeting):
    """ELIG-1: ticking the student's information meeting takes them out of "bloqué" at once."""
    student = student_with()
    client = login(office)
    assert shown(client, state="bloques") == {student}
    services.student_facts_update(student=student, values={}, attended_meetings=[meeting], by=office)
    assert shown(client, state="bloques") == set()


def test_elig_10_override_takes_the_student_out_of_blocked(login, office, year, meeting):
    """ELIG-10: an office override lifts the block in the list's filter right away."""
    student = student_with(meeting, international_mobility=True)
    client = login(office)
    assert shown(client, state="bloques") == {student}
    services.eligibility_override(student=student, rule="ELIG-5", reason="Mobilité annulée, courrier reçu.", by=office)
    assert shown(client, state="bloques") == set()
    assert shown(client, state="conformes") == {student}


def test_elig_8_acknowledged_risk_stays_a_flagged_risk(login, office, year, meeting):
    """ELIG-8: accepting the scholarship risk keeps the student among "risques signalés"."""
    student = student_with(meeting, scholarship_holder=True)
    services.eligibility_acknowledge(student=student, rule="ELIG-8", by=student.user)
    assert stored(student) == eligibility.WARNING
    assert shown(login(office), state="risques") == {student}


def test_elig_6_blocked_filter_follows_the_date(login, office, year, meeting, monkeypatch):
    """ELIG-6: a permit valid until 10 January 2027 is not blocking that day;
    the list of the 11th shows the student as blocked, without any write to
    their facts (the stored verdict carries its last valid day)."""
    expiry = datetime.date(2027, 1, 10)
    student = student_with(meeting, foreign_national=True, permit_work_authorised=True, permit_expiry=expiry)
    client = login(office)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: expiry)
    assert shown(client, state="bloques") == set()
    assert Student.objects.get(pk=student.pk).eligibility_until == expiry
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: expiry + datetime.timedelta(days=1))
    assert shown(client, state="bloques") == {student}
    assert Student.objects.get(pk=student.pk).eligibility_until is None


def test_elig_6_verdict_valid_until_the_permit_expires():
    """ELIG-6: a verdict holds until the permit's last day; without a permit
    running, or for a national, no date changes it."""
    base = dict(
        attended_info_meeting=True, sio_validated=True, sio_blocking=False, toeic_validated=True, resits=(),
        resit_threatens_3a=False, international_mobility=False, foreign_national=True,
        internship_2a_over_3_months=False, permit_work_authorised=True, permit_main_activity=True,
        permit_expiry=datetime.date(2027, 1, 10), contract_end=datetime.date(2027, 8, 31),
        today=datetime.date(2027, 1, 10), double_diploma_incoming=False, home_institution="",
        home_approval_date=None, scholarship_holder=False,
    )
    assert eligibility.valid_until(eligibility.Facts(**base)) == datetime.date(2027, 1, 10)
    assert eligibility.valid_until(eligibility.Facts(**{**base, "today": datetime.date(2027, 1, 11)})) is None
    assert eligibility.valid_until(eligibility.Facts(**{**base, "foreign_national": False})) is None
    assert eligibility.valid_until(eligibility.Facts(**{**base, "permit_expiry": None})) is None


def test_elig_4_nightly_task_catches_what_changed_outside_the_services(year, meeting):
    """ELIG-4: a fact written behind the services' back (an admin, a script)
    is in the stored verdict after the nightly task, which beat schedules."""
    student = student_with(meeting)
    services.eligibility_verdicts_refresh()
    Student.objects.filter(pk=student.pk).update(resit_s7=True)
    assert stored(student) == eligibility.OK
    assert tasks.eligibility_verdicts_nightly.delay().get() == 1
    assert stored(student) == eligibility.BLOCKING
    assert tasks.eligibility_verdicts_nightly.delay().get() == 0
    entry = settings.CELERY_BEAT_SCHEDULE["students-eligibility-verdicts"]
    assert entry["task"] == tasks.eligibility_verdicts_nightly.name


def test_role_3_head_filters_only_their_department(login, year, head, meeting):
    """ROLE-3, ROLE-9: a head's "bloqué" filter and count hold only their
    department's students; the department choices only their department."""
    mine = student_with(meeting, resit_s5=True)
    gcbd = factories.department("GCBD")
    student_with(meeting, resit_s5=True, department=gcbd, option=gcbd.options.first())
    client = login(head)
    response = client.get(LIST, {"state": "bloques"})
    assert response.context["page"].paginator.count == 1
    assert {row["student"] for row in response.context["page"].object_list} == {mine}
    assert list(response.context["form"].fields["department"].queryset) == [factories.department("2IA")]
    outside = client.get(LIST, {"state": "bloques", "department": gcbd.pk})
    assert "department" in outside.context["form"].errors
    assert {row["student"] for row in outside.context["page"].object_list} == {mine}


def test_role_2_office_is_offered_every_department(login, office, year):
    """ROLE-2: the office's department choices are every department, read
    without scanning the students."""
    choices = login(office).get(LIST).context["form"].fields["department"].queryset
    assert set(choices) == set(Department.objects.all())


def test_role_2_students_list_rows_are_stacked_cards_on_phones(login, office, year, meeting):
    """ROLE-2: each cell of the students list says what it holds, for the stacked cards of a phone."""
    student_with(meeting)
    content = login(office).get(LIST).content.decode()
    assert 'class="table table-hover table-stack' in content
    for label in ("Élève", "Département", "Situation", "Pourquoi", "Étape 1"):
        assert f'data-label="{label}"' in content
