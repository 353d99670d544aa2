import contextlib
import importlib
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.db.models.signals import post_migrate
from django.test import Client

from contratpro.celery import app as celery_app
from tests import factories

SHIPPED_DATA = (
    "students.migrations.0002_programme_seed",
    "contratpro.migrations.0002_role_groups",
    "students.migrations.0008_smic_rate",  # DOC-10: the SMIC's dated values
    "contratpro.migrations.0004_school_identity",  # DOC-11: the school's identity from the seed
)


def _reload_shipped_data(sender, **kwargs):
    """Transactional tests end with a flush that empties every table; the
    data migrations' rows (PROG-1 programme, role groups) come back with the
    post_migrate signal the flush sends, as they would after ``migrate``."""
    if sender.name != "students":
        return
    for module in SHIPPED_DATA:
        loader = importlib.import_module(module)
        (getattr(loader, "load", None) or getattr(loader, "create", None) or loader.seed)(global_apps, None)


post_migrate.connect(_reload_shipped_data, dispatch_uid="tests-reload-shipped-data")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """PBKDF2's deliberate slowness has no place in unit tests (session-wide,
    so module-scoped data such as the demo's hashes the same way)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def year(db):
    return factories.AcademicYearFactory()


@pytest.fixture
def login(client):
    """Log ``user`` in on a fresh client and return it."""

    def _login(user):
        c = Client()
        c.force_login(user)
        return c

    return _login


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Tasks run in-process in every test but the integration ones, even
    when CI configures a broker (NOTIF-2's worker is tested there)."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@contextlib.contextmanager
def private_storage(location):
    """Point the private storage (DOC-6) and the file fields stored in it
    (``Document.file``, ``Invoice.file``, ``PfeReport.file``) at ``location``
    for the block: setting ``STORAGES`` alone is not enough, since
    ``storages`` caches its backends and each field resolved its storage
    when its model was defined."""
    from django.core.files.storage import storages
    from django.test import override_settings

    from conventions.models import Document, Invoice
    from grading.models import PfeReport

    options = {"location": str(location), "base_url": None}
    stored = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": options},
        "private": {**settings.STORAGES["private"], "OPTIONS": options},
    }
    fields = [model._meta.get_field("file") for model in (Document, Invoice, PfeReport)]
    saved = [field.storage for field in fields]
    with override_settings(STORAGES=stored):
        storages._storages = {}
        for field in fields:
            field.storage = storages["private"]
        try:
            yield Path(location)
        finally:
            for field, storage in zip(fields, saved):
                field.storage = storage
            storages._storages = {}


@pytest.fixture(autouse=True)
def private_storage_in_tmp(tmp_path):
    """Files a test stores (DOC-6) go to its own temporary folder, never var/."""
    with private_storage(tmp_path / "private") as location:
        yield location


@pytest.fixture
def private_root(private_storage_in_tmp):
    """This test's private folder (a ``Path``): where uploads and PDFs land."""
    return private_storage_in_tmp


@pytest.fixture
def office(db):
    """The Service Contrats Pro's account (ROLE-2)."""
    return factories.UserFactory(
        username="bureau", first_name="Nadia", last_name="Bureau", groups=["Service Contrats Pro"]
    )


@pytest.fixture
def head(db):
    """The head of department 2IA, the factories' department (ROLE-3, ELIG-9)."""
    user = factories.UserFactory(
        username="resp2ia", first_name="Hélène", last_name="Garnier", email="resp2ia@mines-ales.fr",
        groups=["Enseignants"],
    )
    department = factories.department("2IA")
    department.head = user
    department.save()
    return user


# A one-page PDF, small and valid.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def tiny_pdf_layout(monkeypatch):
    """PDF jobs (NOTIF-2) run as always — the builder with its checks, its
    template rendered, the version attached with its SHA-256 — but
    WeasyPrint's layout is skipped: the file stored is ``TINY_PDF``. For
    the tests about jobs, versions, signatures and copies; the tests about
    what a PDF says keep the real layout."""
    from django.template.loader import render_to_string

    from conventions.documents import pdf

    def layout(template_name, context):
        render_to_string(template_name, context)
        return TINY_PDF

    monkeypatch.setattr(pdf, "render_pdf", layout)
    return TINY_PDF


def pytest_report_header(config):
    """ROLE-9: the access matrix's size on top of the run (tests/contratpro/test_access_matrix.py)."""
    try:
        from tests.contratpro.test_access_matrix import matrix_size
    except Exception as error:  # the header never stops the run
        return f"access matrix (ROLE-9): not loaded ({type(error).__name__}: {error})"
    patterns, viewers, cells, requests = matrix_size()
    return f"access matrix (ROLE-9): {patterns} URL patterns × {viewers} viewers = {cells} cells, {requests} requests"


@pytest.fixture(autouse=True)
def school_identity_complete(request):
    """DOC-11: nothing goes out for signature while the school's identity
    lacks a required part, and the shipped record has no SIRET, NDA nor
    signatory; tests with a database get it complete (the DOC-11 tests
    blank what they need). Returns the record, or None without a database."""
    names = set(request.fixturenames)
    if not (request.node.get_closest_marker("django_db") or names & {"db", "transactional_db"}):
        return None
    request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    from contratpro.school.demo import DEMO
    from contratpro.school.models import SchoolIdentity

    seed = importlib.import_module("contratpro.migrations.0004_school_identity").SEED
    identity, _created = SchoolIdentity.objects.update_or_create(
        valid_from_year=seed["valid_from_year"], defaults={**seed, **DEMO}
    )
    return identity
