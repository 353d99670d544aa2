import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2's deliberate slowness has no place in unit tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
