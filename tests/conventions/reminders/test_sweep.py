"""The reminder sweep (NOTIF-1): each deadline reminded once to whoever must
act, ahead of it and when it is missed, never again once done."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from contratpro.roles import Actor
from conventions.dossier import deadlines, steps
from conventions.reminders import services, tasks
from conventions.reminders.models import ReminderClaim, ReminderPolicy
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
# Step 5' of year 2026-2027: two weeks before the rentrée of Tuesday
# 1 September 2026 (STEP-2): Tuesday 18 August. Its −3 falls on Saturday
# 15 August, a public holiday; its −14 on Tuesday 4 August.
FIVE_P_DUE = D(2026, 8, 18)


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory(student__year=year)
    steps.steps_sync(dossier)
    return dossier


def sweep(day, capture):
    """One sweep on ``day``, its sends run after commit (eager Celery)."""
    with capture(execute=True):
        return services.reminders_sweep(day, queue=tasks.send_reminder.delay)


def sent(key="step:5p"):
    return list(ReminderClaim.objects.filter(key=key, state=ReminderClaim.State.SENT).values_list("offset", "recipient"))


def test_notif_1_the_student_is_reminded_3_days_before_with_the_place_to_act(dossier, django_capture_on_commit_callbacks, settings):
    """NOTIF-1, STEP-2: three days before step 5''s deadline (computed from
    the year's calendar) the student gets one mail, in French, with a plain
    text and an HTML part and the absolute link to the step on their
    dossier; the dossier's timeline says who was reminded of what (DATA-4)."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    dossier.steps.filter(code="5p").update(deadline=FIVE_P_DUE)
    sweep(D(2026, 8, 15), django_capture_on_commit_callbacks)
    five_p = [m for m in mail.outbox if "Étape 5'" in m.subject]
    assert len(five_p) == 1
    message = five_p[0]
    assert message.to == [dossier.student.user.email]
    assert message.subject == (
        f"Rappel : Étape 5' : Transmettre la convention signée au service avant le 18 août 2026 ({dossier.student.full_name})"
    )
    url = f"https://contrats-pro.example/dossiers/{dossier.pk}/#etape-5p"
    assert "dans 3 jours" in message.body and url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{url}"' in html
    assert sent() == [(-3, f"user:{dossier.student.user_id}")]
    event = Event.objects.get(dossier=dossier, verb="conventions.reminder.sent")
    assert event.summary == (
        f"Relance envoyée à {dossier.student.full_name} (Élève) : Étape 5' : Transmettre la convention signée "
        "au service, échéance du 18 août 2026."
    )
    assert event.actor.username == services.ROBOT_USERNAME


def test_notif_1_a_sweep_run_again_sends_nothing_new(dossier, django_capture_on_commit_callbacks):
    """NOTIF-1: the same day's sweep run twice, or the next day's within the
    same offset, claims nothing new and sends nothing more."""
    sweep(D(2026, 8, 15), django_capture_on_commit_callbacks)
    count, claims = len(mail.outbox), ReminderClaim.objects.count()
    assert count > 0
    assert sweep(D(2026, 8, 15), django_capture_on_commit_callbacks) == []
    assert sweep(D(2026, 8, 16), django_capture_on_commit_callbacks) == []
    assert (len(mail.outbox), ReminderClaim.objects.count()) == (count, claims)


def test_notif_1_the_unique_constraint_refuses_a_second_claim(dossier):
    """NOTIF-1: the database itself refuses a second claim of one reminder
    (dossier, obligation, offset, recipient), whatever the code does."""
    fields = dict(dossier=dossier, key="step:5p", offset=-3, recipient=f"user:{dossier.student.user_id}",
                  user=dossier.student.user, actor=Actor.STUDENT, label="x", due=FIVE_P_DUE, day=FIVE_P_DUE, sweep="a")
    ReminderClaim.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderClaim.objects.create(**{**fields, "sweep": "b"})


def test_notif_1_a_done_step_stops_its_reminders(dossier, office, django_capture_on_commit_callbacks):
    """NOTIF-1: once step 5' is validated, neither the reminder before its
    deadline nor the one after it goes out."""
    sweep(D(2026, 8, 4), django_capture_on_commit_callbacks)
    assert sent() == [(-14, f"user:{dossier.student.user_id}")]
    factories.evidence(dossier, "5p", office=office)
    five_p = dossier.steps.get(code="5p")
    steps.step_transition(step=five_p, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=five_p, action=steps.VALIDATE, by=office)
    for day in (D(2026, 8, 15), D(2026, 8, 19)):
        sweep(day, django_capture_on_commit_callbacks)
    assert sent() == [(-14, f"user:{dossier.student.user_id}")]


def test_notif_1_a_step_done_after_its_claim_is_not_sent(dossier, office, django_capture_on_commit_callbacks):
    """NOTIF-1: a reminder claimed, then its step validated before the send
    runs, is cancelled rather than sent."""
    with django_capture_on_commit_callbacks(execute=False):
        (claim_id,) = [pk for pk in services.reminders_sweep(D(2026, 8, 15), queue=lambda pk: None)
                       if ReminderClaim.objects.get(pk=pk).key == "step:5p"]
    factories.evidence(dossier, "5p", office=office)
    five_p = dossier.steps.get(code="5p")
    steps.step_transition(step=five_p, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=five_p, action=steps.VALIDATE, by=office)
    mail.outbox.clear()
    assert services.reminder_send(claim_id) == "cancelled"
    assert mail.outbox == [] and ReminderClaim.objects.get(pk=claim_id).state == ReminderClaim.State.CANCELLED


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 8, 3), []),  # the day before −14
        (D(2026, 8, 4), [-14]),  # −14, a Tuesday
        (D(2026, 8, 14), [-14]),  # the day before −3: nothing new
        (D(2026, 8, 15), [-14, -3]),  # −3 falls on a Saturday and a holiday: sent that day
        (D(2026, 8, 18), [-14, -3]),  # the deadline itself: nothing new
        (D(2026, 8, 19), [-14, -3, 1]),  # missed: +1
        (D(2026, 8, 20), [-14, -3, 1]),  # once
    ],
)
def test_notif_1_deadline_edges_count_calendar_days_from_the_calendar(dossier, day, expected, django_capture_on_commit_callbacks):
    """NOTIF-1, STEP-2: step 5''s deadline comes from the year's calendar
    (the rentrée − 14 days); the offsets count calendar days from it, and a
    reminder falling on a weekend or a holiday goes out that day. Each
    sweep up to ``day`` (one a day) has sent exactly these offsets."""
    assert dossier.steps.get(code="5p").deadline == FIVE_P_DUE
    current = D(2026, 8, 1)
    while current <= day:
        sweep(current, django_capture_on_commit_callbacks)
        current += datetime.timedelta(days=1)
    assert sorted(offset for offset, _recipient in sent()) == expected


def test_notif_1_a_missed_sweep_catches_up_with_the_reminder_in_force_only(dossier, django_capture_on_commit_callbacks):
    """NOTIF-1: no sweep ran before 16 August: that sweep sends the −3
    reminder (in force since the 15th), not the −14 one as well; a sweep
    missed for more than a week after the deadline sends nothing late."""
    sweep(D(2026, 8, 16), django_capture_on_commit_callbacks)
    assert sent() == [(-3, f"user:{dossier.student.user_id}")]
    other = factories.DossierFactory(student__year=dossier.year)
    steps.steps_sync(other)
    sweep(D(2026, 8, 27), django_capture_on_commit_callbacks)  # +9: past the +1 reminder's week
    assert not ReminderClaim.objects.filter(dossier=other, key="step:5p").exists()


def test_notif_1_a_year_policy_sets_the_offsets(dossier, django_capture_on_commit_callbacks):
    """NOTIF-1: the office sets a year's offsets (here 7 days before and 2
    after); the defaults (14, 3, +1) no longer apply to that year."""
    ReminderPolicy.objects.create(year=dossier.year, days_before="7", days_after="2")
    for day in (D(2026, 8, 4), D(2026, 8, 11), D(2026, 8, 15), D(2026, 8, 19), D(2026, 8, 20)):
        sweep(day, django_capture_on_commit_callbacks)
    assert sorted(offset for offset, _recipient in sent()) == [-7, 2]


def test_notif_1_a_failed_send_is_retried_on_the_same_claim(dossier, django_capture_on_commit_callbacks, monkeypatch):
    """NOTIF-1: the mail server fails once: the claim is marked failed with
    the error; the retry sends that claim — one mail, one claim, no new one."""
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send
    failures = []

    def flaky(message, *args, **kwargs):
        if not failures:
            failures.append(message.subject)
            raise ConnectionRefusedError("serveur SMTP injoignable")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    dossier.steps.exclude(code="5p").update(deadline=None)
    sweep(D(2026, 8, 15), django_capture_on_commit_callbacks)
    claim = ReminderClaim.objects.get(key="step:5p")
    assert (claim.state, claim.attempts, claim.error) == (ReminderClaim.State.FAILED, 1, "serveur SMTP injoignable")
    assert mail.outbox == []
    assert tasks.send_reminder.delay(claim.pk).get() == "sent"
    claim.refresh_from_db()
    assert (claim.state, claim.attempts, claim.error) == (ReminderClaim.State.SENT, 2, "")
    assert len(mail.outbox) == 1 and ReminderClaim.objects.filter(key="step:5p").count() == 1
    assert tasks.send_reminder.delay(claim.pk).get() == "skipped"  # a late duplicate of the retry
    assert len(mail.outbox) == 1


def test_notif_1_a_claim_held_by_a_killed_worker_is_sent_by_the_next_sweep(dossier, django_capture_on_commit_callbacks):
    """NOTIF-1: a worker took a claim (« en cours d'envoi ») and died: once
    its lease is over the next sweep queues that claim again; it is sent
    once, and a send while the lease runs does nothing."""
    with django_capture_on_commit_callbacks(execute=False):
        ids = services.reminders_sweep(D(2026, 8, 15), queue=lambda pk: None)
    claim = ReminderClaim.objects.get(pk=ids[0])
    now = datetime.datetime(2026, 8, 15, 8, 0, tzinfo=datetime.UTC)
    assert services._take(claim.pk, now)  # the worker that will be killed
    assert services.reminder_send(claim.pk, now=now) == "skipped"  # its lease runs
    later = now + services.lease() + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.reminders_sweep(D(2026, 8, 15), queue=tasks.send_reminder.delay, now=later)
    assert claim.pk in requeued
    assert ReminderClaim.objects.get(pk=claim.pk).state == ReminderClaim.State.SENT


def test_notif_1_the_tutor_the_head_and_the_office_are_reminded_of_theirs(dossier, head, django_capture_on_commit_callbacks):
    """NOTIF-1: each obligation goes to whoever must act: the tuteur école
    grades the S9 report (EVAL-2), the head schedules the defence (PFE-3),
    the office's mailbox issues the certificates (CERT-1)."""
    tutor = factories.UserFactory(groups=["Enseignants"])
    dossier.tuteur_ecole = tutor
    dossier.save(update_fields=["tuteur_ecole"])
    recipients = {
        o.key: [r.key for r in people]
        for o, _offset, people in services.reminders_due(D(2026, 12, 15))
        if o.dossier_id == dossier.pk
    }
    assert recipients["s9:report"] == [f"user:{tutor.pk}"]
    option_head, department_head = type(dossier).objects.values_list(
        "student__option__head_id", "student__department__head_id").get(pk=dossier.pk)
    head_of = option_head or department_head
    assert head_of is not None
    due_defence = {o.key: o.due for o in services.all_obligations(type(dossier).objects.filter(pk=dossier.pk))}
    found = services.reminders_due(due_defence["pfe:defence"] - datetime.timedelta(days=3))
    assert [[r.key for r in people] for o, _offset, people in found if o.key == "pfe:defence"] == [[f"user:{head_of}"]]
    found = services.reminders_due(due_defence["certificate:s9"] + datetime.timedelta(days=1))
    assert [[r.key for r in people] for o, _offset, people in found if o.key == "certificate:s9"] == [["office"]]


def test_notif_1_the_selection_reads_in_a_fixed_number_of_queries(year):
    """NOTIF-1: the sweep's selection is set-based: the same queries for 3
    dossiers as for 12 (benchmarks/test_reminders_speed.py: 100 and 10 000),
    at most a few per registered source."""
    ReminderPolicy.objects.create(year=year)
    counts = []
    for count in (3, 12):
        while type(year).objects.get(pk=year.pk).dossiers.count() < count:
            steps.steps_sync(factories.DossierFactory(student__year=year))
        with CaptureQueriesContext(connection) as queries:
            found = services.reminders_due(D(2026, 8, 15))
        assert len([o for o, _offset, _people in found if o.key == "step:5p"]) == count
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2 * len(deadlines._SOURCES) + 4


@pytest.mark.django_db(transaction=True)
def test_notif_1_two_concurrent_sweeps_send_each_reminder_once():
    """NOTIF-1: two sweeps at the same moment, in two threads with their own
    connections, claim and send each reminder once (on PostgreSQL, as CI
    runs it; SQLite serialises writers and cannot show the race)."""
    if connection.vendor != "postgresql":
        pytest.skip("the concurrent sweeps need PostgreSQL (set DATABASE_URL; CI does)")
    year = factories.AcademicYearFactory()
    for _ in range(20):
        steps.steps_sync(factories.DossierFactory(student__year=year))
    start = threading.Barrier(2)
    queued, errors = [], []

    def run():
        try:
            start.wait()
            queued.append(services.reminders_sweep(D(2026, 8, 15), queue=tasks.send_reminder.delay))
        except Exception as error:  # shown by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    claims = ReminderClaim.objects.filter(key="step:5p")
    assert claims.count() == 20 and set(claims.values_list("state", flat=True)) == {ReminderClaim.State.SENT}
    first, second = queued
    assert len(first) + len(second) == ReminderClaim.objects.count() and not set(first) & set(second)
    subjects = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(subjects) == len(set(subjects)) == ReminderClaim.objects.count()
