"""ATT-1: what a review found in the first slice — a session signed before
it began, ids and weeks that answered 500, a refused correction that lost
its ticks, two confirmations of one import racing on the natural key."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attendance import imports, services
from attendance.models import Presence, PresenceCorrection, Session, SessionSignature

from .test_imports import workbook

pytestmark = pytest.mark.django_db

NOT_STARTED = "Une séance se signe une fois commencée."
DUPLICATE = "Ce module a déjà une séance ce jour-là à cette heure."


def test_att_1_a_session_is_signed_only_once_it_has_begun(make_session, students, teacher, clock):
    """ATT-1: before its day at its start (local time) the sheet is refused
    in French and nothing is written; from its start it signs."""
    session = make_session(day=datetime.date(2026, 10, 5), start=datetime.time(9))
    clock(datetime.date(2026, 10, 5), datetime.time(8, 59))
    with pytest.raises(ValidationError, match=NOT_STARTED):
        services.session_sign(session=session, present=[students[0]], by=teacher)
    clock(datetime.date(2026, 10, 4), datetime.time(18))
    with pytest.raises(ValidationError, match=NOT_STARTED):
        services.session_sign(session=session, present=[students[0]], by=teacher)
    assert not SessionSignature.objects.exists() and not Presence.objects.exists()
    clock(datetime.date(2026, 10, 5), datetime.time(9))
    services.session_sign(session=session, present=[students[0]], by=teacher)
    assert SessionSignature.objects.filter(session=session).exists()


def test_att_1_the_sign_button_waits_for_the_session_to_begin(login, make_session, students, teacher, clock):
    """ATT-1: before the session begins its teacher sees the sheet with the
    button disabled and why; a POST signs nothing. Once begun, it is offered."""
    session = make_session(day=datetime.date(2026, 10, 5), start=datetime.time(14), end=datetime.time(16))
    client = login(teacher)
    clock(datetime.date(2026, 10, 5), datetime.time(13, 30))
    page = client.get(f"/seances/{session.pk}/").content.decode()
    assert NOT_STARTED in page
    assert 'disabled aria-describedby="sign-wait"' in page
    response = client.post(f"/seances/{session.pk}/signer/", {"present": [students[0].pk]}, follow=True)
    assert response.status_code == 200 and NOT_STARTED in response.content.decode()
    assert not SessionSignature.objects.exists()
    clock(datetime.date(2026, 10, 5), datetime.time(14, 5))
    page = client.get(f"/seances/{session.pk}/").content.decode()
    assert "Signer la feuille de présence" in page and NOT_STARTED not in page and "disabled" not in page


@pytest.mark.parametrize("value", ["²", "١", "12345678901", "-1", " 1"])
def test_att_1_a_ticked_value_that_is_not_an_id_is_refused_not_a_500(login, make_session, students, teacher,
                                                                     office, value):
    """ATT-1: ``present`` holds ASCII digits only (``str.isdigit`` took « ² »
    and ``int`` failed): signing or correcting is refused in French."""
    session = make_session()
    response = login(teacher).post(f"/seances/{session.pk}/signer/", {"present": [students[0].pk, value]},
                                   follow=True)
    assert response.status_code == 200 and "pas reconnu" in response.content.decode()
    assert not SessionSignature.objects.exists()
    services.session_sign(session=session, present=[], by=teacher)
    response = login(office).post(f"/seances/{session.pk}/corriger/",
                                  {"present": [students[0].pk, value], "reason": "Oubli."})
    assert response.status_code == 400 and "pas reconnu" in response.content.decode()
    assert not PresenceCorrection.objects.exists()


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "0001-01-03", "1999-12-31", "2101-01-03", "x"])
def test_att_1_a_week_out_of_the_portals_years_is_this_week(login, office, week):
    """ATT-1: ``?semaine=`` outside 2000–2100 (its neighbours would overflow
    the calendar) shows the current week, never a 500."""
    response = login(office).get("/seances/", {"semaine": week})
    today = timezone.localdate()
    assert response.status_code == 200
    assert response.context["monday"] == today - datetime.timedelta(days=today.weekday())


def test_att_1_a_week_in_the_portals_years_is_kept(login, office):
    """ATT-1: a day of 2000 or 2100 still opens its week."""
    client = login(office)
    assert client.get("/seances/", {"semaine": "2100-12-31"}).context["monday"] == datetime.date(2100, 12, 27)
    assert client.get("/seances/", {"semaine": "2000-01-05"}).context["monday"] == datetime.date(2000, 1, 3)


def test_att_1_a_refused_correction_keeps_the_ticks_and_the_reason(login, make_session, students, teacher, office):
    """ATT-1: the correction form shown again (no reason, or nothing
    changed) keeps the boxes as posted and the reason typed."""
    session = make_session()
    services.session_sign(session=session, present=[students[0]], by=teacher)
    client = login(office)
    response = client.post(f"/seances/{session.pk}/corriger/", {"present": [students[1].pk]})
    assert response.status_code == 400
    ticked = {line.student_id for line in response.context["lines"] if line.present}
    assert ticked == {students[1].pk}
    page = response.content.decode()
    assert f'id="present-{students[1].pk}" checked' in page and f'id="present-{students[0].pk}" checked' not in page
    response = client.post(f"/seances/{session.pk}/corriger/", {"present": [students[0].pk],
                                                                 "reason": "Vérifié avec l'enseignante."})
    assert response.status_code == 400 and "Vérifié avec l&#x27;enseignante." in response.content.decode()
    assert list(Presence.objects.filter(present=True).values_list("student", flat=True)) == [students[0].pk]


@pytest.fixture
def racing(monkeypatch):
    """The other confirmation commits between our check and our insert: the
    model's check sees nothing, the database's natural key refuses."""
    monkeypatch.setattr(Session, "validate_constraints", lambda self, exclude=None: None)


def test_att_1_a_session_saved_twice_at_once_is_a_french_error(make_session, racing):
    """ATT-1: the natural key broken by a concurrent save is a ValidationError
    in French, and the caller's transaction stays usable."""
    make_session()
    with pytest.raises(ValidationError, match=DUPLICATE):
        make_session()
    assert Session.objects.count() == 1


def test_att_1_two_confirmations_of_one_import_answer_in_french(login, office, module, teacher, option, year,
                                                                  racing, monkeypatch):
    """ATT-1: the second confirmation of one timetable, racing the first,
    shows the French error and writes nothing, never a 500."""
    rows = [[datetime.date(2026, 10, 5), datetime.time(9), datetime.time(12), "2IA", module.name, "cours",
             teacher.username, "B101", option.name],
            [datetime.date(2026, 10, 6), datetime.time(9), datetime.time(12), "2IA", module.name, "cours",
             teacher.username, "B101", option.name]]
    client = login(office)
    token = client.post("/seances/import/", {"file": SimpleUploadedFile("edt.xlsx", workbook(rows))}).context["token"]
    real = imports.preview_file

    def preview_then_the_other_commits(data, *, by):
        preview = real(data, by=by)
        services.session_save(values={"module": module, "kind": "cours", "date": datetime.date(2026, 10, 6),
                                      "start": datetime.time(9), "end": datetime.time(12), "teacher": teacher},
                              options=[], by=office)
        return preview
    monkeypatch.setattr(imports, "preview_file", preview_then_the_other_commits)
    response = client.post("/seances/import/", {"token": token})
    assert response.status_code == 400
    assert DUPLICATE in response.content.decode()
    assert list(Session.objects.values_list("date", flat=True)) == [datetime.date(2026, 10, 6)]
