"""Query pins of the attendance pages (STYLE §6): « Mes séances », « Mon
carnet » and the office's carnets cost the same number of queries with 2
and with 20 rows. The session is read from the cache (SESSION_ENGINE
cached_db); each pin names its queries."""

import datetime

import pytest

from attendance import services
from conventions.documents.pdf import document_attach
from conventions.documents.models import DocumentKind
from conventions.models import Dossier
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 14)  # a Wednesday


def weekdays(first, count):
    day, found = first, []
    while len(found) < count:
        if day.weekday() < 5:
            found.append(day)
        day += datetime.timedelta(days=1)
    return found


@pytest.fixture
def teacher_sessions(make_session, teacher, students, clock):
    """``rows`` sessions of the teacher in each list of « Mes séances »:
    today's, the past ones to sign, those of the coming week."""
    clock(TODAY, datetime.time(18))

    def _make(rows):
        for n in range(rows):
            make_session(day=TODAY, start=datetime.time(7, 0) if n == 0 else datetime.time(7 + n // 2, 30 * (n % 2)),
                         end=datetime.time(8 + n // 2, 0) if n else datetime.time(7, 30))
        for day in weekdays(TODAY - datetime.timedelta(days=40), rows):
            make_session(day=day)
        for n in range(rows):
            make_session(day=TODAY + datetime.timedelta(days=1 + n % 6), start=datetime.time(6 + n // 6, 0),
                         end=datetime.time(6 + n // 6, 50))
    return _make


# « Mes séances »: 1. the user with their roles (contratpro.backends);
# 2. today's sessions with module, department, option, teacher and
# signature; 3. their options (prefetch); 4-5. the past ones not signed,
# and their options; 6-7. the coming week's, and their options; 8. the
# footer's office contact (CONTACT-1, the context processor).
MY_SESSIONS = 8


@pytest.mark.parametrize("rows", [2, 20])
def test_att_1_my_sessions_queries_do_not_grow_with_sessions(login, teacher, teacher_sessions, rows,
                                                             django_assert_num_queries):
    """ATT-1, ROLE-6, STYLE §6: « Mes séances » costs 8 queries with 2 or
    20 sessions in each of its lists."""
    teacher_sessions(rows)
    client = login(teacher)
    with django_assert_num_queries(MY_SESSIONS):
        page = client.get("/mes-seances/").content.decode()
    assert page.count('class="list-group-item') >= 3 * rows


@pytest.fixture
def carnet_rows(make_session, teacher, students, clock, tiny_pdf_layout):
    """``rows`` signed sessions of the first student, ``rows`` past ones not
    signed, and ``rows`` versions of the carnet document."""
    clock(datetime.date(2026, 12, 18), datetime.time(18))

    def _make(rows):
        student = students[0]
        days = weekdays(datetime.date(2026, 9, 1), 2 * rows)
        for n, day in enumerate(days):
            session = make_session(day=day)
            if n < rows:
                services.session_sign(session=session, present=[student] if n % 3 else [], by=teacher)
        dossier = Dossier.objects.get(student=student)
        for _ in range(rows):
            document_attach(dossier=dossier, kind=DocumentKind.CARNET, content=factories.tiny_pdf(),
                            name="carnet.pdf", generated=True, by=student.user)
        return student
    return _make


# « Mon carnet »: 1. the user with their roles; 2. the student with year,
# department and option; 3. the totals per semester (ATT-2); 4. the signed
# lines' count (pagination); 5. the past sessions not signed (count); 6. the
# student's dossier of the year; 7. the carnet's last PDF job; 8. its latest
# versions (DOC-6); 9. a page of the signed lines with session, module,
# teacher and signer; 10. the footer's office contact.
MY_CARNET = 10


@pytest.mark.parametrize("rows", [2, 20])
def test_att_1_my_carnet_queries_do_not_grow_with_lines(login, carnet_rows, rows, django_assert_num_queries):
    """ATT-1, ATT-3, STYLE §6: « Mon carnet » costs 10 queries with 2 or 20
    signed lines, unsigned sessions and versions of the carnet."""
    student = carnet_rows(rows)
    client = login(student.user)
    with django_assert_num_queries(MY_CARNET):
        page = client.get("/mon-carnet/").content.decode()
    assert page.count(">Absent<") + page.count(">Présent<") == rows
    assert f"Carnet de présence, version {rows} (PDF)" in page


# The carnets: 1. the user with their roles; 2. the current year; 3. the
# count of the year's contrat-pro students (pagination); 4. a page of them
# with user, department, option and their minutes per semester (ATT-2);
# 5. the navigation's « À faire » count (the office's queues); 6. the
# footer's office contact.
CARNET_LIST = 6


@pytest.mark.parametrize("rows", [2, 20])
def test_att_2_carnet_list_queries_do_not_grow_with_students(login, office, year, option, make_session, teacher,
                                                             rows, clock, django_assert_num_queries):
    """ATT-2, STYLE §6: the office's carnets cost 6 queries with 2 or 20
    students, each with signed hours."""
    clock(datetime.date(2026, 10, 20))
    for n in range(rows):
        factories.DossierFactory(student__year=year, student__option=option, student__user__last_name=f"Élève{n:02d}")
    services.session_sign(session=make_session(), present=[], by=teacher)
    client = login(office)
    with django_assert_num_queries(CARNET_LIST):
        page = client.get("/carnets/").content.decode()
    assert page.count("/carnets/") >= rows
