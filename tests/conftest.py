import importlib

import pytest
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.test import Client

from contratpro.celery import app as celery_app
from tests import factories

SHIPPED_DATA = ("students.migrations.0002_programme_seed", "contratpro.migrations.0002_role_groups")


def _reload_shipped_data(sender, **kwargs):
    """Transactional tests end with a flush that empties every table; the
    data migrations' rows (PROG-1 programme, role groups) come back with the
    post_migrate signal the flush sends, as they would after ``migrate``."""
    if sender.name != "students":
        return
    for module in SHIPPED_DATA:
        loader = importlib.import_module(module)
        (getattr(loader, "load", None) or loader.create)(global_apps, None)


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


@pytest.fixture(autouse=True)
def private_storage_in_tmp(settings, tmp_path, monkeypatch):
    """Files a test stores (DOC-6) go to its own temporary folder, never var/."""
    from django.core.files.storage import storages

    from conventions.models import Document

    location = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": location, "base_url": None}},
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": location, "base_url": None}},
    }
    storages._storages = {}
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storages["private"])
    yield
    storages._storages = {}
