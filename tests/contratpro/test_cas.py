"""AUTH-1: when the school's CAS is configured (CAS_SERVER_URL), school
people sign in through it with the roles of their portal account.

No CAS server package runs on Django 5.2 here, so the test starts a small
one on loopback speaking the CAS 3.0 protocol: ``/cas/login`` sends the
browser back to the service with a ticket, ``/cas/p3/serviceValidate``
answers the ``cas:serviceResponse`` XML (success with attributes, or
failure), ``/cas/logout`` records who left. The portal is driven with the
test client, and validates the tickets over real HTTP."""

import http.client
import itertools
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from xml.sax.saxutils import escape

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django_cas_ng.models import SessionTicket

from tests import factories


class FakeCAS(ThreadingHTTPServer):
    """A CAS 3.0 server: the next person to sign in is ``self.person``
    (login, attributes); each ticket validates once, for its service."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CASHandler)
        self.person = None
        self.broken = False  # answers the validation with something that is not XML
        self.tickets = {}
        self.logouts = []
        self.numbers = itertools.count(1)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/cas/"


class CASHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        server = self.server
        if parts.path == "/cas/login":
            ticket = f"ST-{next(server.numbers)}-test"
            server.tickets[ticket] = (query["service"], server.person)
            joiner = "&" if "?" in query["service"] else "?"
            self._answer(302, headers={"Location": f"{query['service']}{joiner}ticket={ticket}"})
        elif parts.path == "/cas/p3/serviceValidate" and server.broken:
            self._answer(200, "<html><body>Maintenance en cours", {"Content-Type": "text/html"})
        elif parts.path == "/cas/p3/serviceValidate":
            service, person = server.tickets.pop(query.get("ticket", ""), (None, None))
            if person is None or service != query.get("service"):
                body = (
                    '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
                    '<cas:authenticationFailure code="INVALID_TICKET">Ticket not recognized</cas:authenticationFailure>'
                    "</cas:serviceResponse>"
                )
            else:
                login, attributes = person
                attrs = "".join(f"<cas:{k}>{escape(v)}</cas:{k}>" for k, v in attributes.items())
                body = (
                    '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>'
                    f"<cas:user>{escape(login)}</cas:user><cas:attributes>{attrs}</cas:attributes>"
                    "</cas:authenticationSuccess></cas:serviceResponse>"
                )
            self._answer(200, body, {"Content-Type": "application/xml; charset=utf-8"})
        elif parts.path == "/cas/logout":
            server.logouts.append(query.get("service"))
            self._answer(200, "Vous êtes déconnecté du CAS.")
        else:
            self._answer(404, "")

    def _answer(self, status, body="", headers=None):
        data = body.encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def cas_server(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeCAS()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(CAS_SERVER_URL=server.url):
        yield server
    server.shutdown()
    server.server_close()


def through_cas(client, server, person):
    """The browser's trip: the portal sends it to the CAS, the CAS signs
    ``person`` in and sends it back with a ticket; returns the portal's
    answer to that ticket."""
    response = client.get("/connexion/cas/")
    assert response.status_code == 302 and response.url.startswith(server.url + "login?service=")
    server.person = person
    target = urlsplit(response.url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
    connection.request("GET", f"{target.path}?{target.query}")
    back = connection.getresponse()
    assert back.status == 302
    location = back.getheader("Location")
    connection.close()
    assert location.startswith("http://testserver/connexion/cas/?ticket=")
    return client.get(location)


def test_auth_1_cas_login_redirects_to_the_school_s_cas(cas_server, db):
    """AUTH-1: the portal's CAS button sends the browser to the school's
    CAS login with the portal's service URL."""
    response = Client().get("/connexion/cas/")
    assert response.url == cas_server.url + "login?" + urlencode({"service": "http://testserver/connexion/cas/"})


@pytest.mark.parametrize(("wanted", "landing"), [
    ("/dossiers/", "/dossiers/"), ("https://ailleurs.example/", "/"), ("//ailleurs.example/", "/"),
])
def test_auth_1_cas_back_from_the_cas_on_the_page_asked_for(cas_server, office, wanted, landing):
    """AUTH-1: the page asked for before the CAS (``next``, e.g. after an
    idle timeout) is where the person lands; another site never is."""
    client = Client()
    first = client.get("/connexion/cas/?" + urlencode({"next": wanted}))
    server_leg = urlsplit(first.url)
    connection = http.client.HTTPConnection(server_leg.hostname, server_leg.port, timeout=5)
    cas_server.person = ("bureau", {})
    connection.request("GET", f"{server_leg.path}?{server_leg.query}")
    location = connection.getresponse().getheader("Location")
    connection.close()
    assert client.get(location).url == landing


def test_auth_1_cas_a_ticket_s_next_is_checked_too(cas_server, office):
    """AUTH-1: a ticket brought back with another site's ``next`` (a
    crafted link) lands on the portal's home."""
    client = Client()
    server_leg = urlsplit(client.get("/connexion/cas/").url)
    connection = http.client.HTTPConnection(server_leg.hostname, server_leg.port, timeout=5)
    cas_server.person = ("bureau", {})
    connection.request("GET", f"{server_leg.path}?{server_leg.query}")
    location = connection.getresponse().getheader("Location")
    connection.close()
    crafted = Client()
    assert crafted.get(location + "&next=https%3A%2F%2Failleurs.example%2F").url == "/"


def test_auth_1_cas_the_login_page_button(cas_server):
    """AUTH-1: ``{% cas_login_url %}`` gives the login page's CAS button its
    address, and nothing without CAS."""
    from django.template import Context, Template

    template = Template("{% load signin %}[{% cas_login_url %}]")
    assert template.render(Context()) == "[/connexion/cas/]"
    with override_settings(CAS_SERVER_URL=None):
        assert template.render(Context()) == "[]"


def test_auth_1_cas_an_office_person_lands_on_their_queue(cas_server, office):
    """AUTH-1: a valid ticket for the office's login opens a session with
    the office's roles: home sends them to « À faire »."""
    client = Client()
    response = through_cas(client, cas_server, ("bureau", {"mail": "nadia.bureau@mines-ales.fr"}))
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").url == "/a-faire/"
    page = client.get("/a-faire/")
    assert page.status_code == 200 and "Nadia Bureau" in page.content.decode()
    assert SessionTicket.objects.filter(session_key=client.session.session_key).exists()


def test_auth_1_cas_matched_on_the_institutional_email(cas_server, db):
    """AUTH-1: a school login unknown to the portal is matched on the
    institutional e-mail the CAS sends (``mail``), with the same roles: the
    account the office or an import made, whose login is that e-mail."""
    factories.StudentFactory(user__username="anne.martin@mines-ales.org", user__email="anne.martin@mines-ales.org")
    client = Client()
    through_cas(client, cas_server, ("amartin", {"mail": "Anne.Martin@mines-ales.org"}))
    assert client.get("/").url == "/mon-dossier/"
    assert client.session["_auth_user_backend"] == "contratpro.signin.cas.PortalCASBackend"


def test_auth_1_cas_never_trusts_an_email_that_is_not_the_login(cas_server, db):
    """AUTH-1: an account whose e-mail is not its login (an e-mail that may
    have been typed by anyone) is never found through the CAS's ``mail``."""
    factories.StudentFactory(user__username="anne", user__email="anne.martin@mines-ales.org")
    client = Client()
    through_cas(client, cas_server, ("amartin", {"mail": "anne.martin@mines-ales.org"}))
    assert "_auth_user_id" not in client.session


def test_auth_1_cas_an_unknown_person_is_refused_in_french(cas_server, office):
    """AUTH-1: nobody is created: a school person without a portal account
    gets a French page in the layout (403), not a bare "Login failed"."""
    from contratpro.models import User

    count = User.objects.count()
    client = Client()
    response = through_cas(client, cas_server, ("jdupont", {"mail": "jean.dupont@mines-ales.fr"}))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Votre compte de l'école (« jdupont ») est reconnu, mais il n'a pas d'accès au portail" in page
    assert 'href="mailto:contrats-pro@mines-ales.fr"' in page and "<footer" in page
    assert "Login failed" not in page
    assert User.objects.count() == count
    assert "_auth_user_id" not in client.session


def test_auth_1_cas_an_invalid_ticket_is_refused_in_french(cas_server, office):
    """AUTH-1: a ticket the CAS does not confirm (forged, or used twice)
    signs nobody in."""
    client = Client()
    response = client.get("/connexion/cas/?" + urlencode({"next": "/", "ticket": "ST-forged"}))
    assert response.status_code == 403
    assert "n'a pas confirmé votre connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_auth_1_cas_logout_goes_to_the_cas_logout(cas_server, office):
    """AUTH-1: leaving the portal after a CAS sign-in ends the portal's
    session and sends the browser to the CAS logout, back to the login page."""
    client = Client()
    through_cas(client, cas_server, ("bureau", {}))
    key = client.session.session_key
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert response.url == cas_server.url + "logout?service=" + quote("http://testserver/connexion/", safe="")
    assert not Session.objects.filter(session_key=key).exists()
    assert not SessionTicket.objects.filter(session_key=key).exists()
    assert client.get("/a-faire/").url.startswith("/connexion/")


def test_auth_1_cas_local_passwords_stay(cas_server, office):
    """AUTH-1: with CAS configured, the local login page still signs in
    external accounts and the demo, and their logout stays local."""
    client = Client()
    assert client.get("/connexion/").status_code == 200
    assert client.post("/connexion/", {"username": "bureau", "password": "motdepasse-de-test"}).status_code == 302
    assert client.post("/deconnexion/").url == "/connexion/"


def test_auth_1_cas_its_urls_answer_404_when_not_configured(db):
    """AUTH-1: without CAS_SERVER_URL the CAS login does not exist."""
    with override_settings(CAS_SERVER_URL=None):
        assert Client().get("/connexion/cas/").status_code == 404
        assert Client().get("/connexion/cas/?ticket=ST-1").status_code == 404


def test_auth_2_cas_bogus_tickets_lock_no_one_s_account(cas_server, office):
    """AUTH-2: a ticket the CAS does not confirm has no login: it counts for
    its address only. Ten bogus tickets from ten addresses (one account's
    limit, were they counted as one) leave the CAS open to everyone: a
    valid CAS sign-in from another address enters the portal."""
    for n in range(10):
        response = Client().get(f"/connexion/cas/?ticket=ST-bogus-{n}", REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert response.status_code == 403
    assert AccessAttempt.objects.filter(username__isnull=True).count() == 10
    client = Client()
    response = through_cas(client, cas_server, ("bureau", {}))
    assert response.status_code == 302 and response.url == "/"
    assert client.session["_auth_user_backend"] == "contratpro.signin.cas.PortalCASBackend"


def test_auth_2_cas_a_refused_school_login_counts_under_that_login(cas_server, db):
    """AUTH-2: a login the CAS confirmed but the portal refuses counts under
    that login: the tenth refusal locks it (429), « Connexions bloquées »
    lists it, and another school login is untouched."""
    from contratpro.signin import throttle

    factories.UserFactory(username="paul")
    statuses = [through_cas(Client(), cas_server, ("jdupont", {})).status_code for _ in range(10)]
    assert statuses == [403] * 9 + [429]
    assert [row["key"] for row in throttle.locks()[0]] == ["jdupont"]
    assert through_cas(Client(), cas_server, ("paul", {})).status_code == 302


def test_auth_1_cas_the_login_matches_exactly_and_never_a_superuser(cas_server, db):
    """AUTH-1: the CAS login must be the portal's login exactly (``Admin``
    or ``PAUL`` at the CAS is not ``admin`` or ``paul``); the e-mail the CAS
    sends finds only an account whose login is that e-mail (any case), never
    one that merely holds it; and a superuser never signs in through the CAS,
    even with its own login or e-mail (they use their password and second
    factor)."""
    from contratpro.models import User

    factories.UserFactory(username="admin", email="admin@mines-ales.fr", is_superuser=True, is_staff=True)
    factories.UserFactory(username="paul", email="paul.durand@mines-ales.fr")
    factories.UserFactory(username="claire.roux@mines-ales.fr", email="claire.roux@mines-ales.fr")
    refused = [("Admin", {}), ("admin", {}), ("root", {"mail": "ADMIN@mines-ales.fr"}), ("PAUL", {}),
               ("pdurand", {"mail": "paul.durand@mines-ales.fr"})]
    for person in refused:
        client = Client()
        response = through_cas(client, cas_server, person)
        assert response.status_code == 403, person
        assert "_auth_user_id" not in client.session
    for person, username in [(("paul", {}), "paul"), (("croux", {"mail": "Claire.Roux@mines-ales.fr"}), "claire.roux@mines-ales.fr")]:
        client = Client()
        assert through_cas(client, cas_server, person).status_code == 302
        assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)


def test_auth_1_cas_an_unreachable_cas_gets_a_french_page(db, monkeypatch):
    """AUTH-1: when the school's CAS does not answer the ticket's validation
    (nothing listens on its port), the person gets a French page saying so
    and pointing to the password (503), not an error page; no failure is
    counted against them."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with override_settings(CAS_SERVER_URL=f"http://127.0.0.1:{port}/cas/"):
        response = Client().get("/connexion/cas/?ticket=ST-1")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Le service d'authentification de l'école ne répond pas : réessayez dans quelques minutes" in page
    assert "<footer" in page and "Traceback" not in page
    assert not AccessAttempt.objects.exists()


def test_auth_1_cas_an_unreadable_answer_gets_the_same_page(cas_server, db):
    """AUTH-1: a CAS answering its validation with something that is not
    the protocol's XML (a maintenance page) gets the same French page."""
    cas_server.broken = True
    response = Client().get("/connexion/cas/?ticket=ST-1")
    assert response.status_code == 503
    assert "ne répond pas" in response.content.decode()
    assert not AccessAttempt.objects.exists()
