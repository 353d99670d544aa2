"""Step C follows the carnet (STEP-1 C, SCORE-1): a proposed score from the
share of the sessions expected so far that are signed with the student
present; shown to the office beside step C, confirmed in one click."""

import datetime

import pytest
from django.urls import reverse

from attendance import services
from conventions.dossier import proposals, steps
from conventions.models import Dossier
from grading.models import BaremeLine, ScoreMode, StepScore

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 5)


@pytest.fixture
def dossier(students):
    dossier = Dossier.objects.select_related("student").get(student=students[0])
    steps.steps_sync(dossier)
    return dossier


def sign_sessions(make_session, teacher, students, *, present, total, start=DAY):
    """``total`` sessions on consecutive days from ``start``, signed; the
    first student present at the first ``present`` of them."""
    for n in range(total):
        session = make_session(day=start + datetime.timedelta(days=n))
        services.session_sign(session=session, present=students[:1] if n < present else [], by=teacher)


@pytest.mark.parametrize(("attended", "expected", "maximum", "points"), [
    (9, 10, 2, 2), (8, 10, 2, 1), (7, 10, 2, 1), (6, 10, 2, 0), (0, 10, 2, 0),
    (9, 10, 1, 1), (8, 10, 1, 0), (0, 0, 2, None),
])
def test_step_c_points_follow_the_thresholds(attended, expected, maximum, points):
    """SCORE-1, step C: ≥ 90 % of the sessions so far signed present gives
    the maximum; in mode progressive ≥ 70 % gives 1; less gives 0; in mode
    fait / non fait, under 90 % gives 0; nothing before a first session."""
    assert services.step_c_points(attended, expected, maximum) == points


def test_step_c_share_counts_only_begun_sessions_signed_with_the_student_present(
        make_session, teacher, students, clock):
    """ATT-1, step C: of the sessions begun by now, count those signed with
    the student present — not an absence, not an unsigned session, not a
    session still to come (today's later one, tomorrow's)."""
    clock(datetime.date(2026, 10, 9), datetime.time(10))
    sign_sessions(make_session, teacher, students, present=2, total=3)  # 5, 6 (present), 7 (absent)
    make_session(day=datetime.date(2026, 10, 8))  # unsigned: expected, not counted
    make_session(day=datetime.date(2026, 10, 9), start=datetime.time(9), end=datetime.time(10))  # begun at 9 h
    make_session(day=datetime.date(2026, 10, 9), start=datetime.time(14), end=datetime.time(16))  # not yet
    make_session(day=datetime.date(2026, 10, 12))  # to come
    assert services.carnet_share(students[0]) == (2, 5)


def test_step_c_proposal_says_what_it_comes_from(dossier, make_session, teacher, students, clock):
    """Step C: the proposal registered by attendance gives the points and
    « N présences signées sur M séances à ce jour »."""
    clock(datetime.date(2026, 10, 30))
    sign_sessions(make_session, teacher, students, present=9, total=10)
    proposal = proposals.proposal_for("C", dossier, maximum=2)
    assert proposal == proposals.Proposal(points=2, reason="9 présences signées sur 10 séances à ce jour")
    assert proposals.proposal_for("C", dossier, maximum=1).points == 1


def test_step_c_the_office_sees_the_proposal_beside_step_c_and_confirms_it(
        login, office, dossier, make_session, teacher, students, clock):
    """SCORE-1, step C: the barème panel loads the proposal beside step C
    (htmx, from the step's points URL); nothing is scored until the office
    clicks « Retenir », which stores the proposed points."""
    clock(datetime.date(2026, 10, 30))
    sign_sessions(make_session, teacher, students, present=8, total=10)
    client = login(office)
    page = client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    url = reverse("grading:score-set", args=[dossier.pk, "C"])
    assert f'data-hx-get="{url}"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "proposé : 1 — 8 présences signées sur 10 séances à ce jour" in fragment
    assert "Retenir 1 / 2 pour l&#x27;étape C" in fragment or "Retenir 1 / 2 pour l'étape C" in fragment
    assert not StepScore.objects.filter(dossier=dossier, step="C").exists()
    client.post(url, {"points": "1"}, headers={"HX-Request": "true"})
    assert StepScore.objects.get(dossier=dossier, step="C").points == 1
    assert "retenu" in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_step_c_without_htmx_the_link_shows_the_proposal_in_the_page(
        login, office, dossier, make_session, teacher, students, clock):
    """Step C: without htmx the proposal's link opens the dossier page with
    the proposal read in the barème panel."""
    clock(datetime.date(2026, 10, 30))
    sign_sessions(make_session, teacher, students, present=1, total=2)
    client = login(office)
    response = client.get(reverse("grading:score-set", args=[dossier.pk, "C"]))
    assert response.status_code == 302 and response["Location"].endswith("?proposition=C#bareme")
    page = client.get(response["Location"]).content.decode()
    assert "proposé : 0 — 1 présence signée sur 2 séances à ce jour" in page


def test_step_c_in_mode_fait_non_fait_the_proposal_is_0_or_1(
        login, office, dossier, make_session, teacher, students, clock):
    """SCORE-1, SCORE-2: when the year's barème scores C « fait / non fait »,
    the proposal is on 0–1."""
    BaremeLine.objects.filter(year=dossier.year_id, step="C").delete()
    BaremeLine.objects.create(year=dossier.year, step="C", mode=ScoreMode.BINARY)
    clock(datetime.date(2026, 10, 30))
    sign_sessions(make_session, teacher, students, present=9, total=10)
    fragment = login(office).get(reverse("grading:score-set", args=[dossier.pk, "C"]),
                                 headers={"HX-Request": "true"}).content.decode()
    assert "proposé : 1 — 9 présences signées" in fragment and "Retenir 1 / 1" in fragment


def test_step_c_the_proposal_is_for_the_office_only(login, dossier, head):
    """SCORE-1, ROLE-9: the student and the head see no proposal (403), and
    the student's barème panel asks for none."""
    url = reverse("grading:score-set", args=[dossier.pk, "C"])
    assert login(dossier.student.user).get(url, headers={"HX-Request": "true"}).status_code == 403
    assert login(head).get(url, headers={"HX-Request": "true"}).status_code == 403
    page = login(dossier.student.user).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert f'data-hx-get="{url}"' not in page
