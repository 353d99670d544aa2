"""The defences (PFE-1…3): scheduled by the head no later than the last
working day of the training, the report deadline 15 days before at the
latest, the report deposited, the grade and its 20 ECTS, the jury's .ics
mailed once per revision, and the deadlines source."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from contratpro.roles import Actor
from conventions.dossier import deadlines
from conventions.models import Dossier
from grading.pfe import services
from grading.pfe.models import Defence, PfeReport
from tests import factories

D = datetime.date
T = datetime.time


@pytest.fixture(autouse=True)
def reports_in_tmp(private_storage_in_tmp):
    """The PFE report's files go to the test's own folder, as documents do."""
    from django.core.files.storage import storages

    field = PfeReport._meta.get_field("file")
    saved = field.storage
    field.storage = storages["private"]
    yield
    field.storage = saved


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-pfe", first_name="Paul", last_name="Tuteur", groups=["Enseignants"])


@pytest.fixture
def member(db):
    return factories.UserFactory(username="jury-pfe", first_name="Inès", last_name="Jury", groups=["Enseignants"])


def a_dossier(year, tutor, end=None):
    return factories.DossierFactory(student__year=year, tuteur_ecole=tutor, **({"end_date": end} if end else {}))


def schedule(dossier, head, day, *, jury=(), start=T(10), end=T(11, 30), room="A 105", president=None):
    return services.defence_schedule(
        dossier=dossier, day=day, start=start, end=end, room=room, jury=list(jury), president=president or head, by=head,
    )


# --- PFE-3 -----------------------------------------------------------------------

def test_pfe_3_a_training_ending_on_a_holiday_allows_its_eve(year, head, tutor):
    """PFE-3, CAL-5: a training ending on Wednesday 14 July 2027 (Fête
    nationale) has its defence at the latest on Tuesday 13 July, the eve."""
    dossier = a_dossier(year, tutor, end=D(2027, 7, 14))
    assert services.defence_latest_day(dossier) == D(2027, 7, 13)
    assert schedule(dossier, head, D(2027, 7, 13)).pk


def test_pfe_3_the_holiday_itself_is_refused_with_the_latest_date(year, head, tutor):
    """PFE-3: on 14 July, the training's last day but a public holiday:
    refused, saying the latest allowed date in words."""
    dossier = a_dossier(year, tutor, end=D(2027, 7, 14))
    with pytest.raises(ValidationError, match="au plus tard le mardi 13 juillet 2027"):
        schedule(dossier, head, D(2027, 7, 14))
    assert not Defence.objects.exists()


def test_pfe_3_after_the_last_working_day_is_refused(year, head, tutor):
    """PFE-3: a training ending on Sunday 29 August 2027: Friday 27 is the
    last working day; Monday 30 is refused with « vendredi 27 août 2027 »."""
    dossier = a_dossier(year, tutor, end=D(2027, 8, 29))
    with pytest.raises(ValidationError, match="au plus tard le vendredi 27 août 2027"):
        schedule(dossier, head, D(2027, 8, 30))
    assert schedule(dossier, head, D(2027, 8, 27)).pk


def test_pfe_3_exactly_the_last_working_day_is_allowed(year, head, tutor):
    """PFE-3: the contract's last day, Tuesday 31 August 2027, a working day, is allowed; and so the day before."""
    dossier = a_dossier(year, tutor)
    assert services.defence_latest_day(dossier) == D(2027, 8, 31)
    assert schedule(dossier, head, D(2027, 8, 31)).pk
    assert schedule(dossier, head, D(2027, 8, 30)).sequence == 1


def test_pfe_3_a_weekend_day_is_refused(year, head, tutor):
    """PFE-3, CAL-5: a defence on a Saturday before the limit is refused too."""
    dossier = a_dossier(year, tutor)
    with pytest.raises(ValidationError, match="n'est pas un jour ouvré|pas un jour ouvré"):
        schedule(dossier, head, D(2027, 8, 28))


def test_pfe_1_only_the_head_schedules(year, head, tutor):
    """PFE-1, ROLE-3: the tuteur école does not schedule the defence."""
    dossier = a_dossier(year, tutor)
    with pytest.raises(PermissionDenied):
        services.defence_schedule(dossier=dossier, day=D(2027, 8, 31), start=T(10), end=T(11), room="A",
                                  jury=[tutor], president=tutor, by=tutor)


# --- PFE-2 -----------------------------------------------------------------------

def test_pfe_2_fifteen_days_before_is_allowed(year, head, tutor):
    """PFE-2: a defence on Tuesday 31 August: the report due 16 August (15 days before) is allowed."""
    defence = schedule(a_dossier(year, tutor), head, D(2027, 8, 31))
    services.defence_report_deadline_set(defence=defence, due=D(2027, 8, 16), by=tutor)
    defence.refresh_from_db()
    assert defence.report_due == D(2027, 8, 16)


def test_pfe_2_fourteen_days_before_is_refused_with_the_latest_date(year, head, tutor):
    """PFE-2: 17 August (14 days before) is refused, saying « lundi 16 août 2027 »."""
    defence = schedule(a_dossier(year, tutor), head, D(2027, 8, 31))
    with pytest.raises(ValidationError, match="au plus tard le lundi 16 août 2027"):
        services.defence_report_deadline_set(defence=defence, due=D(2027, 8, 17), by=tutor)
    defence.refresh_from_db()
    assert defence.report_due is None


def test_pfe_2_the_co_tutor_sets_it_not_the_head(year, head, tutor):
    """PFE-2, ROLE-4: the tuteur école sets the report deadline; the head is refused."""
    defence = schedule(a_dossier(year, tutor), head, D(2027, 8, 31))
    with pytest.raises(PermissionDenied):
        services.defence_report_deadline_set(defence=defence, due=D(2027, 8, 2), by=head)


def test_pfe_2_a_reschedule_that_would_make_the_deadline_late_is_refused(year, head, tutor):
    """PFE-2: the report due 16 August, a defence moved to 27 August is refused (due by 12 August)."""
    defence = schedule(a_dossier(year, tutor), head, D(2027, 8, 31))
    services.defence_report_deadline_set(defence=defence, due=D(2027, 8, 16), by=tutor)
    with pytest.raises(ValidationError, match="au plus tard le 12 août 2027"):
        schedule(defence.dossier, head, D(2027, 8, 27))


def test_pfe_2_the_student_deposits_the_report_as_a_pdf(year, head, tutor):
    """PFE-2, DOC-6: the report is a PDF checked by its content; an image is
    refused; each deposit is a version with its SHA-256."""
    defence = schedule(a_dossier(year, tutor), head, D(2027, 8, 31))
    student = defence.dossier.student.user
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(ValidationError):
        services.pfe_report_upload(defence=defence, uploaded_file=SimpleUploadedFile("r.pdf", png), by=student)
    report = services.pfe_report_upload(
        defence=defence, uploaded_file=SimpleUploadedFile("rapport.pdf", factories.tiny_pdf()), by=student,
    )
    assert (report.version, len(report.sha256)) == (1, 64)
    with pytest.raises(PermissionDenied):
        services.pfe_report_upload(defence=defence, uploaded_file=SimpleUploadedFile("r.pdf", factories.tiny_pdf()), by=tutor)


# --- PFE-1: grade, ECTS, .ics ---------------------------------------------------

def test_pfe_1_ects_at_the_threshold_exactly(year, head, tutor, member):
    """PFE-1, EVAL-3: at the year's threshold (10/20 by default) the PFE
    earns its 20 ECTS, a hundredth below none."""
    threshold = services.threshold_of(year)
    assert threshold == Decimal("10")
    assert services.pfe_ects(Decimal("10.00"), threshold) == 20
    assert services.pfe_ects(Decimal("9.99"), threshold) == 0


def test_pfe_1_the_president_grades_and_a_change_needs_a_reason(year, head, tutor, member):
    """PFE-1: the jury's president records the grade (two decimals); the
    tuteur école who is only a member does not; a change asks for a reason."""
    defence = schedule(a_dossier(year, tutor), head, D(2027, 8, 31), jury=[tutor], president=member)
    with pytest.raises(PermissionDenied):
        services.defence_grade(defence=defence, grade=Decimal("14"), by=tutor)
    services.defence_grade(defence=defence, grade=Decimal("14.255"), by=member)
    defence.refresh_from_db()
    assert defence.grade == Decimal("14.26")
    with pytest.raises(ValidationError, match="dites pourquoi elle change"):
        services.defence_grade(defence=defence, grade=Decimal("15"), by=member)
    services.defence_grade(defence=defence, grade=Decimal("15"), by=head, reason="Erreur de report.")


def test_pfe_1_each_jury_member_gets_the_ics_once(year, head, tutor, member, django_capture_on_commit_callbacks):
    """PFE-1: after commit, one mail per jury member with an .ics REQUEST
    whose attendees are the jury and whose times are the defence's (UTC);
    running the job again sends nothing."""
    dossier = a_dossier(year, tutor)
    with django_capture_on_commit_callbacks(execute=True):
        defence = schedule(dossier, head, D(2027, 8, 31), jury=[tutor, member], start=T(14), end=T(15, 30))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([head.email, tutor.email, member.email])
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert {str(a).removeprefix("mailto:") for a in event.get("ATTENDEE")} == {head.email, tutor.email, member.email}
    utc = datetime.timezone.utc
    assert event.decoded("DTSTART") == datetime.datetime(2027, 8, 31, 12, 0, tzinfo=utc)  # 14 h in Paris (CEST)
    assert event.decoded("DTEND") == datetime.datetime(2027, 8, 31, 13, 30, tzinfo=utc)
    assert int(event["SEQUENCE"]) == 0
    mail.outbox.clear()
    from grading.pfe import ics

    assert ics.defence_mail_jury(defence.pk) == 0
    assert mail.outbox == []


def test_pfe_1_a_reschedule_sends_an_update_with_the_same_uid(year, head, tutor, django_capture_on_commit_callbacks):
    """PFE-1: moving the defence mails the jury again, same UID, SEQUENCE
    raised by one; saving it unchanged mails nothing."""
    dossier = a_dossier(year, tutor)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(dossier, head, D(2027, 8, 31), jury=[tutor])
    first = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule(dossier, head, D(2027, 8, 31), jury=[tutor])
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        schedule(dossier, head, D(2027, 8, 30), jury=[tutor], room="B 12")
    second = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert str(second["UID"]) == str(first["UID"])
    assert int(second["SEQUENCE"]) == 1
    assert str(second["LOCATION"]) == "B 12"
    assert "déplacée" in mail.outbox[0].subject


# --- Deadlines (NOTIF-1) ---------------------------------------------------------

def test_pfe_2_deadlines_source_the_defence_then_the_report(year, head, tutor):
    """NOTIF-1, PFE-2, PFE-3: the head's defence to schedule by the last
    working day, done once scheduled; then the student's report due its
    deadline, done once deposited."""
    dossier = a_dossier(year, tutor)
    source = deadlines._SOURCES["grading.pfe"]
    dossiers = Dossier.objects.filter(pk=dossier.pk)
    (todo,) = source.obligations(dossiers)
    assert (todo.key, todo.due, todo.done) == ("pfe:defence", D(2027, 8, 31), False)
    defence = schedule(dossier, head, D(2027, 8, 31))
    services.defence_report_deadline_set(defence=defence, due=D(2027, 8, 2), by=tutor)
    by_key = {o.key: o for o in source.obligations(dossiers)}
    assert by_key["pfe:defence"].done
    assert (by_key["pfe:report"].due, by_key["pfe:report"].done) == (D(2027, 8, 2), False)
    services.pfe_report_upload(
        defence=defence, uploaded_file=SimpleUploadedFile("rapport.pdf", factories.tiny_pdf()), by=dossier.student.user,
    )
    assert {o.key: o.done for o in source.obligations(dossiers)}["pfe:report"]


def test_pfe_1_deadlines_source_the_defence_on_its_day_until_its_grade(year, head, tutor):
    """NOTIF-1, PFE-1: a scheduled defence is an obligation on its own day
    (the head's: the calendars show it, a grade not entered after it is
    reminded), done once its grade is recorded."""
    dossier = a_dossier(year, tutor)
    source = deadlines._SOURCES["grading.pfe"]
    dossiers = Dossier.objects.filter(pk=dossier.pk)
    assert "pfe:grade" not in {o.key for o in source.obligations(dossiers)}
    defence = schedule(dossier, head, D(2027, 8, 30))
    held = {o.key: o for o in source.obligations(dossiers)}["pfe:grade"]
    assert (held.due, held.done, held.actors) == (D(2027, 8, 30), False, frozenset({Actor.HEAD}))
    services.defence_grade(defence=defence, grade=Decimal("15.5"), by=head)
    assert {o.key: o.done for o in source.obligations(dossiers)}["pfe:grade"]


# --- The page ----------------------------------------------------------------------

def test_pfe_3_the_head_schedules_from_the_page_and_a_refusal_keeps_the_input(year, head, tutor, member, login):
    """PFE-3: the page refuses a day after the limit (400) with the date in
    words and the typed room kept; a good day redirects to the page."""
    dossier = a_dossier(year, tutor, end=D(2027, 7, 14))
    client = login(head)
    url = reverse("grading:defence-schedule", args=[dossier.pk])
    data = {"day": "2027-07-14", "start": "10:00", "end": "11:00", "room": "Salle du conseil",
            "jury": [tutor.pk, member.pk], "president": head.pk}
    refused = client.post(url, data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "au plus tard le mardi 13 juillet 2027" in body and "Salle du conseil" in body
    assert client.post(url, {**data, "day": "2027-07-13"}).status_code == 302
    page = client.get(reverse("grading:pfe-dossier", args=[dossier.pk])).content.decode()
    assert "Salle du conseil" in page and "13 juillet 2027" in page
