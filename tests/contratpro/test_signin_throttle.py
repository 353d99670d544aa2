"""AUTH-2 (ASVS 2.2.1): failed sign-ins are throttled per account and per
address by django-axes, with a French lockout page, unlocked by time or by
the office. ``client.login`` cannot be used (axes needs the request): the
tests post the login form as people do."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from contratpro.signin import throttle
from tests import factories

PASSWORD = "motdepasse-de-test"
LOGIN = "/connexion/"


def attempt(username, password, address="127.0.0.1", client=None):
    return (client or Client()).post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def person(db):
    return factories.UserFactory(username="anne")


def test_auth_2_the_101st_failure_on_an_account_is_refused_even_with_the_right_password(person):
    """ASVS 2.2.1: a hundred wrong passwords on one login, from a hundred
    addresses, and the right one is refused next; the lock falls at the
    10th failure already (AXES_FAILURE_LIMIT), every later one refused
    without a password being checked."""
    statuses = [attempt("anne", f"faux-{n}", address=f"10.1.{n // 250}.{n % 250 + 1}").status_code for n in range(100)]
    assert statuses[:9] == [200] * 9  # the form again, with its error
    assert statuses[9:] == [429] * 91
    response = attempt("anne", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_auth_2_nine_failures_do_not_lock_the_account(person):
    """AUTH-2: below the limit, the right password still signs in (a person
    who mistypes a few times is never stopped); the tenth failure locks."""
    for n in range(9):
        assert attempt("anne", f"faux-{n}").status_code == 200
    assert attempt("anne", PASSWORD).status_code == 302
    assert attempt("anne", "faux-10").status_code == 429
    assert attempt("anne", PASSWORD).status_code == 429


def test_auth_2_an_address_is_locked_after_100_failures_whatever_the_logins(db):
    """AUTH-2: password spraying from one address (one wrong password on
    each of a hundred logins) locks that address for everyone, the right
    password included; 99 failures (a school behind one NAT address,
    people mistyping) lock nobody; another address is untouched."""
    user = factories.UserFactory(username="paul")
    for n in range(99):
        assert attempt(f"inconnu{n}", "faux", address="192.0.2.7").status_code == 200
    assert attempt("paul", PASSWORD, address="192.0.2.7").status_code == 302
    assert attempt("inconnu99", "faux", address="192.0.2.7").status_code == 429
    assert attempt("paul", PASSWORD, address="192.0.2.7").status_code == 429
    assert attempt(user.username, PASSWORD, address="198.51.100.1").status_code == 302


def test_auth_2_the_lockout_page_is_french_in_the_layout(person):
    """AUTH-2: the lockout page says what happened, when it unlocks and
    whom to write to, in French, in the portal's layout (429)."""
    for n in range(10):
        response = attempt("anne", f"faux-{n}")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Connexion bloquée pour un moment" in page
    assert "même avec le bon mot de passe" in page
    assert "Vous pourrez réessayer dans 15 minutes, le " in page
    assert " à " in page.split("Vous pourrez réessayer dans 15 minutes, le ")[1][:40]
    assert 'href="mailto:contrats-pro@mines-ales.fr"' in page
    assert "IMT Mines Alès" in page and "<footer" in page  # the layout
    assert "Account locked" not in page


def lock(username="anne", address="127.0.0.1"):
    for n in range(10):
        attempt(username, f"faux-{n}", address=address)
    assert attempt(username, PASSWORD, address=address).status_code == 429


def test_auth_2_the_lock_ends_15_minutes_after_the_last_failure(person):
    """AUTH-2: unlocked by time: 15 minutes (AXES_COOLOFF_TIME) after the
    last try, not before."""
    lock()
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert attempt("anne", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=5))
    assert attempt("anne", PASSWORD).status_code == 302


def test_auth_2_the_lock_ends_with_the_cool_off_whatever_its_length(person):
    """AUTH-2: the cool-off is a setting; with a tiny one the lock is over
    as soon as it has passed."""
    with override_settings(AXES_COOLOFF_TIME=datetime.timedelta(seconds=1)):
        lock()
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(seconds=2))
        assert attempt("anne", PASSWORD).status_code == 302


def test_auth_2_the_office_lists_and_unlocks_a_login(person, office, login):
    """AUTH-2: « Connexions bloquées » lists the locked login and the
    office's « Débloquer » lets its owner in at once."""
    lock()
    client = login(office)
    page = client.get("/connexions-bloquees/").content.decode()
    assert "<td>anne</td>" in page and "Débloquer" in page
    response = client.post("/connexions-bloquees/debloquer/", {"username": "anne"})
    assert response.status_code == 302 and response.url == "/connexions-bloquees/"
    assert "identifiant « anne » est débloqué." in client.get(response.url).content.decode()
    assert attempt("anne", PASSWORD).status_code == 302


def test_auth_2_the_office_unlocks_an_address(db, office, login):
    """AUTH-2: a locked address is listed and unlocked by the office."""
    factories.UserFactory(username="paul")
    for n in range(100):
        attempt(f"inconnu{n}", "faux", address="192.0.2.7")
    client = login(office)
    accounts, addresses = throttle.locks()
    assert accounts == [] and [row["key"] for row in addresses] == ["192.0.2.7"]
    assert "<td>192.0.2.7</td>" in client.get("/connexions-bloquees/").content.decode()
    client.post("/connexions-bloquees/debloquer/", {"address": "192.0.2.7"})
    assert attempt("paul", PASSWORD, address="192.0.2.7").status_code == 302


def test_auth_2_only_the_office_sees_and_unlocks_locks(person, head, login):
    """AUTH-2: anyone but the office gets 403 on the page and on
    « Débloquer » (the lock stays); an anonymous visitor goes to the login."""
    lock()
    client = login(head)
    assert client.get("/connexions-bloquees/").status_code == 403
    assert client.post("/connexions-bloquees/debloquer/", {"username": "anne"}).status_code == 403
    assert AccessAttempt.objects.filter(username="anne").exists()
    anonymous = Client().get("/connexions-bloquees/")
    assert anonymous.status_code == 302 and anonymous.url.startswith("/connexion/?next=")


def test_auth_2_unlock_is_post_only(office, login):
    """AUTH-2: « Débloquer » changes state: a GET is refused (405); the list
    only reads (a POST there is refused)."""
    client = login(office)
    assert client.get("/connexions-bloquees/debloquer/?username=anne").status_code == 405
    assert client.post("/connexions-bloquees/", {"username": "anne"}).status_code == 405


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy: X-Forwarded-For is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a forged left part is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer hops than proxies: the socket's address
    ],
)
def test_auth_2_the_client_address_behind_the_reverse_proxies(proxies, forwarded, expected):
    """AUTH-2: behind CONTRATPRO_PROXY_COUNT proxies the address counted is
    the one the outermost proxy saw, never what the client wrote."""
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(CONTRATPRO_PROXY_COUNT=proxies):
        assert throttle.client_address(request) == expected


@override_settings(CONTRATPRO_PROXY_COUNT=1)
def test_auth_2_failures_behind_the_proxy_count_against_the_client(person):
    """AUTH-2: behind the proxy the failures are recorded for the client's
    address, not the proxy's."""
    Client().post(LOGIN, {"username": "anne", "password": "faux"}, REMOTE_ADDR="10.0.0.2",
                  HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


def test_auth_2_a_try_while_locked_does_not_push_the_unlock_back(person):
    """AUTH-2: a try refused during the lock is not recorded: the lock
    still ends 15 minutes after the last failure that counted (else one try
    every 14 minutes would keep someone else's account locked for ever)."""
    lock()
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    before = list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start"))
    assert attempt("anne", "faux-pendant", address="10.2.2.2").status_code == 429
    assert attempt("anne", PASSWORD).status_code == 429
    assert list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start")) == before
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=5))
    assert attempt("anne", PASSWORD).status_code == 302


def test_auth_2_the_lockout_page_tells_the_real_unlock_time(person):
    """AUTH-2: the lockout page counts from the last failure that counted,
    not from the refused try: 4 minutes left after 11 minutes locked."""
    lock()
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=11))
    page = attempt("anne", PASSWORD).content.decode()
    assert "Vous pourrez réessayer dans 4 minutes, le " in page
    assert "sans repousser ce déblocage" in page


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (1, "10.0.0.2", "not-an-ip", "10.0.0.2"),
        (1, "10.0.0.2", "6.6.6.6, 203.0.113.5:443", "10.0.0.2"),
        (1, "10.0.0.2", "<script>", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        (0, "2001:db8:1:2::1", "", "2001:db8:1:2::"),
        (0, "::ffff:192.0.2.1", "", "192.0.2.1"),
    ],
)
def test_auth_2_the_client_address_is_an_address(proxies, remote, forwarded, expected):
    """AUTH-2: what X-Forwarded-For holds is validated (anything else
    falls back on the socket's address: PostgreSQL's inet column would
    refuse it with an error page), and an IPv6 client counts as its /64."""
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(CONTRATPRO_PROXY_COUNT=proxies):
        assert throttle.client_address(request) == expected


@override_settings(CONTRATPRO_PROXY_COUNT=1)
def test_auth_2_a_forged_forwarded_address_is_not_stored(person):
    """AUTH-2: a failure behind the proxy with X-Forwarded-For ``not-an-ip``
    is recorded for the proxy's address, not for that text."""
    response = Client().post(LOGIN, {"username": "anne", "password": "faux"}, REMOTE_ADDR="10.0.0.2",
                             HTTP_X_FORWARDED_FOR="not-an-ip")
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]


def test_auth_2_an_ipv6_client_rotating_inside_its_64_is_one_address(db):
    """AUTH-2: 100 failures from 100 addresses of one IPv6 /64 lock that
    /64 (another /64 is untouched); the office sees and unlocks it as its
    first address."""
    factories.UserFactory(username="paul")
    for n in range(100):
        attempt(f"inconnu{n}", "faux", address=f"2001:db8:1:2::{n + 1:x}")
    assert attempt("paul", PASSWORD, address="2001:db8:1:2:ffff::9").status_code == 429
    assert attempt("paul", PASSWORD, address="2001:db8:1:3::9").status_code == 302
    assert [row["key"] for row in throttle.locks()[1]] == ["2001:db8:1:2::"]
    throttle.unlock(address="2001:db8:1:2::")
    assert attempt("paul", PASSWORD, address="2001:db8:1:2::77").status_code == 302
