"""AUTH-2 (ASVS 3.2.1, 3.3.1): a new session at login, logout ends it on
the server, and an idle session ends after CONTRATPRO_SESSION_IDLE_MINUTES."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from contratpro.signin.idle import LAST_SEEN_KEY
from tests import factories

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def person(db):
    """A student: their home is « Mon dossier »."""
    return factories.StudentFactory(user__username="anne").user


def sign_in(client, username="anne"):
    response = client.post("/connexion/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def session_cached(key):
    return caches[settings.SESSION_CACHE_ALIAS].get(KEY_PREFIX + key) is not None


def test_auth_2_login_gives_a_new_session_key(person):
    """ASVS 3.2.1: the session a visitor had before signing in is not the
    one they have after (no session fixation): its row is gone."""
    client = Client()
    before = client.session
    before["seen"] = True
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    after = sign_in(client)
    assert after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()
    assert Session.objects.filter(session_key=after).exists()


def test_auth_2_logout_ends_the_session_on_the_server(person):
    """ASVS 3.3.1: after logout the session's row and cache entry are gone
    and the old cookie, replayed, no longer signs anyone in."""
    client = Client()
    key = sign_in(client)
    assert session_cached(key) and Session.objects.filter(session_key=key).exists()
    assert client.post("/deconnexion/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not session_cached(key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get("/mon-dossier/")
    assert response.status_code == 302 and response.url.startswith("/connexion/?next=")


def move_last_seen_back(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - seconds
    session.save()
    return session[LAST_SEEN_KEY]


def test_auth_2_idle_session_ends_after_30_minutes(person):
    """AUTH-2: 30 minutes without a request and the next one is signed out,
    sent to the login page with ``next`` and a French message."""
    client = Client()
    key = sign_in(client)
    move_last_seen_back(client, 30 * 60 + 5)
    response = client.get("/mon-dossier/")
    assert response.status_code == 302 and response.url == "/connexion/?next=/mon-dossier/"
    assert not Session.objects.filter(session_key=key).exists()
    page = client.get(response.url).content.decode()
    assert "Votre session a pris fin après 30 minutes sans activité : reconnectez-vous." in page
    assert client.get("/mon-dossier/").url.startswith("/connexion/")


def test_auth_2_idle_a_session_used_within_the_idle_time_lives_on(person):
    """AUTH-2: 29 minutes after the last request the session still works,
    and that request starts a new idle period."""
    client = Client()
    sign_in(client)
    moved = move_last_seen_back(client, 29 * 60)
    assert client.get("/mon-dossier/").status_code == 200  # their page, no dossier yet
    assert client.session[LAST_SEEN_KEY] > moved + 28 * 60


def test_auth_2_idle_time_is_a_setting(person):
    """AUTH-2: CONTRATPRO_SESSION_IDLE_MINUTES sets the idle time."""
    client = Client()
    sign_in(client)
    move_last_seen_back(client, 6 * 60)
    with override_settings(CONTRATPRO_SESSION_IDLE_MINUTES=5):
        assert client.get("/mon-dossier/").url == "/connexion/?next=/mon-dossier/"


def test_auth_2_idle_the_last_seen_time_is_written_at_most_once_a_minute(person):
    """AUTH-2: requests within a minute of the stored time write nothing to
    the session (a write per page would cost a database write each time);
    a request after it refreshes the stored time."""
    client = Client()
    sign_in(client)
    assert abs(client.session[LAST_SEEN_KEY] - time.time()) < 5
    stored = move_last_seen_back(client, 50)
    with CaptureQueriesContext(connection) as queries:
        client.get("/mon-dossier/")
    assert client.session[LAST_SEEN_KEY] == stored  # not rewritten 50 s later
    assert not [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    moved = move_last_seen_back(client, 61)
    client.get("/mon-dossier/")
    assert client.session[LAST_SEEN_KEY] >= moved + 61


def test_auth_2_idle_force_login_starts_the_clock_too(person):
    """AUTH-2: every login stamps the session (the user_logged_in signal),
    force_login included."""
    client = Client()
    client.force_login(person)
    assert abs(client.session[LAST_SEEN_KEY] - time.time()) < 5


def test_auth_2_idle_an_htmx_request_sends_the_whole_page_to_the_login(person):
    """AUTH-2: an in-place action after the idle time does not swap the
    login page into a fragment: htmx is told to load the login page."""
    client = Client()
    sign_in(client)
    move_last_seen_back(client, 31 * 60)
    response = client.get("/mon-dossier/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/connexion/?next=/mon-dossier/"
