"""Each person's calendar feed (issue 15, NOTIF-1): the deadlines they must
act on, read by calendar apps from a secret address with no session, and
parsed alike by icalendar and by vobject."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conventions.dossier import steps
from conventions.feeds import services
from tests import factories

from .conftest import PUBLIC, TODAY, both_parsers, dossier_of, feed_path, subscribe

pytestmark = pytest.mark.django_db

D = datetime.date


def read(token):
    response = Client().get(feed_path(token))
    assert response.status_code == 200, response.status_code
    return response


def events(token):
    return both_parsers(read(token).content)[1]


def uids(token):
    return {uid for uid, *_ in events(token)}


def test_notif_1_the_feed_is_a_calendar_both_parsers_read_alike(lea):
    """NOTIF-1: the student's feed is ``text/calendar; charset=utf-8``, a
    VCALENDAR 2.0 with its PRODID, the calendar's name « Contrats pro –
    Prénom Nom », the Paris time zone and a refresh every six hours; its
    events (UID, all-day start and end, title) read the same through
    icalendar and through vobject, with the same UIDs and dates."""
    token = subscribe(lea.student.user)
    response = read(token)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, found = both_parsers(response.content)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]) == "-//IMT Mines Alès//contrat-pro//FR"
    assert str(calendar["x-wr-calname"]) == "Contrats pro – Léa Martin"
    assert str(calendar["x-wr-timezone"]) == "Europe/Paris"
    assert calendar["refresh-interval"].params["VALUE"] == "DURATION"
    assert calendar.decoded("refresh-interval") == datetime.timedelta(hours=6)
    assert b"X-PUBLISHED-TTL:PT6H" in response.content
    host = "contrats-pro.example"
    assert [(uid, start, end) for uid, start, end, _summary in found if uid.endswith("step-5p@" + host)] == [
        (f"dossier-{lea.pk}-step-5p@{host}", D(2026, 8, 18), D(2026, 8, 19)),
    ]
    assert {uid for uid, *_ in found} == {
        f"dossier-{lea.pk}-step-{code}@{host}" for code in ("5p", "A", "B", "D", "F")
    }


def test_notif_1_each_deadline_is_a_whole_day_event_with_the_place_to_act(lea):
    """NOTIF-1: one all-day event on the due day (DTSTART;VALUE=DATE, DTEND
    the day after), transparent, its title in French with French
    typography (« Étape 5' : … – Léa Martin »: a spaced colon and an en
    dash), its description saying what, for whom, by when (« mardi 18 août
    2026 »), who acts, that it is late, and the absolute link to act, which
    is also its URL."""
    body = read(subscribe(lea.student.user)).content
    assert b"DTSTART;VALUE=DATE:20260818\r\nDTEND;VALUE=DATE:20260819\r\n" in body
    calendar, _found = both_parsers(body)
    event = next(e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(f"dossier-{lea.pk}-step-5p@"))
    assert str(event["summary"]) == "Étape 5' : Transmettre la convention signée au service – Léa Martin"
    assert " - " not in str(event["summary"])
    url = f"{PUBLIC}/dossiers/{lea.pk}/#etape-5p"
    assert str(event["url"]) == url
    assert str(event["transp"]) == "TRANSPARENT"
    assert str(event["description"]) == (
        "Étape 5' : Transmettre la convention signée au service.\n"
        "Élève : Léa Martin.\n"
        "Échéance : mardi 18 août 2026.\n"
        "À faire par : Élève.\n"
        "En retard : l'échéance est passée.\n"
        f"Où agir : {url}"
    )


def test_notif_1_an_open_deadline_rings_the_day_before_and_a_done_one_is_marked(lea, office):
    """NOTIF-1: an open deadline to come carries a DISPLAY alarm 15 hours
    before its day (9 h the day before); once done it stays in the feed,
    titled « … (fait) », described as done, with no alarm left."""
    token = subscribe(lea.student.user)

    def step_f():
        calendar, _found = both_parsers(read(token).content)
        return next(e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(f"dossier-{lea.pk}-step-F@"))

    alarms = step_f().walk("VALARM")
    assert [(str(a["action"]), a.decoded("trigger")) for a in alarms] == [("DISPLAY", datetime.timedelta(hours=-15))]
    factories.evidence(lea, "F", office=office)
    row = lea.steps.get(code="F")
    steps.step_transition(step=row, action=steps.SUBMIT, by=lea.student.user)
    steps.step_transition(step=row, action=steps.VALIDATE, by=office)
    event = step_f()
    assert str(event["summary"]) == (
        "Étape F : Remettre le carnet de présence complet avant le départ en PFE – Léa Martin (fait)"
    )
    assert "C'est fait." in str(event["description"])
    assert event.walk("VALARM") == []


def test_role_1_a_students_feed_carries_only_their_own_dossier(lea, other):
    """ROLE-1, ROLE-9: a student's feed holds their own dossier's deadlines
    that are theirs to meet; another student's dossier, and the office's or
    the head's deadlines on their own dossier (the invoice, the defence to
    schedule), are absent."""
    body = read(subscribe(lea.student.user)).content
    found = uids_of(body)
    assert found and all(uid.startswith(f"dossier-{lea.pk}-") for uid in found)
    assert not any(uid.startswith(f"dossier-{other.pk}-") for uid in found)
    assert not {f"dossier-{lea.pk}-invoice-s9@contrats-pro.example",
                f"dossier-{lea.pk}-pfe-defence@contrats-pro.example"} & found
    assert "Quaresmini".encode() not in body


def uids_of(body):
    return {uid for uid, *_ in both_parsers(body)[1]}


def test_role_4_a_tutors_feed_carries_their_tutees_grades_to_give(year, lea, other):
    """ROLE-4: the tuteur école's feed holds what they must do for their
    tutees (grading the S9 report), not their tutees' own deadlines, and
    nothing of a student they do not tutor."""
    tutor = factories.UserFactory(username="tuteur", groups=["Enseignants"])
    lea.tuteur_ecole = tutor
    lea.save(update_fields=["tuteur_ecole"])
    assert uids(subscribe(tutor)) == {f"dossier-{lea.pk}-s9-report@contrats-pro.example"}


def test_role_3_a_heads_feed_carries_what_they_must_do_in_their_department(lea, other, head):
    """ROLE-3: the head of 2IA's feed holds the defences to schedule of 2IA's
    dossiers (theirs to act on), not the students' steps, nothing of 2ER."""
    assert uids(subscribe(head)) == {f"dossier-{lea.pk}-pfe-defence@contrats-pro.example"}


def test_role_2_the_offices_feed_carries_every_open_dossiers_deadlines(lea, other, office):
    """ROLE-2, CERT-1, BILL-2, PFE-1: the office's feed holds every deadline
    of every open dossier — the students' steps, the certificates and the
    invoices to issue, the defences to schedule — each saying who acts; a
    dossier of a year whose contracts ended long ago is no longer there."""
    old = dossier_of(factories.AcademicYearFactory(start_year=2020), "Ancien", "Élève")
    calendar, found = both_parsers(read(subscribe(office)).content)
    keys = {uid.split("@")[0] for uid, *_ in found}
    for dossier in (lea, other):
        assert {f"dossier-{dossier.pk}-{key}" for key in (
            "step-5p", "step-A", "certificate-s9", "invoice-s9", "invoice-solde", "pfe-defence", "opco-contract",
        )} <= keys
    assert not any(key.startswith(f"dossier-{old.pk}-") for key in keys)
    defence = next(e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith(f"dossier-{other.pk}-pfe-defence@"))
    assert str(defence["summary"]) == "Programmer la soutenance de PFE – Hugo Quaresmini"
    assert "À faire par : Responsable de département." in str(defence["description"])


def test_notif_1_the_feed_spans_two_months_back_to_a_year_ahead(lea):
    """NOTIF-1: a deadline older than 60 days, or more than a year ahead,
    leaves the feed; one on the window's edges stays."""
    lea.steps.filter(code="5p").update(deadline=TODAY - services.WINDOW_BEFORE)
    lea.steps.filter(code="A").update(deadline=TODAY - services.WINDOW_BEFORE - datetime.timedelta(days=1))
    lea.steps.filter(code="B").update(deadline=TODAY + services.WINDOW_AFTER)
    lea.steps.filter(code="D").update(deadline=TODAY + services.WINDOW_AFTER + datetime.timedelta(days=1))
    found = {uid.split("@")[0].rsplit("-", 1)[1] for uid in uids(subscribe(lea.student.user))}
    assert found == {"5p", "B", "F"}


def test_notif_1_an_events_uid_stays_when_its_deadline_moves(lea):
    """NOTIF-1: the UID names the dossier and the obligation, never the
    date: a moved deadline moves the same event in the person's calendar."""
    token = subscribe(lea.student.user)
    before = {uid: start for uid, start, *_ in events(token)}
    lea.steps.filter(code="A").update(deadline=D(2026, 12, 11))
    after = {uid: start for uid, start, *_ in events(token)}
    uid = f"dossier-{lea.pk}-step-A@contrats-pro.example"
    assert set(before) == set(after)
    assert (before[uid], after[uid]) == (D(2026, 12, 18), D(2026, 12, 11))


def _office_feed_queries(token):
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(feed_path(token))
    assert response.status_code == 200
    return len(queries), len(both_parsers(response.content)[1])


def test_notif_1_the_feeds_query_count_does_not_grow_with_its_events(year, lea, office):
    """NOTIF-1: the office's feed reads the same number of queries with one
    dossier as with six (each source set-based, the people and the
    students' names one query each), though it carries six times more
    events."""
    token = subscribe(office)
    _office_feed_queries(token)  # the first read also marks the feed read
    small, small_events = _office_feed_queries(token)
    for n in range(5):
        dossier_of(year, "Élève", f"Numéro {n}")
    large, large_events = _office_feed_queries(token)
    assert large_events == 6 * small_events
    assert small == large
