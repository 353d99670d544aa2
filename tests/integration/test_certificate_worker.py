"""A real Celery worker on Redis builds a year's certificats de réalisation (CERT-1, NOTIF-2)."""

import hashlib
import time

import pytest
from django.core.files.storage import storages

from attendance.certificates import jobs
from attendance.certificates.models import Certificate, CertificateBatch, CertificateKind
from tests import factories

CERTIFICATES = 30
BUILD_TIMEOUT = 240  # seconds; a certificate takes well under one


@pytest.fixture
def live_worker_env(monkeypatch):
    """The worker's settings read CONTRATPRO_PRIVATE_ROOT: point it at this
    test's temporary folder before the worker copies the environment."""
    monkeypatch.setenv("CONTRATPRO_PRIVATE_ROOT", storages["private"].location)
    return storages["private"].location


@pytest.fixture
def worker(live_worker_env, live_worker):
    """``live_worker`` started once CONTRATPRO_PRIVATE_ROOT is in the environment it copies."""
    return live_worker


def wait_for_batch(batch, worker, timeout):
    """Poll the batch, as its page does, until every certificate is counted."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        batch.refresh_from_db()
        seen.append(batch.percent)
        if batch.finished:
            return seen
        if not worker.alive():
            pytest.fail(f"the Celery worker exited with {worker.process.returncode}:\n{worker.log()}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"batch at {batch.done}/{batch.total} after {timeout} s:\n{worker.log()}", pytrace=False)
        time.sleep(0.5)


@pytest.mark.integration
def test_cert_1_worker_builds_30_certificates_to_100_percent(worker, live_worker_env):
    """CERT-1, NOTIF-2: the office asks for a year's S9 certificates; the
    request only writes the batch and queues one task per dossier on commit;
    a real worker, through Redis and PostgreSQL, builds the 30 PDFs and the
    batch's progress climbs to 100 %, each certificate a stored document
    with its SHA-256."""
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    # A year whose S9 has ended (CERT-1: never issued before): the worker
    # runs at the real « now », no clock to set in its process.
    year = factories.AcademicYearFactory(start_year=2025)
    for _ in range(CERTIFICATES):
        factories.DossierFactory(student__year=year)

    started = time.monotonic()
    batch = jobs.certificate_batch_request(year=year, kind=CertificateKind.S9, by=office)
    queued_in = time.monotonic() - started
    assert batch.total == CERTIFICATES and batch.done == 0  # nothing built in the request
    assert queued_in < 5, f"queueing took {queued_in:.1f} s"

    seen = wait_for_batch(batch, worker, BUILD_TIMEOUT)

    assert (batch.done, batch.failed, batch.state, batch.percent) == (CERTIFICATES, 0, CertificateBatch.State.DONE, 100), (
        f"{set(batch.items.values_list('error', flat=True))}\n{worker.log()}")
    assert seen[-1] == 100 and seen == sorted(seen)
    certificates = list(Certificate.objects.filter(batch=batch).select_related("document"))
    assert len(certificates) == CERTIFICATES and len({c.code for c in certificates}) == CERTIFICATES
    sample = certificates[0].document
    with sample.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == sample.sha256
    worker.stop()
    assert "Task attendance.certificates.tasks.build_certificate[" in worker.log()
