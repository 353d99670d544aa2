"""The carnet de présence, signed per session by its teacher (ATT-1)."""

import datetime
import hashlib
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from attendance import services
from attendance.models import Presence, PresenceCorrection, SessionSignature
from students.models import Event

pytestmark = pytest.mark.django_db


def test_att_1_lines_are_for_the_options_contrat_pro_students(make_session, students, no_dossier):
    """ATT-1: one line per session for each student of the option with a
    dossier of the year; a student without a contrat pro has none."""
    session = make_session()
    assert list(services.expected_students(session)) == students


def test_att_1_a_line_counts_only_once_signed(make_session, students, teacher):
    """ATT-1: an unsigned line counts nothing; once the session's teacher
    signs, the present students' lines count its hours."""
    session = make_session()
    student = students[0]
    assert services.signed_minutes(Presence.objects.filter(student=student)) == {"s9": 0, "s10": 0}
    assert services.expected_sessions(student).filter(signature__isnull=True).count() == 1
    services.session_sign(session=session, present=[student, students[1]], by=teacher)
    assert services.signed_minutes(Presence.objects.filter(student=student)) == {"s9": 180, "s10": 0}
    assert services.signed_minutes(Presence.objects.filter(student=students[2])) == {"s9": 0, "s10": 0}


def test_att_1_signature_records_who_when_and_the_sha256_of_what_was_signed(make_session, students, teacher):
    """ATT-1: the signature keeps who signed, when, which session and the
    SHA-256 of the canonical JSON of the session and the present students."""
    session = make_session()
    signature = services.session_sign(session=session, present=[students[1]], by=teacher)
    assert (signature.signed_by, signature.session) == (teacher, session)
    assert signature.signed_at is not None
    content = signature.content
    assert content["session"]["date"] == "2026-10-05" and content["session"]["teacher"] == teacher.pk
    assert [(line["id"], line["present"]) for line in content["students"]] == [
        (students[0].pk, False), (students[1].pk, True), (students[2].pk, False)]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert signature.sha256 == hashlib.sha256(canonical).hexdigest()


def test_att_1_another_teachers_signature_is_refused(make_session, students, other_teacher, office):
    """ATT-1, ROLE-6: another teacher, or the office, cannot sign the
    session; nothing is written."""
    session = make_session()
    for user in (other_teacher, office):
        with pytest.raises(PermissionDenied):
            services.session_sign(session=session, present=[students[0]], by=user)
    assert not SessionSignature.objects.exists() and not Presence.objects.exists()


def test_att_1_another_teacher_gets_403_and_nothing_changes(login, make_session, students, other_teacher):
    """ATT-1: POSTing another teacher's session answers 403, nothing changed."""
    session = make_session()
    response = login(other_teacher).post(f"/seances/{session.pk}/signer/", {"present": [students[0].pk]})
    assert response.status_code == 403
    assert not SessionSignature.objects.exists() and not Presence.objects.exists()


def test_att_1_teacher_signs_from_the_session_page(login, make_session, students, teacher):
    """ATT-1: the teacher ticks who is present and signs once for all."""
    session = make_session()
    client = login(teacher)
    page = client.get(f"/seances/{session.pk}/").content.decode()
    assert "Signer la feuille de présence" in page and "CAZALS" in page
    response = client.post(f"/seances/{session.pk}/signer/", {"present": [students[0].pk, students[2].pk]})
    assert response.status_code == 302
    assert sorted(Presence.objects.filter(present=True).values_list("student", flat=True)) == sorted(
        [students[0].pk, students[2].pk])


def test_att_1_a_signed_line_cannot_change(make_session, students, teacher):
    """ATT-1: the teacher cannot sign again: the lines stay as signed."""
    session = make_session()
    services.session_sign(session=session, present=[students[0]], by=teacher)
    with pytest.raises(ValidationError, match="déjà signée"):
        services.session_sign(session=session, present=students, by=teacher)
    assert list(Presence.objects.filter(present=True).values_list("student", flat=True)) == [students[0].pk]


def test_att_1_office_correction_needs_a_reason(make_session, students, teacher, office):
    """ATT-1: a correction without a written reason is refused."""
    session = make_session()
    services.session_sign(session=session, present=[], by=teacher)
    with pytest.raises(ValidationError, match="motif"):
        services.presence_correct(session=session, present=[students[0]], reason="  ", by=office)
    with pytest.raises(PermissionDenied):
        services.presence_correct(session=session, present=[students[0]], reason="Oubli.", by=teacher)
    assert not Presence.objects.filter(present=True).exists()


def test_att_1_office_correction_with_a_reason_is_kept(make_session, students, teacher, office):
    """ATT-1: the office's correction changes the line, keeps the signature
    as signed, and records the reason in the correction and the history."""
    session = make_session()
    signature = services.session_sign(session=session, present=[], by=teacher)
    signed_hash = signature.sha256
    services.presence_correct(session=session, present=[students[1]], reason="Présente, oubliée sur la feuille.",
                              by=office)
    correction = PresenceCorrection.objects.get()
    assert (correction.before, correction.after) == ([], [students[1].pk])
    assert correction.sha256 != signed_hash
    signature.refresh_from_db()
    assert signature.sha256 == signed_hash
    event = Event.objects.get(verb=services.CORRECT_VERB)
    assert event.student == students[1] and event.comment == "Présente, oubliée sur la feuille."
    assert event.actor == office and event.dossier is not None
    assert services.signed_minutes(Presence.objects.filter(student=students[1]))["s9"] == 180


def test_att_1_office_correction_from_the_page(login, make_session, students, teacher, office):
    """ATT-1: the office's form on the session page corrects with its reason."""
    session = make_session()
    services.session_sign(session=session, present=[students[0]], by=teacher)
    client = login(office)
    refused = client.post(f"/seances/{session.pk}/corriger/", {"present": [students[0].pk, students[1].pk]})
    assert refused.status_code == 400 and not PresenceCorrection.objects.exists()
    client.post(f"/seances/{session.pk}/corriger/",
                {"present": [students[0].pk, students[1].pk], "reason": "Arrivée en retard, présente."})
    page = client.get(f"/seances/{session.pk}/").content.decode()
    assert "Arrivée en retard, présente." in page


def test_att_1_my_sessions_shows_today_first(login, make_session, teacher, other_teacher, students, module):
    """ROLE-6: « Mes séances » lists the teacher's own sessions, today's
    first, then those left to sign; never another teacher's."""
    from django.utils import timezone

    today = timezone.localdate()
    make_session(day=today, start=datetime.time(14), end=datetime.time(16), room="Aujourd-hui")
    make_session(day=today - datetime.timedelta(days=2), room="Avant-hier")
    make_session(day=today, start=datetime.time(8), end=datetime.time(9), room="Collegue", by_teacher=other_teacher)
    page = login(teacher).get("/mes-seances/").content.decode()
    assert "Aujourd-hui" in page and "Avant-hier" in page and "Collegue" not in page
    assert page.index("Aujourd-hui") < page.index("Avant-hier")


def test_role_9_a_teacher_sees_only_their_own_sessions_and_a_student_only_their_carnet(
        login, make_session, students, other_teacher):
    """ROLE-6, ROLE-9: another teacher's session page answers 404; a student
    reads their own carnet, another student's answers 404."""
    session = make_session()
    assert login(other_teacher).get(f"/seances/{session.pk}/").status_code == 404
    client = login(students[0].user)
    assert client.get(f"/carnets/{students[0].pk}/").status_code == 200
    assert client.get(f"/carnets/{students[1].pk}/").status_code == 404
    assert client.get(f"/carnets/{students[1].pk}/document/").status_code == 404
    assert client.post(f"/carnets/{students[1].pk}/produire/").status_code == 404


def test_att_1_my_sessions_marks_to_sign_only_the_sessions_begun(login, make_session, teacher, students, clock):
    """ATT-1: on « Mes séances », a session of today marks « À signer » once
    it has begun, not earlier in the day."""
    clock(datetime.date(2026, 10, 5), datetime.time(10, 30))
    make_session(day=datetime.date(2026, 10, 5), start=datetime.time(9), end=datetime.time(10), room="Commencee")
    make_session(day=datetime.date(2026, 10, 5), start=datetime.time(14), end=datetime.time(16), room="Plus-tard")
    page = login(teacher).get("/mes-seances/").content.decode()
    assert "Commencee" in page and "Plus-tard" in page
    assert page.count("À signer") == 1
    assert page.index("À signer") < page.index("Plus-tard")


def test_att_1_office_reads_in_words_whether_a_signed_sheet_is_intact(login, make_session, students, teacher, office):
    """ATT-1: the session page tells the office whether what is kept is what
    the teacher signed (« Intacte » / « Altérée »), never as a hash."""
    import re

    session = make_session()
    signature = services.session_sign(session=session, present=[students[0]], by=teacher)
    client = login(office)
    page = client.get(f"/seances/{session.pk}/").content.decode()
    assert "Intacte" in page and "Altérée" not in page
    assert not re.search(r"\b[0-9a-f]{64}\b", page)
    content = dict(signature.content, students=[dict(s, present=True) for s in signature.content["students"]])
    SessionSignature.objects.filter(pk=signature.pk).update(content=content)
    page = client.get(f"/seances/{session.pk}/").content.decode()
    assert "Altérée" in page and "Intacte" not in page
