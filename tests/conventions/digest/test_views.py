"""« Récapitulatif » (NOTIF-1): the weekly digest's page, what the next
digest holds for the viewer, from the same builder as the mail."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("conventions:digest")


def soon(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_notif_1_the_office_reads_every_department_s_week(login, office, make_dossier):
    """NOTIF-1: the office's page names the students of every department,
    late first, with the links to the place to act (on the portal)."""
    late = make_dossier("2IA", first_name="Jeanne", last_name="Aubrac", A=soon(-2))
    make_dossier("PRISM", first_name="Paul", last_name="Vidal", A=soon(3))
    page = login(office).get(URL)
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 en retard, 1 à venir cette semaine" in text
    assert "Jeanne Aubrac" in text and "Paul Vidal" in text
    assert "2 jours de retard" in text and "dans 3 jours" in text
    assert f'href="/dossiers/{late.pk}/#etape-A"' in text


def test_notif_1_a_head_s_page_never_shows_another_department_s_student(login, head, make_dossier):
    """ROLE-3: the head of 2IA reads 2IA's students only."""
    make_dossier("2IA", first_name="Jeanne", last_name="Aubrac", A=soon(2))
    make_dossier("PRISM", first_name="Paul", last_name="Vidal", A=soon(2))
    text = login(head).get(URL).content.decode()
    assert "Jeanne Aubrac" in text and "Paul Vidal" not in text


def test_notif_1_a_student_or_a_teacher_is_refused_the_digest(login, make_dossier):
    """ROLE-9: neither a student nor a teacher who heads nothing reads it (403)."""
    dossier = make_dossier(A=soon(2))
    teacher = factories.UserFactory(username="prof", groups=["Enseignants"])
    assert login(dossier.student.user).get(URL).status_code == 403
    assert login(teacher).get(URL).status_code == 403


def test_notif_1_an_empty_week_says_no_digest_will_leave(login, head):
    """NOTIF-1: nothing late nor due: the page says Monday's digest will not leave."""
    text = login(head).get(URL).content.decode()
    assert "rien en retard, rien à venir cette semaine" in text
    assert "le récapitulatif de lundi ne partira pas" in text


@pytest.mark.parametrize("size", [2, 12])
def test_notif_1_the_digest_page_s_query_count_does_not_grow(login, office, make_dossier, size,
                                                           django_assert_num_queries):
    """NOTIF-1: the office's page in the same number of queries for 2 and
    12 dossiers: the session and the viewer, the roles' flags, each source
    of the deadlines registry once (steps, billing, certificates, grading,
    attendance…), the employer's 5 days, the students' departments once."""
    for n in range(size):
        make_dossier(("2IA", "PRISM")[n % 2], A=soon(n % 9 - 2))
    client = login(office)
    client.get(URL)  # the school identity and the like cached once
    with django_assert_num_queries(PINNED):
        page = client.get(URL)
    assert page.status_code == 200


# The viewer (the session is signed); the deadlines registry, each source
# once: the steps, billing's invoices, the dossiers' own dates (conventions),
# grading's PFE report and defence, attendance's ruptures, the certificates;
# the employer's 5 days; the students and departments of the lines (one);
# the navigation's « À faire » count; the school's identity (the footer).
PINNED = 11
