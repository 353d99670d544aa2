"""Sick leave (ABS-1) and the exceptional one-day absence (ABS-2)."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from attendance.absences import services
from attendance.absences.models import AbsenceState, ExceptionalAbsence, SickLeave
from conventions.dossier.models import Incident
from students.models import CalendarPeriod, Event
from tests import factories

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
START = datetime.date(2026, 10, 5)


def paris(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def pdf_file(name="arret.pdf"):
    return SimpleUploadedFile(name, factories.tiny_pdf(), content_type="application/pdf")


@pytest.fixture
def dossier(students):
    return students[0].dossiers.get()


@pytest.fixture
def declare(dossier, clock):
    """Declare an arrêt of ``dossier`` by its student, on 20 October 2026."""
    clock(datetime.date(2026, 10, 20))

    def _declare(start=START, end=START + datetime.timedelta(days=2), told=None, file=None, by=None):
        return services.sick_leave_declare(
            dossier=dossier, start=start, end=end, employer_told_at=told or paris(start, 8),
            uploaded_file=file or pdf_file(), by=by or dossier.student.user,
        )
    return _declare


# --- ABS-1: the 48 hours ------------------------------------------------------------

@pytest.mark.parametrize(("told", "late"), [
    (paris(START + datetime.timedelta(days=1), 23, 59), False),  # 47 h 59
    (paris(START + datetime.timedelta(days=2), 0, 0), False),  # exactly 48 h: in time
    (paris(START + datetime.timedelta(days=2), 0, 1), True),  # 48 h 01
])
def test_abs_1_employer_told_late_past_48_hours_from_0_h(told, late):
    """ABS-1: the arrêt starts at 0 h of its first day (Europe/Paris); told
    at 47 h 59 or exactly 48 h is in time, at 48 h 01 it is late."""
    assert services.told_late(START, told) is late


def test_abs_1_48_hours_are_real_hours_across_summer_time():
    """ABS-1: across the end of summer time (25 October 2026), 48 real hours
    after 0 h on the 24th end at 23 h on the 26th's eve, not at midnight."""
    start = datetime.date(2026, 10, 24)
    assert services.employer_deadline(start) == paris(datetime.date(2026, 10, 25), 23)
    assert not services.told_late(start, paris(datetime.date(2026, 10, 25), 23))
    assert services.told_late(start, paris(datetime.date(2026, 10, 25), 23, 1))


def test_abs_1_late_notice_flagged_on_the_declaration(declare):
    """ABS-1: the declaration keeps the flag « employeur prévenu tardivement »."""
    on_time = declare(told=paris(START + datetime.timedelta(days=2), 0))
    late = declare(start=START + datetime.timedelta(days=7), end=START + datetime.timedelta(days=8),
                   told=paris(START + datetime.timedelta(days=9), 0, 1))
    assert (on_time.told_late, late.told_late) == (False, True)
    assert "prévenu tardivement" in Event.objects.filter(verb="attendance.sick_leave.declare").order_by("pk").last().summary


def test_abs_1_declaration_records_the_step_e_incident_and_the_private_file(declare, dossier, private_root):
    """ABS-1, ABS-3: an arrêt is the dossier's step-E incident of kind arrêt;
    its file lands in the private storage with its SHA-256."""
    leave = declare()
    assert leave.incident.kind == Incident.Kind.SICK_LEAVE and leave.incident.start == START
    assert dossier.steps.filter(code="E").exists()
    stored = private_root / leave.file_name
    assert stored.read_bytes().startswith(b"%PDF") and len(leave.sha256) == 64
    assert leave.content_type == "application/pdf"


def test_abs_1_arret_already_reported_gets_its_file(declare, dossier):
    """ABS-1, ABS-3: an arrêt reported as an incident without its file is
    linked by its declaration, not reported twice."""
    from conventions.dossier.services import incident_report

    reported = incident_report(dossier=dossier, kind=Incident.Kind.SICK_LEAVE, start=START, by=dossier.student.user)
    assert declare().incident == reported
    assert Incident.objects.get() == reported


def test_abs_1_file_checked_by_content_nothing_written(declare, private_root):
    """ABS-1, DOC-6: a text file named .pdf is refused for what it holds;
    neither a row, nor an incident, nor a file is written."""
    with pytest.raises(ValidationError) as refused:
        declare(file=SimpleUploadedFile("arret.pdf", b"ceci n'est pas un PDF", content_type="application/pdf"))
    assert "Seuls les PDF, PNG et JPEG" in " ".join(refused.value.message_dict["file"])
    assert not SickLeave.objects.exists() and not Incident.objects.exists()
    assert not any(path.is_file() for path in private_root.rglob("*"))


def test_abs_1_dates_in_order_and_employer_told_in_the_past(declare):
    """ABS-1: the last day follows the first; « employeur prévenu » is not to come."""
    with pytest.raises(ValidationError) as refused:
        declare(end=START - datetime.timedelta(days=1), told=paris(datetime.date(2026, 10, 25), 9))
    assert set(refused.value.message_dict) == {"end", "employer_told_at"}


def test_abs_1_office_notified_once_after_commit(declare, django_capture_on_commit_callbacks):
    """ABS-1, ABS-3: the office's mailbox hears of the arrêt once, after the commit."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        declare()
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["contrats-pro@mines-ales.fr"]
    assert "Arrêt de travail" in mail.outbox[0].subject


def test_abs_1_form_keeps_what_was_typed(login, dossier, clock):
    """ABS-1: a refused file brings the form back with the dates typed."""
    clock(datetime.date(2026, 10, 20))
    response = login(dossier.student.user).post(f"/dossiers/{dossier.pk}/arret/", {
        "start": "2026-10-05", "end": "2026-10-07", "employer_told_at": "2026-10-05T08:30",
        "file": SimpleUploadedFile("arret.pdf", b"pas un PDF"),
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="2026-10-05"' in page and 'value="2026-10-07"' in page and 'value="2026-10-05T08:30"' in page
    assert "choisissez à nouveau le fichier" in page
    assert not SickLeave.objects.exists()


def test_abs_1_student_declares_through_the_form(login, dossier, clock):
    """ABS-1: the student's form records the arrêt and lists it in « Mes absences »."""
    clock(datetime.date(2026, 10, 20))
    client = login(dossier.student.user)
    response = client.post(f"/dossiers/{dossier.pk}/arret/", {
        "start": "2026-10-05", "end": "2026-10-07", "employer_told_at": "2026-10-07T09:00", "file": pdf_file(),
    })
    assert response.status_code == 302
    leave = SickLeave.objects.get()
    assert leave.told_late and leave.employer_told_at == paris(datetime.date(2026, 10, 7), 9)
    assert "prévenu tardivement" in client.get("/mes-absences/").content.decode()
    incidents = client.get(f"/dossiers/{dossier.pk}/incidents/").content.decode()
    assert "prévenu tardivement" in incidents and f"/absences/arrets/{leave.pk}/fichier/" in incidents


def test_abs_1_arret_read_by_its_student_and_the_office_only(declare, login, office, head, students):
    """ABS-1, ROLE-9: the arrêt (a health document) opens for its student and
    the office; the head who sees the dossier gets 403; another student 404."""
    leave = declare()
    url = f"/absences/arrets/{leave.pk}/fichier/"
    assert login(students[0].user).get(url).status_code == 200
    assert login(office).get(url).status_code == 200
    assert login(head).get(url).status_code == 403
    assert login(students[1].user).get(url).status_code == 404


def test_abs_1_student_never_sees_another_students_absences(declare, login, students, dossier, clock):
    """ROLE-1, ROLE-9: another student's arrêt, request and incidents answer
    404 and never show in « Mes absences »."""
    leave = declare()
    clock(datetime.date(2026, 10, 20))
    absence = services.absence_request(dossier=dossier, day=datetime.date(2026, 11, 3), reason="Audit client.",
                                       by=dossier.student.user)
    other = login(students[1].user)
    for url in (f"/absences/arrets/{leave.pk}/fichier/", f"/absences/demandes/{absence.pk}/",
                f"/dossiers/{dossier.pk}/incidents/", f"/dossiers/{dossier.pk}/arret/"):
        assert other.get(url).status_code == 404, url
    page = other.get("/mes-absences/").content.decode()
    assert "3 novembre" not in page and "5 octobre" not in page


def test_abs_1_office_list_queries_do_not_grow(login, office, year, clock, django_assert_num_queries):
    """ABS-1, STYLE §6: the office's list of arrêts costs the same with 2 or 12 rows."""
    clock(datetime.date(2026, 10, 20))

    def add(count):
        for _ in range(count):
            dossier = factories.DossierFactory(student__year=year)
            services.sick_leave_declare(dossier=dossier, start=START, end=START, employer_told_at=paris(START, 9),
                                        uploaded_file=pdf_file(), by=office)
    add(2)
    client = login(office)
    # 1. the user and their roles; 2. the list's count; 3. the page's arrêts
    # with student and company; 4. the ruptures awaiting their declaration;
    # 5. the navigation's « À faire » count; 6. the footer's office contact.
    with django_assert_num_queries(6) as two:
        assert "Employeur prévenu" in client.get("/absences/").content.decode()
    add(10)
    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get("/absences/").status_code == 200


# --- ABS-2: the exceptional absence ---------------------------------------------------

@pytest.fixture
def exams(year):
    return CalendarPeriod.objects.create(year=year, kind=CalendarPeriod.Kind.EXAM, label="Examens du S9",
                                         start=datetime.date(2026, 12, 14), end=datetime.date(2026, 12, 18))


@pytest.fixture
def request_absence(dossier, clock):
    clock(datetime.date(2026, 10, 20))

    def _request(day=datetime.date(2026, 11, 3), reason="Mise en production chez le client.", by=None):
        return services.absence_request(dossier=dossier, day=day, reason=reason, by=by or dossier.student.user)
    return _request


def test_abs_2_exam_period_refused_by_the_service_with_its_reason(request_absence, exams, login, dossier, head):
    """ABS-2: a day of an exam period is refused at once by the service, the
    reason stated in French; nothing is left for the head to decide."""
    absence = request_absence(day=datetime.date(2026, 12, 15))
    assert absence.state == AbsenceState.REFUSED and absence.decided_by is None
    assert "période d'examens « Examens du S9 » (du 14 décembre 2026 au 18 décembre 2026)" in absence.decision_comment
    page = login(dossier.student.user).get("/mes-absences/").content.decode()
    assert "Refusée d&#x27;office" in page or "Refusée d'office" in page
    with pytest.raises(ValidationError, match="déjà décidée"):
        services.absence_decide(absence=absence, accept=True, by=head)


def test_abs_2_exam_period_of_another_department_does_not_refuse(request_absence, year):
    """ABS-2, CAL-4: only the exams of the student's department (or of all) count."""
    CalendarPeriod.objects.create(year=year, department=factories.department("GCBD"), kind=CalendarPeriod.Kind.EXAM,
                                  start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 6))
    assert request_absence().state == AbsenceState.REQUESTED


def test_abs_2_refused_in_the_page_with_the_reason(login, dossier, exams, clock):
    """ABS-2: the student who asks for an exam day reads why it is refused."""
    clock(datetime.date(2026, 10, 20))
    response = login(dossier.student.user).post(f"/dossiers/{dossier.pk}/absence/", {
        "day": "2026-12-16", "reason": "Salon professionnel."}, follow=True)
    assert "Aucune absence exceptionnelle n&#x27;est accordée pendant les examens" in response.content.decode()


def test_abs_2_past_day_refused_nothing_written_form_keeps_typing(login, dossier, clock):
    """ABS-2: a past day is refused; the form comes back with what was typed."""
    clock(datetime.date(2026, 10, 20))
    response = login(dossier.student.user).post(f"/dossiers/{dossier.pk}/absence/", {
        "day": "2026-10-19", "reason": "Réunion de chantier imprévue."})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ce jour est passé" in page and "Réunion de chantier imprévue." in page and 'value="2026-10-19"' in page
    assert not ExceptionalAbsence.objects.exists()


def test_abs_2_head_told_of_a_request_after_commit(request_absence, head, exams, django_capture_on_commit_callbacks):
    """ABS-2: the head hears of a request to decide, once, after commit; not
    of one the service refused for the exams."""
    with django_capture_on_commit_callbacks(execute=True):
        request_absence()
        request_absence(day=datetime.date(2026, 12, 15))
        assert mail.outbox == []
    assert [message.to for message in mail.outbox] == [[head.email]]
    assert "3 novembre 2026" in mail.outbox[0].body


def test_abs_2_one_request_per_day(request_absence):
    """ABS-2: one day, one request (until refused)."""
    request_absence()
    with pytest.raises(ValidationError, match="existe déjà"):
        request_absence()


def test_abs_2_head_of_another_department_cannot_decide(request_absence, login):
    """ABS-2, ROLE-3: a head of another department gets 403 and nothing changes."""
    absence = request_absence()
    other_head = factories.UserFactory(username="resp-gcbd", groups=["Enseignants"])
    gcbd = factories.department("GCBD")
    gcbd.head = other_head
    gcbd.save()
    response = login(other_head).post(f"/absences/demandes/{absence.pk}/", {"decision": "accept"})
    assert response.status_code in (403, 404)
    absence.refresh_from_db()
    assert absence.state == AbsenceState.REQUESTED
    with pytest.raises(PermissionDenied):
        services.absence_decide(absence=absence, accept=True, by=other_head)


def test_abs_2_head_who_sees_the_dossier_as_tutor_cannot_decide(request_absence, login, dossier):
    """ABS-2, ROLE-3: a head of another department who tutors the student
    reads the request but gets 403 on deciding."""
    absence = request_absence()
    other_head = factories.UserFactory(username="resp-gcbd", groups=["Enseignants"])
    gcbd = factories.department("GCBD")
    gcbd.head = other_head
    gcbd.save()
    dossier.tuteur_ecole = other_head
    dossier.save()
    client = login(other_head)
    assert client.get(f"/absences/demandes/{absence.pk}/").status_code == 200
    assert client.post(f"/absences/demandes/{absence.pk}/", {"decision": "accept"}).status_code == 403
    assert "Mise en production" not in client.get("/absences/demandes/").content.decode()


def test_abs_2_refusal_needs_a_comment(request_absence, head):
    """ABS-2: a refusal says why."""
    absence = request_absence()
    with pytest.raises(ValidationError) as refused:
        services.absence_decide(absence=absence, accept=False, by=head)
    assert "comment" in refused.value.message_dict


def test_abs_2_makeup_tracked_until_done(request_absence, head, office, login):
    """ABS-2: an accepted absence stays on the queue with its make-up until
    the office (or the head) marks it done."""
    absence = request_absence()
    client = login(head)
    response = client.post(f"/absences/demandes/{absence.pk}/", {"decision": "accept", "comment": "D'accord."})
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.state == AbsenceState.ACCEPTED and absence.makeup_pending
    assert "Rattrapage à faire" in client.get("/absences/demandes/").content.decode()
    with pytest.raises(ValidationError, match="Prévoyez d'abord"):
        services.makeup_done(absence=absence, by=office)
    office_client = login(office)
    office_client.post(f"/absences/demandes/{absence.pk}/rattrapage/", {"what": "TD rattrapé", "planned_on": "2026-11-10"})
    absence.refresh_from_db()
    assert (absence.makeup_what, absence.makeup_planned_on) == ("TD rattrapé", datetime.date(2026, 11, 10))
    assert "prévu le 10 novembre 2026" in office_client.get("/absences/demandes/").content.decode()
    office_client.post(f"/absences/demandes/{absence.pk}/rattrapage/", {"done": "1"})
    absence.refresh_from_db()
    assert absence.makeup_done_at is not None and absence.makeup_done_by == office
    assert f"/absences/demandes/{absence.pk}/" not in client.get("/absences/demandes/").content.decode()


def test_abs_2_sessions_of_the_day_shown(request_absence, make_session, login, head):
    """ABS-2: the request shows the sessions of the student's carnet that day."""
    make_session(day=datetime.date(2026, 11, 3), start=datetime.time(9), end=datetime.time(12))
    make_session(day=datetime.date(2026, 11, 4), start=datetime.time(9), end=datetime.time(12))
    absence = request_absence()
    assert [s.date for s in services.sessions_on(absence)] == [datetime.date(2026, 11, 3)]
    assert "9 h – 12 h" in login(head).get(f"/absences/demandes/{absence.pk}/").content.decode()


def test_abs_2_queue_queries_do_not_grow(login, head, year, option, clock, django_assert_num_queries):
    """ABS-2, STYLE §6: the head's queue costs the same with 2 or 12 requests."""
    clock(datetime.date(2026, 10, 20))

    def add(count):
        for _ in range(count):
            dossier = factories.DossierFactory(student__year=year, student__option=option)
            services.absence_request(dossier=dossier, day=datetime.date(2026, 11, 3), reason="Audit.",
                                     by=dossier.student.user)
    add(2)
    client = login(head)
    # 1. the user and their roles; 2. the queue's count; 3. the page's
    # requests with student and decider; 4. the navigation's « À faire »
    # count; 5. the footer's office contact.
    with django_assert_num_queries(5) as two:
        assert "Audit." in client.get("/absences/demandes/").content.decode()
    add(10)
    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get("/absences/demandes/").status_code == 200


def test_abs_2_my_absences_queries_do_not_grow(login, dossier, clock, django_assert_num_queries):
    """ABS-1, ABS-2, STYLE §6: « Mes absences » costs the same with 2 or 12 requests."""
    clock(datetime.date(2026, 10, 20))

    def add(days):
        for day in days:
            services.absence_request(dossier=dossier, day=datetime.date(2026, 11, day), reason="Audit.",
                                     by=dossier.student.user)
    add((2, 3))
    client = login(dossier.student.user)
    # 1. the user and their roles; 2. the dossier; 3. its arrêts; 4. its
    # requests with who decided; 5. its other incidents; 6. the footer's
    # office contact (a student's navigation counts nothing).
    with django_assert_num_queries(6) as two:
        assert "lundi 2 novembre 2026" in client.get("/mes-absences/").content.decode()
    add(range(4, 14))
    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get("/mes-absences/").status_code == 200


# --- ABS-1: what the declaration refuses (review) ---------------------------------------

def test_abs_1_employer_told_in_year_one_refused_not_a_500(login, dossier, clock):
    """ABS-1: « employeur prévenu le » typed as 0001-01-01 00:00 is refused in
    French, the dates typed kept; nothing is written (it used to overflow at save)."""
    clock(datetime.date(2026, 10, 20))
    response = login(dossier.student.user).post(f"/dossiers/{dossier.pk}/arret/", {
        "start": "2026-10-05", "end": "2026-10-07", "employer_told_at": "0001-01-01T00:00", "file": pdf_file(),
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "au plus tôt 31 jours avant le premier jour" in page
    assert 'value="0001-01-01T00:00"' in page and 'value="2026-10-05"' in page
    assert not SickLeave.objects.exists() and not Incident.objects.exists()


@pytest.mark.parametrize(("told", "refused"), [
    (paris(START - datetime.timedelta(days=31), 0), False),  # exactly 31 days before 0 h: accepted
    (paris(START - datetime.timedelta(days=32), 23, 59), True),
    (paris(datetime.date(2026, 10, 20), 12, 4), False),  # now + 4 minutes: the device's clock
    (paris(datetime.date(2026, 10, 20), 12, 10), True),  # now + 10 minutes: to come
])
def test_abs_1_employer_told_within_31_days_before_and_now(declare, told, refused):
    """ABS-1: the employer is told no earlier than 31 days before the first
    day, and no later than now (a few minutes' leeway)."""
    if refused:
        with pytest.raises(ValidationError) as error:
            declare(told=told)
        assert set(error.value.message_dict) == {"employer_told_at"}
    else:
        assert declare(told=told).employer_told_at == told


def test_abs_1_arret_within_the_contract(dossier, clock):
    """ABS-1: the first day falls within the contract (not before its start,
    not after its end) and the last day not after its end."""
    dossier.start_date, dossier.end_date = datetime.date(2026, 10, 1), datetime.date(2027, 6, 30)
    dossier.save(update_fields=["start_date", "end_date"])

    def refused(start, end, today):
        clock(today)
        with pytest.raises(ValidationError) as error:
            services.sick_leave_declare(dossier=dossier, start=start, end=end, employer_told_at=paris(start, 9),
                                        uploaded_file=pdf_file(), by=dossier.student.user)
        return error.value.message_dict

    before = refused(datetime.date(2026, 9, 28), datetime.date(2026, 10, 2), datetime.date(2026, 10, 5))
    assert before == {"start": ["Cet arrêt commence avant le début du contrat, le 1er octobre 2026."]}
    after = refused(datetime.date(2027, 7, 1), datetime.date(2027, 7, 2), datetime.date(2027, 7, 3))
    assert set(after) == {"start", "end"} and "après la fin du contrat, le 30 juin 2027" in after["start"][0]
    overrun = refused(datetime.date(2027, 6, 28), datetime.date(2027, 7, 2), datetime.date(2027, 7, 3))
    assert overrun == {"end": ["Le dernier jour de l'arrêt dépasse la fin du contrat, le 30 juin 2027."]}


def test_abs_1_contract_dates_fall_back_to_the_year(dossier, clock):
    """ABS-1: a dossier without contract dates is bounded by the year's
    rentrée and end of contracts."""
    dossier.start_date = dossier.end_date = None
    dossier.save(update_fields=["start_date", "end_date"])
    clock(datetime.date(2026, 9, 5))
    with pytest.raises(ValidationError) as error:
        services.sick_leave_declare(
            dossier=dossier, start=datetime.date(2026, 8, 31), end=datetime.date(2026, 9, 2),
            employer_told_at=paris(datetime.date(2026, 8, 31), 9), uploaded_file=pdf_file(), by=dossier.student.user)
    assert error.value.message_dict == {"start": ["Cet arrêt commence avant le début du contrat, le 1er septembre 2026."]}


def test_abs_1_double_post_declares_one_arret(login, dossier, clock, django_capture_on_commit_callbacks, private_root):
    """ABS-1: the same form posted twice records one arrêt, one incident and
    one mail; the second answer says so in French and leaves no file behind."""
    clock(datetime.date(2026, 10, 20))
    client = login(dossier.student.user)

    def post():
        return client.post(f"/dossiers/{dossier.pk}/arret/", {
            "start": "2026-10-05", "end": "2026-10-07", "employer_told_at": "2026-10-05T08:30", "file": pdf_file(),
        })
    with django_capture_on_commit_callbacks(execute=True):
        assert post().status_code == 302
        second = post()
    assert second.status_code == 400
    assert "Un arrêt commençant ce jour-là est déjà déclaré." in second.content.decode()
    assert (SickLeave.objects.count(), Incident.objects.count(), len(mail.outbox)) == (1, 1, 1)
    assert len([path for path in private_root.rglob("*") if path.is_file()]) == 1


def test_abs_1_race_past_the_check_is_the_same_french_refusal(declare, dossier, monkeypatch):
    """ABS-1: two declarations racing past the check meet the database's
    constraint « sick_leave_once_per_start »: the same French refusal, not a 500."""
    declare()
    monkeypatch.setattr(SickLeave, "full_clean", lambda self, *args, **kwargs: None)
    real_filter = SickLeave.objects.filter
    monkeypatch.setattr(SickLeave.objects, "filter", lambda *args, **kwargs: real_filter(pk__in=[]))
    with pytest.raises(ValidationError) as refused:
        declare()
    assert refused.value.message_dict == {"start": ["Un arrêt commençant ce jour-là est déjà déclaré."]}
    assert SickLeave.objects.model._default_manager.count() == 1 and Incident.objects.count() == 1


def test_abs_1_arret_reported_earlier_mails_the_office_once(declare, dossier, django_capture_on_commit_callbacks):
    """ABS-1, ABS-3: an arrêt reported earlier (the office was told then)
    gets its file from the declaration without a second mail."""
    from attendance.absences.tasks import notify_incident_reported
    from conventions.dossier.services import incident_report

    reported = incident_report(dossier=dossier, kind=Incident.Kind.SICK_LEAVE, start=START, by=dossier.student.user)
    notify_incident_reported(reported.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert declare().incident == reported
    assert len(mail.outbox) == 1


def test_abs_1_my_absences_goes_through_the_roles_chokepoint(login, dossier, monkeypatch):
    """ABS-1, ROLE-1: « Mes absences » finds the student's dossier through
    ``roles.dossiers_for``: a dossier the roles do not grant is not shown (404)."""
    from contratpro import roles

    client = login(dossier.student.user)
    assert client.get("/mes-absences/").status_code == 200
    monkeypatch.setattr(roles, "dossiers_for", lambda user: dossier.__class__.objects.none())
    assert client.get("/mes-absences/").status_code == 404


def test_abs_1_mail_tasks_are_acknowledged_early_not_sent_twice():
    """ABS-1, ABS-2, NOTIF-2: a mail is not idempotent, so its tasks are not
    ``acks_late`` (the project's default): a redelivery never sends it twice."""
    from attendance.absences.tasks import notify_absence_requested, notify_incident_reported
    from contratpro.celery import app

    assert app.conf.task_acks_late is True  # the default these two opt out of
    assert notify_incident_reported.acks_late is False and notify_absence_requested.acks_late is False


def test_abs_2_the_heads_a_faire_lists_the_requests_to_decide_until_decided(request_absence, login, head, dossier):
    """ABS-2, ROLE-3: a pending request shows in its head's « À faire »
    (counted in the navigation), one click from the decision; once decided
    it leaves; another department's head never sees it."""
    absence = request_absence()
    page = login(head).get("/a-faire/").content.decode()
    assert "Absences exceptionnelles à décider" in page and "3 novembre 2026" in page
    assert f"/absences/demandes/{absence.pk}/" in page
    other = factories.UserFactory(groups=["Enseignants"])
    gcbd = factories.department("GCBD")
    gcbd.head = other
    gcbd.save()
    assert f"/absences/demandes/{absence.pk}/" not in login(other).get("/a-faire/").content.decode()
    services.absence_decide(absence=absence, accept=False, by=head, comment="Semaine de partiels blancs.")
    page = login(head).get("/a-faire/").content.decode()
    assert f"/absences/demandes/{absence.pk}/" not in page
