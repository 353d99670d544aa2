"""Fixtures of the integration tests: a real PostgreSQL, Redis and Celery worker.

They need ``DATABASE_URL`` naming PostgreSQL and ``CELERY_BROKER_URL`` naming
Redis, as ``eval "$(scripts/services start)"`` exports. Without them the
tests skip, unless ``CONTRATPRO_REQUIRE_INTEGRATION=1`` (set by ``.ci/run``):
then they fail, so CI can never skip them silently.
"""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

REQUIRE_ENV = "CONTRATPRO_REQUIRE_INTEGRATION"


def missing_services():
    """Why the real services cannot be used here; empty when they can."""
    reasons = []
    if settings.CELERY_TASK_ALWAYS_EAGER:
        reasons.append("no Celery broker configured (CELERY_BROKER_URL unset, tasks run eagerly)")
    elif not settings.CELERY_RESULT_BACKEND:
        reasons.append("no Celery result backend (CELERY_RESULT_BACKEND unset, broker is not Redis)")
    if connection.vendor != "postgresql":
        reasons.append(
            f"the database is {connection.vendor}, not PostgreSQL "
            "(a worker process cannot reach the in-memory test database)"
        )
    return reasons


@pytest.fixture
def integration_services():
    """Skip, or fail under CONTRATPRO_REQUIRE_INTEGRATION=1, without real services."""
    reasons = missing_services()
    if not reasons:
        return
    message = "; ".join(reasons) + ' — start them with: eval "$(scripts/services start)"'
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {message}", pytrace=False)
    pytest.skip(message)


def database_url(db):
    """A ``DATABASE_URL`` that django-environ parses back into ``db`` (PostgreSQL)."""
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    name = quote(db["NAME"], safe="")
    if host.startswith("/"):  # a Unix socket directory goes in the path
        location = f"{auth}{port}/{quote(host, safe='')}/{name}"
    else:
        if ":" in host:
            host = f"[{host}]"
        location = f"{auth}{host}{port}/{name}"
    options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, (str, int))}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{location}{query}"


class Worker:
    """A ``celery worker`` subprocess and its log."""

    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    def alive(self):
        return self.process.poll() is None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, result, timeout):
        """Wait until ``result`` is ready; fail at once, with the log, if the worker dies."""
        deadline = time.monotonic() + timeout
        while not result.ready():
            if not self.alive():
                pytest.fail(
                    f"the Celery worker exited with {self.process.returncode}:\n{self.log()}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no result from the worker in {timeout} s:\n{self.log()}", pytrace=False)
            time.sleep(0.1)

    def stop(self):
        """SIGTERM (warm shutdown), then SIGKILL if it lingers."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def live_worker(integration_services, transactional_db, tmp_path):
    """A real Celery worker on the configured broker, using the test database.

    ``transactional_db`` commits what the test writes, so the worker (another
    process, another connection) sees it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contratpro.settings",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
    }
    log_path = tmp_path / "celery-worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "contratpro", "worker",
                "--pool=solo", "--concurrency=1", "-l", "info",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"integration-{os.getpid()}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process, log_path)
    try:
        yield worker
    finally:
        worker.stop()
