"""The reminder sweep through real processes (NOTIF-1, NOTIF-2): Celery beat
and a worker on Redis and PostgreSQL, the mails delivered to an SMTP server
run by the test (its outbox); a worker killed in the middle of a send, and
the sweep run again by a new worker, without a duplicate."""

import datetime
import email
import os
import socketserver
import subprocess
import sys
import threading
import time
from email import policy

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from conventions.dossier import steps
from conventions.reminders import services, tasks
from conventions.reminders.models import ReminderClaim
from tests import factories
from tests.integration.conftest import Worker, database_url

TIMEOUT = 120  # seconds
LEASE = 3  # seconds: the worker's hold on a reminder it sends (CONTRATPRO_REMINDER_LEASE_SECONDS)


class Outbox(socketserver.ThreadingTCPServer):
    """A minimal SMTP server on loopback: a message is delivered (kept in
    ``messages``) only once it answers 250 to its data. While ``hold`` is
    set, a message's data is received but never answered: the sender
    waits, as on a slow server, and ``held`` is set."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages = []
        self.hold = threading.Event()
        self.held = threading.Event()
        self.lock = threading.Lock()

    @property
    def port(self):
        return self.server_address[1]

    def delivered(self):
        """``(recipient, subject)`` of each delivered message."""
        with self.lock:
            found = []
            for recipients, data in self.messages:
                subject = email.message_from_bytes(data, policy=policy.default)["subject"]
                found.extend((recipient, str(subject)) for recipient in recipients)
            return found


class _SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server
        self.reply("220 outbox.test ESMTP")
        recipients = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 outbox.test")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk:
                        return
                    if chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                if server.hold.is_set():
                    server.held.set()
                    self.rfile.read()  # until the sender is gone: never delivered
                    return
                with server.lock:
                    server.messages.append((list(recipients), b"".join(data)))
                self.reply("250 OK delivered")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def outbox():
    server = Outbox()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def processes(integration_services, transactional_db, outbox, tmp_path):
    """Start Celery processes (worker, beat) on the test database, mailing
    to ``outbox``; all stopped at the end."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contratpro.settings",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "EMAIL_URL": f"smtp://127.0.0.1:{outbox.port}",
        "CONTRATPRO_REMINDER_LEASE_SECONDS": str(LEASE),
    }
    started = []

    def start(kind, name):
        log_path = tmp_path / f"{name}.log"
        if kind == "worker":
            args = ["worker", "--pool=solo", "--concurrency=1", "--without-gossip", "--without-mingle",
                    "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h"]
        else:
            args = ["beat", "--pidfile=", "-s", str(tmp_path / "beat-schedule")]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "contratpro", *args, "-l", "info"],
                cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(Worker(process, log_path))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def reminders_today(count):
    """``count`` dossiers whose step 5' falls due in 3 days: each has its
    reminder today (NOTIF-1's −3). Returns the ``(recipient, subject)``
    pairs today's sweep must deliver, each once."""
    today = timezone.localdate()
    year = factories.AcademicYearFactory(start_year=today.year if today.month >= 9 else today.year - 1)
    for _ in range(count):
        dossier = factories.DossierFactory(student__year=year)
        steps.steps_sync(dossier)
        dossier.steps.filter(code="5p").update(deadline=today + datetime.timedelta(days=3))
    due = services.reminders_due(today)
    assert len([o for o, _offset, _people in due if o.key == "step:5p"]) == count
    return due


def wait_until(condition, processes, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            if not process.alive():
                pytest.fail(f"a Celery process exited with {process.process.returncode}:\n{process.log()}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"{what} after {timeout} s:\n" + "\n".join(p.log() for p in processes), pytrace=False)
        time.sleep(0.2)


def all_sent():
    claims = ReminderClaim.objects.all()
    return claims.exists() and not claims.exclude(state=ReminderClaim.State.SENT).exists()


@pytest.mark.integration
def test_notif_2_beat_runs_the_sweep_every_second_and_each_reminder_arrives_once(processes, outbox):
    """NOTIF-1, NOTIF-2: beat (its database schedule, here every second)
    sends the sweep to a real worker on Redis, five times and more; the
    SMTP outbox receives each of today's reminders exactly once."""
    due = reminders_today(4)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="relances chaque seconde (test)", task="conventions.reminders.tasks.reminders_sweep_daily",
        interval=every_second,
    )
    worker = processes("worker", "reminders-worker")
    beat = processes("beat", "reminders-beat")
    wait_until(all_sent, [worker, beat], "reminders not all sent")
    wait_until(lambda: worker.log().count("reminders_sweep_daily[") >= 10, [worker, beat], "fewer than 5 sweeps run")
    beat.stop()
    worker.stop()
    delivered = outbox.delivered()
    expected = sum(len(people) for _o, _offset, people in due)
    assert len(delivered) == len(set(delivered)) == expected == ReminderClaim.objects.count()
    assert "Rappel : Étape 5'" in " ".join(subject for _to, subject in delivered)


@pytest.mark.integration
def test_notif_1_a_worker_killed_mid_send_and_a_new_sweep_leave_no_duplicate(processes, outbox):
    """NOTIF-1: the SMTP server holds the first mail; the worker sending it
    is killed (SIGKILL) mid-send. A new worker takes the queued sends, and
    once the dead worker's lease is over the sweep run again hands it that
    reminder: every reminder arrives, each exactly once, on its one claim."""
    due = reminders_today(5)
    expected = sum(len(people) for _o, _offset, people in due)
    outbox.hold.set()
    first = processes("worker", "first-worker")
    sweep = tasks.reminders_sweep_daily.delay()
    assert outbox.held.wait(TIMEOUT), first.log()
    assert sweep.get(timeout=TIMEOUT) == expected  # the sweep itself had finished: the sends were queued
    first.process.kill()  # SIGKILL, mid-send
    first.process.wait()
    outbox.hold.clear()
    assert ReminderClaim.objects.filter(state=ReminderClaim.State.SENDING).count() == 1

    second = processes("worker", "second-worker")
    wait_until(lambda: ReminderClaim.objects.filter(state=ReminderClaim.State.SENT).count() == expected - 1,
               [second], "the queued sends not done")
    time.sleep(LEASE + 0.5)
    assert tasks.reminders_sweep_daily.delay().get(timeout=TIMEOUT) == 1  # nothing new claimed, the one left behind queued…
    wait_until(all_sent, [second], "the killed worker's reminder not sent")  # …but the left-behind one sent
    second.stop()
    delivered = outbox.delivered()
    assert len(delivered) == len(set(delivered)) == expected == ReminderClaim.objects.count()
    (retaken,) = ReminderClaim.objects.filter(attempts=2)
    assert retaken.state == ReminderClaim.State.SENT
