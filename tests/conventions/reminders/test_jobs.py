"""The reminders run in the background (NOTIF-2): beat runs the sweep each
day; the office's page only reads and queues."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from contratpro.celery import app as celery_app
from conventions.dossier import steps
from conventions.reminders import services, tasks
from conventions.reminders.models import ReminderClaim
from tests import factories

pytestmark = pytest.mark.django_db


def test_notif_2_beat_runs_the_sweep_task_every_day():
    """NOTIF-2: the sweep is a Celery task that beat schedules daily
    (copied into the periodic tasks the office edits in the admin)."""
    entry = settings.CELERY_BEAT_SCHEDULE["conventions-reminders-sweep"]
    assert entry["task"] == "conventions.reminders.tasks.reminders_sweep_daily"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {7} and entry["schedule"].day_of_week == set(range(7))


def test_notif_2_the_daily_task_claims_and_sends(year, django_capture_on_commit_callbacks):
    """NOTIF-2: the beat task, run by name as beat runs it, sweeps the day
    given and sends through the send task; run again, it sends nothing."""
    dossier = factories.DossierFactory(student__year=year)
    steps.steps_sync(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        first = celery_app.tasks["conventions.reminders.tasks.reminders_sweep_daily"].delay("2026-08-15").get()
    assert first >= 1 and any(m.to == [dossier.student.user.email] for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders_sweep_daily.delay("2026-08-15").get() == 0


def test_notif_2_relancer_queues_the_failed_reminder_and_answers_at_once(
    year, office, login, monkeypatch, django_capture_on_commit_callbacks,
):
    """NOTIF-2, NOTIF-1: the office's « Relancer » puts the same claim back
    in the queue after commit and answers at once: nothing is sent in the
    request; the claim waits for the worker."""
    dossier = factories.DossierFactory(student__year=year)
    steps.steps_sync(dossier)
    claim = ReminderClaim.objects.create(
        dossier=dossier, key="step:5p", offset=-3, recipient=f"user:{dossier.student.user_id}",
        user=dossier.student.user, actor="eleve", label="Étape 5'", due=datetime.date(2026, 8, 18),
        day=datetime.date(2026, 8, 15), sweep="x", state=ReminderClaim.State.FAILED, attempts=5, error="refusé",
    )
    queued = []
    monkeypatch.setattr(tasks.send_reminder, "delay", queued.append)
    client = login(office)
    page = client.get(reverse("conventions:reminder-list") + "?etat=echecs")
    assert page.status_code == 200 and "Relancer" in page.content.decode() and "refusé" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("conventions:reminder-retry", args=[claim.pk]))
    assert response.status_code == 302 and response.url == reverse("conventions:reminder-list")
    assert queued == [claim.pk] and mail.outbox == []
    claim.refresh_from_db()
    assert (claim.state, claim.attempts, claim.error) == (ReminderClaim.State.CLAIMED, 0, "")
    assert ReminderClaim.objects.count() == 1
    assert services.reminder_send(claim.pk) == "sent" and len(mail.outbox) == 1


def test_notif_1_relancer_refuses_a_reminder_that_did_not_fail(year, office, login):
    """NOTIF-1: a reminder sent is not sent again by « Relancer »: the page
    says so and nothing is queued."""
    dossier = factories.DossierFactory(student__year=year)
    claim = ReminderClaim.objects.create(
        dossier=dossier, key="step:5p", offset=-3, recipient="office", actor="bureau", label="Étape 5'",
        due=datetime.date(2026, 8, 18), day=datetime.date(2026, 8, 15), sweep="x", state=ReminderClaim.State.SENT,
    )
    response = login(office).post(reverse("conventions:reminder-retry", args=[claim.pk]), follow=True)
    assert escape("Cette relance n'est pas en échec : il n'y a rien à renvoyer.") in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == ReminderClaim.State.SENT


# Measured at 2 and 12 claims: pinned, so that a query per claim shows.
REMINDERS_PAGE_QUERIES = 5


def test_notif_1_the_reminders_page_reads_as_many_queries_for_2_and_12_claims(year, office, login,
                                                                             django_assert_num_queries):
    """NOTIF-1: the office's « Relances » page paginates in the database and
    reads each claim's dossier and person in the same queries: 2 claims and
    12 cost the same."""
    client = login(office)
    counts = []
    for n in (2, 10):
        for _ in range(n):
            dossier = factories.DossierFactory(student__year=year)
            ReminderClaim.objects.create(
                dossier=dossier, key="step:5p", offset=-3, recipient=f"user:{dossier.student.user_id}",
                user=dossier.student.user, actor="eleve", label="Étape 5'", due=datetime.date(2026, 8, 18),
                day=datetime.date(2026, 8, 15), sweep="x", state=ReminderClaim.State.FAILED, attempts=5,
                error="refusé",
            )
        client.get(reverse("conventions:reminder-list"))  # warm the session and the caches
        with django_assert_num_queries(REMINDERS_PAGE_QUERIES) as captured:
            assert client.get(reverse("conventions:reminder-list")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
