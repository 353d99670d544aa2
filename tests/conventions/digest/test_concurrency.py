"""Two digests sweeps at the same moment (NOTIF-1): on PostgreSQL, as CI
runs it (SQLite serialises writers and cannot show the race)."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from conventions.digest import services, tasks
from conventions.digest.models import DigestClaim
from conventions.dossier import steps
from conventions.notifications.models import Notification
from tests import factories

D = datetime.date
MONDAY = D(2026, 12, 14)


def race(sweep):
    """``sweep`` run by two threads released together, each its own connection."""
    start = threading.Barrier(2)
    queued, errors = [], []

    def run():
        try:
            start.wait()
            queued.append(sweep(MONDAY, queue=tasks.send_digest.delay))
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
    return queued


@pytest.mark.django_db(transaction=True)
def test_notif_1_two_concurrent_weekly_and_daily_sweeps_send_each_digest_once(head):
    """NOTIF-1: two weekly sweeps and two daily sweeps at the same moment,
    in two threads each: each digest claimed once, sent once."""
    if connection.vendor != "postgresql":
        pytest.skip("the concurrent sweeps need PostgreSQL (set DATABASE_URL; CI does)")
    year = factories.AcademicYearFactory()
    for _ in range(5):
        dossier = factories.DossierFactory(student__year=year)
        steps.steps_sync(dossier)
    person = factories.UserFactory(username="quotidien-course", notifications="quotidien")
    Notification.objects.create(recipient=person, kind="test", title="Étape 2 validée", mail=Notification.Mail.DIGEST)
    for sweep in (services.weekly_sweep, services.daily_sweep):
        first, second = race(sweep)
        assert len(first) + len(second) >= 1 and not set(first) & set(second)
    claims = DigestClaim.objects.all()
    assert set(claims.values_list("kind", "recipient", "state")) == {
        ("weekly", "office", "sent"), ("weekly", f"user:{head.pk}", "sent"), ("daily", f"user:{person.pk}", "sent")}
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == len(set(sent)) == claims.count() == 3
