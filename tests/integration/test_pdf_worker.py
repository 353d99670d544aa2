"""A real Celery worker on Redis builds a convention (NOTIF-2, DOC-3)."""

import hashlib
import time

import pytest
from django.core.files.storage import storages

from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.models import CompanyContact, Document, PdfJob
from tests import factories

BUILD_TIMEOUT = 90  # seconds; a convention takes well under one


@pytest.fixture
def private_root(monkeypatch):
    """The worker's settings read CONTRATPRO_PRIVATE_ROOT: point it at the
    temporary folder tests/conftest.py gave this test, so the worker writes
    where the test reads."""
    root = storages["private"].location
    monkeypatch.setenv("CONTRATPRO_PRIVATE_ROOT", root)
    return root


@pytest.fixture
def pdf_worker(private_root, live_worker):
    """``live_worker`` started once CONTRATPRO_PRIVATE_ROOT is in the environment it copies."""
    return live_worker


def wait_for_job(job, worker, timeout):
    """Poll the database until the job is ready or failed; fail with the worker's log otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.status in (PdfJob.Status.READY, PdfJob.Status.FAILED):
            return job
        if not worker.alive():
            pytest.fail(f"the Celery worker exited with {worker.process.returncode}:\n{worker.log()}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"job still {job.status} after {timeout} s:\n{worker.log()}", pytrace=False)
        time.sleep(0.25)


@pytest.mark.integration
def test_notif_2_worker_builds_a_convention(pdf_worker, private_root):
    """NOTIF-2, DOC-3: ``pdf_request`` queues the build on commit; a real
    worker, through Redis and PostgreSQL, claims the job, renders the
    convention and attaches it with its SHA-256 in the shared private storage."""
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    company = factories.CompanyFactory(name="Cévennes Ingénierie SAS")
    signatory = factories.CompanyContactFactory(company=company, role=CompanyContact.Role.SIGNATORY, job_title="Gérante")
    dossier = factories.convention_ready(factories.DossierFactory(company=company, signataire=signatory))

    job = pdf_request(dossier=dossier, kind=DocumentKind.CONVENTION, by=office)
    job = wait_for_job(job, pdf_worker, BUILD_TIMEOUT)

    assert job.status == PdfJob.Status.READY, f"{job.error}\n{pdf_worker.log()}"
    document = Document.objects.get(dossier=dossier, kind=DocumentKind.CONVENTION)
    assert (job.document_id, document.version, document.generated) == (document.pk, 1, True)
    assert document.file.path.startswith(private_root + "/")
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.sha256
    pdf_worker.stop()
    assert "Task conventions.documents.tasks.build_pdf[" in pdf_worker.log()
