"""The public verification of a certificat de réalisation (CERT-2)."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from attendance import services as attendance
from attendance.certificates import services
from attendance.certificates.models import Certificate, CertificateKind
from conventions.models import Dossier

pytestmark = pytest.mark.django_db


ADDRESSES = ("127.0.0.1", "203.0.113.7", "198.51.100.2")


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test starts and ends with no lookup counted for its addresses
    (the limit lives in the cache, shared with the sessions: not cleared)."""
    from attendance.certificates.views import limit_key

    cache.delete_many([limit_key(address) for address in ADDRESSES])
    yield
    cache.delete_many([limit_key(address) for address in ADDRESSES])


@pytest.fixture
def certificate(make_session, students, teacher, office, clock, tiny_pdf_layout):
    """Abadie's S9 certificate: 3 h signed present on 5 October 2026."""
    clock(datetime.date(2027, 1, 6))
    attendance.session_sign(session=make_session(), present=[students[0]], by=teacher)
    dossier = Dossier.objects.get(student=students[0])
    return services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)


def verify(code, client=None, **extra):
    return (client or Client()).get(reverse("attendance:certificate-verify", args=[code]), **extra)


def test_cert_2_a_genuine_certificate_shows_hours_period_and_initials_only(certificate, students):
    """CERT-2: without an account, the page says « Certificat authentique »
    with the hours, the period and the student's initials — not the name,
    the company or the birth date."""
    response = verify(certificate.code)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Certificat authentique" in page and "semestre 9" not in page
    assert "3 heures" in page and "du 1er septembre 2026 au 31 décembre 2026" in page
    student = students[0]
    first, last = student.user.first_name, student.user.last_name
    assert f"<strong>{first[0]}. {last[0]}.</strong>" in page
    for secret in (last, first, certificate.dossier.company.name):
        assert secret not in page, secret
    if student.birth_date:
        assert str(student.birth_date.year) not in page


def test_cert_2_a_typed_code_finds_its_page(certificate):
    """CERT-2: the form takes the code as printed, in groups, lower case too."""
    response = Client().get(reverse("attendance:certificate-verify-form"),
                            {"code": certificate.code_display.lower().replace("-", " - ")})
    assert response.status_code == 302 and response.url == reverse("attendance:certificate-verify",
                                                                   args=[certificate.code])


def test_cert_2_a_malformed_code_is_refused_on_the_form():
    """CERT-2: a code that cannot be one is refused in French on the form."""
    response = Client().get(reverse("attendance:certificate-verify-form"), {"code": "0000"})
    assert response.status_code == 400
    assert "Un code compte 12 lettres et chiffres" in response.content.decode()


def test_cert_2_an_unknown_code_says_so():
    """CERT-2: a code nobody issued: « Code inconnu »."""
    response = verify("ABCDEFGHJKMN")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Code inconnu" in page and "Certificat authentique" not in page


def test_cert_2_altered_hours_are_not_confirmed(certificate):
    """CERT-2: once the stored hours no longer match the content certified
    (its SHA-256), the page says it cannot confirm the certificate and
    shows no hours."""
    Certificate.objects.filter(pk=certificate.pk).update(minutes=certificate.minutes + 600)
    page = verify(certificate.code).content.decode()
    assert "Certificat non confirmé" in page and "l'école ne peut pas confirmer ce certificat" in page
    assert "Certificat authentique" not in page and "13 heures" not in page


def test_cert_2_altered_content_is_not_confirmed(certificate):
    """CERT-2: the certified content changed along with the hours: its
    SHA-256 no longer matches, not confirmed either."""
    content = {**certificate.content, "minutes": 780}
    Certificate.objects.filter(pk=certificate.pk).update(minutes=780, content=content)
    assert services.certificate_verify(certificate.code)[0] == services.TAMPERED
    assert "Certificat non confirmé" in verify(certificate.code).content.decode()


def test_cert_2_lookups_are_rate_limited_per_address(certificate):
    """CERT-2: 30 lookups per address in 10 minutes; the 31st answers 429
    with a French page; another address still verifies."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(services_limit()):
        assert verify("ABCDEFGHJKMN", client).status_code == 404
    response = verify(certificate.code, client)
    assert response.status_code == 429
    assert "Trop de vérifications pour l'instant" in response.content.decode()
    assert verify(certificate.code, Client(REMOTE_ADDR="198.51.100.2")).status_code == 200


def services_limit():
    from attendance.certificates.views import VERIFY_LIMIT

    assert VERIFY_LIMIT == 30
    return VERIFY_LIMIT


def test_cert_2_initials_of_composed_names():
    """CERT-2: initials keep hyphenated parts: Jean-Pierre de la Tour → « J.-P. D. L. T. »."""
    assert services.initials("Jean-Pierre", "de la Tour") == "J.-P. D. L. T."
    assert services.initials("Élodie", "Dupont") == "É. D."


def test_cert_2_hours_in_words():
    """CERT-2: the hours as the page and the PDF write them, French plural rule."""
    assert [services.hours_text(m) for m in (0, 45, 60, 210, 15750)] == [
        "0 heure", "0 heure 45", "1 heure", "3 heures 30", "262 heures 30"]


def test_cert_2_a_replaced_version_says_so(certificate, office):
    """CERT-2: version 1 stays genuine once version 2 is issued, and its page
    says a later version replaces it, with that version's date."""
    first = verify(certificate.code).content.decode()
    assert "Une version plus récente" not in first
    services.certificate_issue(dossier=certificate.dossier, kind=CertificateKind.S9, by=office)
    page = verify(certificate.code).content.decode()
    assert "Certificat authentique" in page
    assert "Une version plus récente de ce certificat a été émise le 6 janvier 2027 : elle remplace celle-ci." in page


def test_cert_2_a_row_rewritten_with_a_plain_sha256_is_not_confirmed(certificate):
    """CERT-2: someone who rewrites the minutes, the certified content AND
    its fingerprint as a plain SHA-256 (all they could compute without the
    key) gets « non confirmé »: the fingerprint is a keyed HMAC."""
    import hashlib

    content = {**certificate.content, "minutes": 780}
    forged = hashlib.sha256(services.canonical_json(content).encode("utf-8")).hexdigest()
    Certificate.objects.filter(pk=certificate.pk).update(minutes=780, content=content, sha256=forged)
    assert services.certificate_verify(certificate.code)[0] == services.TAMPERED
    page = verify(certificate.code).content.decode()
    assert "Certificat non confirmé" in page and "13 heures" not in page


def test_cert_2_the_fingerprint_is_keyed_by_the_certificate_key(certificate, settings):
    """CERT-2: the HMAC's key is CERTIFICATE_KEY, not SECRET_KEY: a new
    SECRET_KEY keeps the certificate genuine; a new CERTIFICATE_KEY does not."""
    settings.SECRET_KEY = "another-secret-key-after-rotation-0123456789"
    assert services.certificate_verify(certificate.code)[0] == services.GENUINE
    settings.CERTIFICATE_KEY = "another-certificate-key"
    assert services.certificate_verify(certificate.code)[0] == services.TAMPERED


def test_cert_2_a_rupture_certificates_page_does_not_say_rupture(make_session, students, teacher, office, clock,
                                                                 tiny_pdf_layout):
    """CERT-2: the page of a rupture's certificate shows its hours, period
    and initials only: not « rupture », which would tell a stranger the
    contract was broken."""
    from conventions.models import Incident

    clock(datetime.date(2026, 10, 20))
    attendance.session_sign(session=make_session(), present=[students[0]], by=teacher)
    dossier = Dossier.objects.get(student=students[0])
    Incident.objects.create(dossier=dossier, kind=Incident.Kind.RUPTURE, start=datetime.date(2026, 10, 10),
                            reported_by=office)
    certificate = services.certificate_issue(dossier=dossier, kind=CertificateKind.RUPTURE, by=office)
    page = verify(certificate.code).content.decode()
    assert "Certificat authentique" in page and "du 1er septembre 2026 au 10 octobre 2026" in page
    assert "rupture" not in page.lower() and "rompu" not in page.lower()
