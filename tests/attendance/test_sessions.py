"""Sessions entered by the office (ATT-1)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attendance import services
from attendance.models import Session

pytestmark = pytest.mark.django_db


def test_att_1_session_duration_and_year_are_computed(make_session, year):
    """ATT-1: a session's duration comes from its start and end, its year from its date."""
    session = make_session(start=datetime.time(8, 30), end=datetime.time(12, 15))
    assert session.minutes == 225
    assert session.year == year


def test_att_1_only_the_office_enters_sessions(module, teacher, year):
    """ATT-1: a teacher does not enter sessions; nothing is written."""
    with pytest.raises(PermissionDenied):
        services.session_save(values={"module": module, "date": datetime.date(2026, 10, 5), "start": datetime.time(9),
                                      "end": datetime.time(10), "teacher": teacher}, options=[], by=teacher)
    assert not Session.objects.exists()


def test_att_1_session_outside_every_year_is_refused(make_session, year):
    """ATT-1: a date outside every academic year is refused, in French."""
    with pytest.raises(ValidationError, match="aucune année universitaire"):
        make_session(day=datetime.date(2030, 1, 7))


def test_att_1_same_module_day_and_start_is_one_session(make_session):
    """ATT-1: (module, date, start) is the natural key: a second one is refused."""
    make_session()
    with pytest.raises(ValidationError, match="déjà une séance"):
        make_session(room="C2")


def test_att_1_signed_session_no_longer_changes(make_session, teacher, students, office):
    """ATT-1: once signed, the office cannot change the session's times."""
    session = make_session()
    services.session_sign(session=session, present=[students[0]], by=teacher)
    with pytest.raises(ValidationError, match="signée"):
        services.session_save(session=session, values={"end": datetime.time(11)}, options=[], by=office)
    session.refresh_from_db()
    assert session.end == datetime.time(12)


def test_att_1_office_enters_a_session_through_the_form(login, office, module, teacher, year):
    """ATT-1: the office's form creates the session and lists it in its week."""
    client = login(office)
    response = client.post("/seances/nouvelle/", {
        "module": module.pk, "kind": "td", "date": "2026-10-06", "start": "14:00", "end": "17:30", "room": "A12",
        "teacher": teacher.pk,
    })
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.kind, session.minutes) == ("td", 210)
    page = client.get("/seances/?semaine=2026-10-08")
    assert module.name in page.content.decode()


def test_att_1_week_list_queries_do_not_grow(login, office, make_session, django_assert_num_queries):
    """STYLE §6: the week's list costs the same with 2 or 12 sessions."""
    client = login(office)
    for hour in (8, 10):
        make_session(start=datetime.time(hour), end=datetime.time(hour + 1))
    # 1. the user and their roles; 2. the week's count; 3. the page's sessions
    # with module, teacher and signature; 4. their options; 5. the
    # navigation's « À faire » count; 6. the footer's office contact.
    with django_assert_num_queries(6) as two:
        client.get("/seances/?semaine=2026-10-05")
    for hour in range(11, 21):
        make_session(start=datetime.time(hour), end=datetime.time(hour, 45))
    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get("/seances/?semaine=2026-10-05").status_code == 200
