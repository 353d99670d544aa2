"""The digests through real processes (NOTIF-1, NOTIF-2): Celery beat and a
worker on Redis and PostgreSQL, the mails delivered to an SMTP server run
by the test (its outbox): beat runs the weekly and the daily sweeps every
second, and each digest arrives once."""

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from conventions.digest.models import DigestClaim
from conventions.dossier import steps
from conventions.links.services import contact_email
from conventions.notifications.models import Notification
from tests import factories
from tests.integration.test_reminder_worker import outbox, processes, wait_until  # noqa: F401 (fixtures)


def all_sent(count):
    def done():
        return DigestClaim.objects.filter(state=DigestClaim.State.SENT).count() == count
    return done


@pytest.mark.integration
def test_notif_2_beat_runs_the_digests_every_second_and_each_arrives_once(processes, outbox):  # noqa: F811
    """NOTIF-1, NOTIF-2: beat (its database schedule, here every second)
    sends the weekly and the daily sweeps to a real worker on Redis, five
    times and more each; the SMTP outbox receives the office's weekly
    digest, the head's and the « quotidien » person's daily digest, each
    exactly once, and the notifications are marked mailed."""
    today = timezone.localdate()
    year = factories.AcademicYearFactory(start_year=today.year if today.month >= 9 else today.year - 1)
    head = factories.UserFactory(username="resp-digest", email="resp-digest@mines-ales.fr", groups=["Enseignants"])
    department = factories.department("2IA")
    department.head = head
    department.save()
    dossier = factories.DossierFactory(student__year=year, student__department=department)
    steps.steps_sync(dossier)
    dossier.steps.filter(code="A").update(deadline=today + datetime.timedelta(days=2))
    person = factories.UserFactory(username="quotidien-digest", email="quotidien@mines-ales.fr", notifications="quotidien")
    waiting = [Notification.objects.create(recipient=person, kind="test", title=f"Étape {n} validée", url="/",
                                           mail=Notification.Mail.DIGEST) for n in (1, 2)]
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    for name, task in (("hebdomadaire", "digest_weekly"), ("quotidien", "digest_daily")):
        PeriodicTask.objects.create(name=f"récapitulatif {name} chaque seconde (test)",
                                    task=f"conventions.digest.tasks.{task}", interval=every_second)
    worker = processes("worker", "digest-worker")
    beat = processes("beat", "digest-beat")
    wait_until(all_sent(3), [worker, beat], "digests not all sent")
    wait_until(lambda: worker.log().count("digest_weekly[") >= 10 and worker.log().count("digest_daily[") >= 10,
               [worker, beat], "fewer than 5 sweeps of each run")
    beat.stop()
    worker.stop()
    delivered = outbox.delivered()
    assert len(delivered) == len(set(delivered)) == 3 == DigestClaim.objects.count()
    by_address = {address: subject.strip() for address, subject in delivered}
    assert set(by_address) == {contact_email(), head.email, person.email}
    assert by_address[head.email].startswith("Récapitulatif de la semaine du ")
    assert by_address[person.email].endswith(": 2 notifications")
    assert Notification.objects.filter(pk__in=[n.pk for n in waiting], mailed_at__isnull=False).count() == 2
