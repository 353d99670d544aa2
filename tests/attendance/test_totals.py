"""Hours signed per semester (ATT-2)."""

import datetime

import pytest

from attendance import services
from attendance.models import Presence
from tests import factories

pytestmark = pytest.mark.django_db


def test_att_2_totals_on_both_sides_of_the_s9_end(make_session, students, teacher, year, clock):
    """ATT-2: a session on the year's end of S9 counts in S9, the next day's
    in S10 (split on ``s9_end``, here moved to 18 December); signed in
    February, once they have all taken place."""
    clock(datetime.date(2027, 2, 1))
    year.s9_end = datetime.date(2026, 12, 18)
    year.save()
    student = students[0]
    for day, end in ((datetime.date(2026, 12, 18), datetime.time(11)), (datetime.date(2026, 12, 19), datetime.time(12)),
                     (datetime.date(2027, 1, 4), datetime.time(10, 30))):
        session = make_session(day=day, end=end)
        services.session_sign(session=session, present=[student], by=teacher)
    assert services.signed_minutes(Presence.objects.filter(student=student)) == {"s9": 120, "s10": 180 + 90}
    annotated = services.with_totals(type(student).objects.filter(pk=student.pk)).get()
    assert (annotated.s9_minutes, annotated.s10_minutes) == (120, 270)
    rows = services.totals({"s9": 120, "s10": 270})
    assert [(r["label"], r["hours"], r["target"]) for r in rows] == [("S9", "2 h", 270), ("S10", "4 h 30", 210)]


def test_att_2_absent_lines_count_nothing(make_session, students, teacher):
    """ATT-2: an absent line of a signed session adds no hour."""
    session = make_session()
    services.session_sign(session=session, present=[students[0]], by=teacher)
    assert services.signed_minutes(Presence.objects.filter(student=students[1])) == {"s9": 0, "s10": 0}


def test_att_2_my_carnet_shows_the_totals(login, make_session, students, teacher):
    """ATT-2: « Mon carnet » shows the hours signed against 270 h and 210 h."""
    services.session_sign(session=make_session(), present=[students[0]], by=teacher)
    make_session(day=datetime.date(2026, 10, 6))  # unsigned: counts nothing
    page = login(students[0].user).get("/mon-carnet/").content.decode()
    assert "3 h signées sur 270 h" in page and "0 h signées sur 210 h" in page
    assert "1 séance passée attend encore la signature" in page


def _sign_many(make_session, students, teacher, count, first_day):
    for n in range(count):
        session = make_session(day=first_day + datetime.timedelta(days=n))
        services.session_sign(session=session, present=students, by=teacher)


def test_att_2_office_list_queries_do_not_grow(login, office, make_session, students, teacher, year,
                                               django_assert_num_queries):
    """ATT-2, STYLE §6: the office's carnet list costs the same with 2 or 12
    signed sessions and 3 or 8 students: one query for the page's totals."""
    client = login(office)
    _sign_many(make_session, students, teacher, 2, datetime.date(2026, 10, 5))
    # 1. the user and their roles; 2. the current year; 3. the page's count;
    # 4. the page's students with their totals (one aggregate); 5. the
    # navigation's « À faire » count; 6. the footer's office contact.
    with django_assert_num_queries(6) as few:
        page = client.get("/carnets/")
    assert "6 h / 270 h" in page.content.decode()
    for name in ("Durand", "Estève", "Fabre", "Gros", "Hugon"):
        factories.DossierFactory(student__year=year, student__option=students[0].option, student__user__last_name=name)
    _sign_many(make_session, students, teacher, 10, datetime.date(2026, 11, 2))
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/carnets/").status_code == 200


def test_att_2_dossier_panel_queries_do_not_grow(login, office, make_session, students, teacher,
                                                 django_assert_num_queries):
    """ATT-2: the dossier's Présence panel reads the same number of queries
    with 2 or 12 signed sessions, and shows the totals."""
    dossier = students[0].dossiers.get()
    client = login(office)
    _sign_many(make_session, students, teacher, 2, datetime.date(2026, 10, 5))
    # 1. the user and their roles; 2. the dossier with its student; 3. the totals (one aggregate).
    with django_assert_num_queries(3) as few:
        body = client.get(f"/dossiers/{dossier.pk}/presence/", HTTP_HX_REQUEST="true").content.decode()
    assert "6 h signées sur 270 h" in body
    _sign_many(make_session, students, teacher, 10, datetime.date(2026, 11, 2))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"/dossiers/{dossier.pk}/presence/", HTTP_HX_REQUEST="true")


def test_att_2_dossier_page_shows_the_presence_panel(login, office, students):
    """ATT-2: the dossier page has a Présence part that loads the totals."""
    dossier = students[0].dossiers.get()
    page = login(office).get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "Carnet de présence" in page and f"/dossiers/{dossier.pk}/presence/" in page
