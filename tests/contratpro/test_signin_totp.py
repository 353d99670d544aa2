"""AUTH-2: the office and superusers confirm their sign-in with a TOTP app
(django-otp) when CONTRATPRO_REQUIRE_SECOND_FACTOR is on; nobody else is
asked, and with the setting off nobody is."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

PASSWORD = "motdepasse-de-test"
TODO = "/a-faire/"

required = override_settings(CONTRATPRO_REQUIRE_SECOND_FACTOR=True)


def sign_in(username):
    client = Client()
    assert client.post("/connexion/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def code_for(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def device(office):
    return TOTPDevice.objects.create(user=office, name="Téléphone", confirmed=True)


@required
def test_auth_2_totp_the_office_cannot_open_its_queue_until_verified(device):
    """AUTH-2: after the password, « À faire » sends the office to the code
    page, with the way back in ``next``."""
    client = sign_in("bureau")
    response = client.get(TODO)
    assert response.status_code == 302 and response.url == "/connexion/code/?next=%2Fa-faire%2F"
    page = client.get(response.url).content.decode()
    assert "Code de connexion" in page and 'autocomplete="one-time-code"' in page
    assert client.get("/dossiers/").status_code == 302
    assert client.get("/admin/").url.startswith("/connexion/code/")


@required
def test_auth_2_totp_a_wrong_code_is_refused_in_french(device):
    """AUTH-2: a wrong code is refused with a French message; the queue
    stays closed."""
    client = sign_in("bureau")
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    response = client.post("/connexion/code/?next=/a-faire/", {"code": wrong, "next": TODO})
    assert response.status_code == 200
    assert "Ce code n&#x27;est pas le bon (ou il a expiré)." in response.content.decode()
    assert client.get(TODO).status_code == 302
    response = client.post("/connexion/code/", {"code": "12ab", "next": TODO})
    assert "Le code compte six chiffres." in response.content.decode()


@required
def test_auth_2_totp_the_right_code_lets_the_office_in(device):
    """AUTH-2: the code of the office's app opens « À faire », for the rest
    of the session only: the next sign-in asks again."""
    client = sign_in("bureau")
    response = client.post("/connexion/code/", {"code": code_for(device), "next": TODO})
    assert response.status_code == 302 and response.url == TODO
    assert client.get(TODO).status_code == 200
    client.post("/deconnexion/")
    again = sign_in("bureau")
    assert again.get(TODO).url.startswith("/connexion/code/")


@required
def test_auth_2_totp_a_code_serves_once(device):
    """AUTH-2: a code already used does not verify a second session (a
    code seen over a shoulder)."""
    code = code_for(device)
    first = sign_in("bureau")
    assert first.post("/connexion/code/", {"code": code, "next": TODO}).status_code == 302
    second = sign_in("bureau")
    assert second.post("/connexion/code/", {"code": code, "next": TODO}).status_code == 200
    assert second.get(TODO).status_code == 302


@required
def test_auth_2_totp_an_office_member_without_a_device_enrols_one(office):
    """AUTH-2: with no device yet the office is sent to the enrolment page:
    a QR code as inline SVG without style attributes (the CSP), the secret
    in groups of four; a first valid code confirms it and opens the queue."""
    client = sign_in("bureau")
    response = client.get(TODO)
    assert response.url == "/connexion/application/?next=%2Fa-faire%2F"
    page = client.get(response.url).content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "style=" not in svg and "<path" in svg
    device = TOTPDevice.objects.get(user=office)
    assert not device.confirmed
    secret = re.search(r'<code class="fs-5">([A-Z2-7 ]+)</code>', page).group(1)
    assert all(len(group) == 4 for group in secret.split()[:-1]) and len(secret.replace(" ", "")) == 32
    assert client.get("/connexion/application/").content.decode().count(secret) == 1  # the same secret on reload
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    assert "Ce code n&#x27;est pas le bon." in client.post(
        "/connexion/application/", {"code": wrong, "next": TODO}).content.decode()
    # django-otp makes one wait a second after a wrong code: that second has passed.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post("/connexion/application/", {"code": code_for(device), "next": TODO})
    assert response.status_code == 302 and response.url == TODO
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(TODO).status_code == 200


@required
def test_auth_2_totp_superusers_are_asked_too(db):
    """AUTH-2: a superuser without the office's group confirms too."""
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = sign_in("root")
    assert client.get("/admin/").url.startswith("/connexion/application/")


@required
def test_auth_2_totp_a_student_is_never_asked(db):
    """AUTH-2: other roles sign in in one step."""
    factories.StudentFactory(user__username="anne")
    client = sign_in("anne")
    assert client.get("/mon-dossier/").status_code == 200
    assert client.get("/connexion/code/").status_code == 302  # nothing to verify: home


@override_settings(CONTRATPRO_REQUIRE_SECOND_FACTOR=False)
def test_auth_2_totp_setting_off_no_step(device):
    """AUTH-2: with the setting off (the demo's `make run`) the office signs
    in in one step, device or not."""
    assert sign_in("bureau").get(TODO).status_code == 200


@required
def test_auth_2_totp_logout_and_static_files_stay_open(device):
    """AUTH-2: before the code, the logout works and static files are not
    redirected."""
    client = sign_in("bureau")
    assert client.get("/static/css/portal.css").status_code != 302
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response.url == "/connexion/"


@required
def test_auth_2_totp_the_office_resets_a_lost_device(device, capsys):
    """AUTH-2: `manage.py reset_second_factor <login>` forgets the device:
    the next sign-in enrols a new one."""
    call_command("reset_second_factor", "bureau")
    assert not TOTPDevice.objects.filter(user=device.user).exists()
    assert "bureau : 1 application(s) effacée(s)" in capsys.readouterr().out
    assert sign_in("bureau").get(TODO).url.startswith("/connexion/application/")


def test_auth_2_totp_default_follows_debug():
    """AUTH-2: the setting's default is on in production (DEBUG off) and
    off for the demo."""
    from contratpro import settings as portal_settings

    source = open(portal_settings.__file__).read()
    assert 'CONTRATPRO_REQUIRE_SECOND_FACTOR = env.bool("CONTRATPRO_REQUIRE_SECOND_FACTOR", default=not DEBUG)' in source
