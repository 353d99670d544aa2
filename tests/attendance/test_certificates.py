"""Certificats de réalisation (CERT-1): periods, hours from the signed
carnet only, versions, the PDF's fields, batches, deadlines, access."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance import services as attendance
from attendance.certificates import jobs, services
from attendance.certificates.models import Certificate, CertificateBatch, CertificateBatchItem, CertificateKind
from contratpro.school.models import SchoolIdentity
from conventions.dossier.deadlines import obligations_for
from conventions.models import Document, Dossier, Incident
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def after_the_year(clock):
    """« Now » on the contract's last day, the S9 long over (CERT-1: no
    certificate before its period's end); a test of the end-of-contract
    certificate, or of « too early », sets the clock itself."""
    return clock(D(2027, 8, 31))


@pytest.fixture
def signed(make_session, teacher, clock):
    """Sign a 3-hour session of ``day`` with ``present`` present (now: after the year)."""
    def _sign(day, present, **values):
        clock(D(2027, 8, 31))
        session = make_session(day=day, **values)
        attendance.session_sign(session=session, present=present, by=teacher)
        return session
    return _sign


def dossier_of(student):
    return Dossier.objects.get(student=student)


def pdf_text(certificate):
    from pypdf import PdfReader

    with certificate.document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_cert_1_hours_come_from_signed_lines_only(signed, make_session, students, office, tiny_pdf_layout):
    """CERT-1: a signed session with the student present counts; the same
    student absent at a signed session, or a session nobody signed, counts
    nothing."""
    student = students[0]
    signed(D(2026, 10, 5), [student])  # 3 h, present
    signed(D(2026, 10, 6), [students[1]])  # signed, our student absent
    make_session(day=D(2026, 10, 7))  # never signed: an unsigned line
    certificate = services.certificate_issue(dossier=dossier_of(student), kind=CertificateKind.S9, by=office)
    assert certificate.minutes == 180
    assert (certificate.period_start, certificate.period_end) == (D(2026, 9, 1), D(2026, 12, 31))


def test_cert_1_a_session_after_the_period_end_is_not_counted(signed, students, office, tiny_pdf_layout, clock):
    """CERT-1: the S9 certificate stops at the S9 end; the session of
    January counts in the end-of-contract one."""
    student = students[0]
    signed(D(2026, 12, 31), [student])
    signed(D(2027, 1, 4), [student], end=datetime.time(10))
    clock(D(2027, 9, 1))
    s9 = services.certificate_issue(dossier=dossier_of(student), kind=CertificateKind.S9, by=office)
    fin = services.certificate_issue(dossier=dossier_of(student), kind=CertificateKind.FIN, by=office)
    assert (s9.minutes, fin.minutes) == (180, 60)
    assert (fin.period_start, fin.period_end) == (D(2027, 1, 1), D(2027, 8, 31))


def test_cert_1_a_ruptures_certificate_stops_at_the_rupture(signed, students, office, tiny_pdf_layout):
    """CERT-1: after a rupture on 10 October, the rupture's certificate runs
    from the contract's start to that day (the session of 12 October is
    not in it); the S9 one is refused with what to do instead."""
    student = students[0]
    dossier = dossier_of(student)
    signed(D(2026, 10, 5), [student])
    signed(D(2026, 10, 12), [student])
    Incident.objects.create(dossier=dossier, kind=Incident.Kind.RUPTURE, start=D(2026, 10, 10), reported_by=office)
    certificate = services.certificate_issue(dossier=dossier, kind=CertificateKind.RUPTURE, by=office)
    assert (certificate.period_start, certificate.period_end, certificate.minutes) == (D(2026, 9, 1), D(2026, 10, 10), 180)
    with pytest.raises(ValidationError, match="Le contrat a été rompu le 10 octobre 2026 : émettez le certificat de rupture."):
        services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)


def test_cert_1_no_rupture_no_ruptures_certificate(students, office):
    """CERT-1: a dossier without a rupture has no rupture certificate."""
    with pytest.raises(ValidationError, match="n'a pas de rupture déclarée"):
        services.certificate_issue(dossier=dossier_of(students[0]), kind=CertificateKind.RUPTURE, by=office)


def test_cert_1_reissue_makes_version_2_and_keeps_version_1(signed, students, office, tiny_pdf_layout):
    """CERT-1: issuing again writes version 2 of the certificate and of its
    document, with a new code; version 1 stays, still genuine."""
    dossier = dossier_of(students[0])
    signed(D(2026, 10, 5), [students[0]])
    first = services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)
    second = services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)
    assert (first.version, second.version) == (1, 2)
    assert list(Document.objects.filter(dossier=dossier, kind="certificat").order_by("version")
                .values_list("version", flat=True)) == [1, 2]
    assert first.code != second.code
    assert services.certificate_verify(first.code)[0] == services.certificate_verify(second.code)[0] == services.GENUINE


def test_cert_1_refused_while_the_schools_identity_is_incomplete(students, office):
    """CERT-1, DOC-11: no certificate without the school's SIRET (nothing written)."""
    SchoolIdentity.objects.update(siret="")
    with pytest.raises(ValidationError, match="il manque le SIRET de l'école"):
        services.certificate_issue(dossier=dossier_of(students[0]), kind=CertificateKind.S9, by=office)
    assert not Certificate.objects.exists() and not Document.objects.exists()


def test_cert_1_only_the_office_issues(students, teacher):
    """CERT-1: a teacher cannot issue a certificate."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.certificate_issue(dossier=dossier_of(students[0]), kind=CertificateKind.S9, by=teacher)


def test_cert_1_the_pdf_carries_every_field_of_the_ministrys_model(signed, students, office, settings):
    """CERT-1, DOMAIN.md §2: the provider (name, SIRET, NDA and its region),
    its legal representative, the trainee, the employer, the action's title
    and nature, its dates, the hours realised, the undertaking to keep the
    evidence 3 years, place and date; CERT-2: the code and the
    verification address of the QR code."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    student = students[0]
    dossier = dossier_of(student)
    signed(D(2026, 10, 5), [student], end=datetime.time(12, 30))
    certificate = services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)
    text = pdf_text(certificate)
    school = SchoolIdentity.objects.get()
    for expected in (
        "CERTIFICAT DE RÉALISATION", school.name, school.siret, school.nda, school.nda_region,
        school.signatory_name, "représentant(e) légal(e)", student.user.first_name, student.user.last_name.upper(),
        dossier.company.name, "Ingénieur", "RNCP 38677", "☒ action de formation", "bilan de compétences",
        "1er septembre 2026", "31 décembre 2026", "3 heures 30", "pendant une durée de 3 ans",
        f"Fait à {school.place}", certificate.code_display, "https://contrats-pro.example/verifier/",
    ):
        assert expected in text, expected


def test_cert_1_the_qr_code_is_inline_svg_of_the_verification_address(settings):
    """CERT-2: the QR code is segno's inline SVG (no image file)."""
    from attendance.certificates import pdf

    svg = pdf.qr_svg("https://contrats-pro.example/verifier/ABCDEFGHJKMN/")
    assert svg.startswith("<svg") and "<path" in svg


# --- Batches (NOTIF-2) ----------------------------------------------------------

def test_cert_1_a_batch_issues_each_dossier_once(students, office, year, tiny_pdf_layout,
                                                 django_capture_on_commit_callbacks):
    """CERT-1, NOTIF-2: a year's batch has one item per dossier awaiting the
    certificate; built on commit (eagerly here), it reaches 100 %; a second
    delivery of an item issues nothing more."""
    with django_capture_on_commit_callbacks(execute=True):
        batch = jobs.certificate_batch_request(year=year, kind=CertificateKind.S9, by=office)
    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed, batch.state, batch.percent) == (3, 3, 0, "termine", 100)
    item = batch.items.first()
    services.certificate_item_build(item.pk)
    assert Certificate.objects.count() == 3
    batch.refresh_from_db()
    assert batch.done == 3
    with pytest.raises(ValidationError, match="Aucun dossier de cette année n'attend ce certificat"):
        jobs.certificate_batch_request(year=year, kind=CertificateKind.S9, by=office)


def test_cert_1_a_failed_certificate_is_recorded_and_run_again(students, office, year, tiny_pdf_layout,
                                                               django_capture_on_commit_callbacks):
    """CERT-1: a dossier that fails keeps its French reason on its item and
    counts as failed; « Relancer » builds it once the cause is mended."""
    Dossier.objects.filter(student=students[1]).update(start_date=D(2027, 1, 15))  # S9 has no day of it
    with django_capture_on_commit_callbacks(execute=True):
        batch = jobs.certificate_batch_request(year=year, kind=CertificateKind.S9, by=office)
    batch.refresh_from_db()
    assert (batch.done, batch.failed, batch.state) == (2, 1, "echecs")
    failed = batch.items.get(state=CertificateBatchItem.State.FAILED)
    assert "pas de certificat à émettre" in failed.error
    Dossier.objects.filter(student=students[1]).update(start_date=D(2026, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.certificate_batch_rerun(batch=batch, by=office)
    batch.refresh_from_db()
    assert (batch.done, batch.failed, batch.state) == (3, 0, "termine")


def test_cert_1_the_batch_page_polls_until_done(login, students, office, year, tiny_pdf_layout):
    """CERT-1, NOTIF-2: the batch's progress (a <progress> with its text)
    polls every 2 s while certificates remain; once done, 286 stops it."""
    batch = services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office)
    client = login(office)
    url = reverse("attendance:certificate-batch", args=[batch.pk])
    page = client.get(url).content.decode()
    assert '<progress class="w-100" max="3" value="0">0&nbsp;%</progress>' in page
    assert 'data-hx-trigger="every 2s"' in page and "0 certificats émis sur 3" in page
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    for item in batch.items.all():
        services.certificate_item_build(item.pk)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert "3 certificats émis sur 3 (100&nbsp;%)" in response.content.decode()


def test_cert_1_one_dossiers_certificate_from_its_page(login, signed, students, office, tiny_pdf_layout,
                                                       django_capture_on_commit_callbacks):
    """CERT-1: the office issues one dossier's certificate from the dossier's
    certificates page; it lands on the batch's page."""
    dossier = dossier_of(students[0])
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:dossier-certificate-issue", args=[dossier.pk]), {"kind": "s9"})
    batch = CertificateBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("attendance:certificate-batch", args=[batch.pk])
    assert (batch.dossier_id, batch.total) == (dossier.pk, 1)
    page = client.get(reverse("attendance:dossier-certificates", args=[dossier.pk])).content.decode()
    assert "Fin du semestre 9" in page and Certificate.objects.get().code_display in page


def test_cert_1_a_dossiers_rupture_certificate_refused_without_rupture(login, students, office):
    """CERT-1: asking one dossier's rupture certificate without a rupture is
    refused on the page, in French, and no batch is written."""
    dossier = dossier_of(students[0])
    response = login(office).post(reverse("attendance:dossier-certificate-issue", args=[dossier.pk]), {"kind": "rupture"})
    assert response.status_code == 400 and "pas de rupture déclarée" in response.content.decode()
    assert not CertificateBatch.objects.exists()


# --- Pages, access, queries -------------------------------------------------------

def test_cert_1_a_student_cannot_reach_another_students_certificate(login, students, office, tiny_pdf_layout):
    """CERT-1, ROLE-9: a student downloads their own certificate; another
    student's file and page answer 404."""
    mine = services.certificate_issue(dossier=dossier_of(students[0]), kind=CertificateKind.S9, by=office)
    theirs = services.certificate_issue(dossier=dossier_of(students[1]), kind=CertificateKind.S9, by=office)
    client = login(students[0].user)
    assert client.get(reverse("conventions:document-download", args=[mine.document_id])).status_code == 200
    assert client.get(reverse("conventions:document-download", args=[theirs.document_id])).status_code == 404
    assert client.get(reverse("attendance:dossier-certificates", args=[theirs.dossier_id])).status_code == 404


def test_cert_1_a_student_cannot_upload_a_certificate(students):
    """CERT-1: the certificate is produced by the portal, never deposited."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conventions.documents.files import document_upload

    dossier = dossier_of(students[0])
    with pytest.raises(ValidationError, match="produit par le portail"):
        document_upload(dossier=dossier, kind="certificat", by=students[0].user,
                        uploaded_file=SimpleUploadedFile("c.pdf", factories.tiny_pdf()))


def test_cert_1_office_page_queries_do_not_grow(login, office, year, option, tiny_pdf_layout, django_assert_num_queries):
    """CERT-1, STYLE §6: the office's certificates page costs the same with 2
    or 6 certificates."""
    def issue(count):
        for _ in range(count):
            dossier = factories.DossierFactory(student__year=year, student__option=option)
            services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)
    client = login(office)
    issue(2)
    # The user; the current year; the page's count; the latest batches; the
    # navigation's « À faire » count; the form's years (its choices, its
    # initial); the page's certificates with their dossier, student and
    # document (one query); the footer's school identity.
    queries = 9
    with django_assert_num_queries(queries):
        page = client.get(reverse("attendance:certificate-list")).content.decode()
    assert page.count("<code>") == 2
    issue(4)
    with django_assert_num_queries(queries):
        page = client.get(reverse("attendance:certificate-list")).content.decode()
    assert page.count("<code>") == 6


# --- Deadlines (NOTIF-1) ----------------------------------------------------------

def test_cert_1_deadlines_early_january_and_early_september(students, office, tiny_pdf_layout):
    """CERT-1: the S9 certificate is due 5 working days after the S9 end
    (31 December 2026 → 8 January 2027, 1 January a holiday), the
    end-of-contract one 5 working days after its end (31 August 2027 →
    7 September 2027); done once issued."""
    dossier = dossier_of(students[0])
    found = {o.key: o for o in obligations_for(Dossier.objects.filter(pk=dossier.pk), include_done=True)
             if o.key.startswith("certificate:")}
    assert {k: (o.due, o.done) for k, o in found.items()} == {
        "certificate:s9": (D(2027, 1, 8), False), "certificate:fin": (D(2027, 9, 7), False)}
    services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)
    found = {o.key: o for o in obligations_for(Dossier.objects.filter(pk=dossier.pk), include_done=True)
             if o.key.startswith("certificate:")}
    assert found["certificate:s9"].done and not found["certificate:fin"].done


def test_cert_1_after_a_rupture_its_certificate_is_due_instead(students, office):
    """CERT-1: a rupture on 10 October replaces the S9 and end-of-contract
    certificates by the rupture's, due 5 working days later (Friday 16 October 2026)."""
    dossier = dossier_of(students[0])
    Incident.objects.create(dossier=dossier, kind=Incident.Kind.RUPTURE, start=D(2026, 10, 10), reported_by=office)
    found = {o.key: o.due for o in obligations_for(Dossier.objects.filter(pk=dossier.pk))
             if o.key.startswith("certificate:")}
    assert found == {"certificate:rupture": D(2026, 10, 16)}


def test_cert_1_deadlines_read_in_one_query(year, option, office, django_assert_num_queries):
    """CERT-1, NOTIF-1: the certificates' obligations of 2 or 12 dossiers,
    with a certificate and a rupture among them, cost one query."""
    from attendance.certificates.services import certificate_deadlines

    for count in (2, 10):
        for _ in range(count):
            factories.DossierFactory(student__year=year, student__option=option)
        with django_assert_num_queries(1):  # the dossiers, their year, ruptures and certificates, in one SELECT
            found = list(certificate_deadlines(Dossier.objects.all()))
        assert len(found) == 2 * Dossier.objects.count()
    assert list(certificate_deadlines([Dossier.objects.first()]))[0].key == "certificate:s9"


# --- Never twice (CERT-1) -----------------------------------------------------------

def test_cert_1_a_second_year_batch_queues_nothing_already_queued(students, office, year, after_the_year):
    """CERT-1: a double click on « Émettre » (or two office users): the
    second batch for the same year and kind finds every dossier queued in
    the first, unfinished one, and is refused; nothing is queued twice."""
    services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office)
    with pytest.raises(ValidationError, match="rien à émettre"):
        services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office)
    assert CertificateBatchItem.objects.count() == 3


def test_cert_1_a_year_batchs_item_reuses_a_certificate_issued_meanwhile(students, office, year, tiny_pdf_layout,
                                                                        after_the_year):
    """CERT-1: two year batches that both hold a dossier (made before the
    batches were locked): building both issues each certificate once, the
    second item done with the first one's certificate."""
    first = services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office)
    second = CertificateBatch.objects.create(year=year, kind=CertificateKind.S9, total=3, requested_by=office)
    for item in first.items.all():
        CertificateBatchItem.objects.create(batch=second, dossier_id=item.dossier_id)
    for item in CertificateBatchItem.objects.order_by("pk"):
        services.certificate_item_build(item.pk)
    assert Certificate.objects.count() == 3
    assert set(Certificate.objects.values_list("version", flat=True)) == {1}
    second.refresh_from_db()
    assert (second.done, second.failed, second.state) == (3, 0, "termine")
    assert sorted(second.items.values_list("certificate", flat=True)) == sorted(
        first.items.values_list("certificate", flat=True))


# --- Not before the period ends (CERT-1) ----------------------------------------------

def test_cert_1_no_s9_certificate_before_the_s9_ends(students, office, clock, tiny_pdf_layout):
    """CERT-1: on the S9's last day its certificate is refused, naming the
    first day it can be issued; the next day it is issued."""
    dossier = dossier_of(students[0])
    clock(D(2026, 12, 31))
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)
    assert refused.value.messages == [
        "Le semestre 9 finit le 31 décembre 2026 : son certificat s'émet à partir du 1er janvier 2027."]
    assert not Certificate.objects.exists()
    clock(D(2027, 1, 1))
    assert services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office).version == 1


def test_cert_1_no_end_of_contract_certificate_before_the_contract_ends(students, office, clock):
    """CERT-1: the end-of-contract certificate waits for the day after the contract's end."""
    with pytest.raises(ValidationError, match="Le contrat finit le 31 août 2027 : son certificat s'émet à partir "
                                              "du 1er septembre 2027."):
        services.certificate_issue(dossier=dossier_of(students[0]), kind=CertificateKind.FIN, by=office)


def test_cert_1_a_year_batch_asked_too_early_is_refused_on_the_page(login, students, office, year, clock):
    """CERT-1: « Émettre » for the S9 on 21 November 2026: a form error
    naming the first day, nothing queued; the page says, for each period,
    from which day its certificates can be issued."""
    clock(D(2026, 11, 21))
    client = login(office)
    page = client.get(reverse("attendance:certificate-list")).content.decode()
    assert "Fin du semestre 9 : à partir du 1er janvier 2027" in page
    assert "Fin du contrat : à partir du 1er septembre 2027" in page
    response = client.post(reverse("attendance:certificate-issue"), {"year": year.pk, "kind": "s9"})
    assert response.status_code == 400
    assert ("Le semestre 9 finit le 31 décembre 2026 : son certificat s&#x27;émet à partir du 1er janvier 2027."
            in response.content.decode())
    assert not CertificateBatch.objects.exists() and not CertificateBatchItem.objects.exists()


def test_cert_1_one_dossiers_certificate_asked_too_early_is_refused(login, students, office, clock):
    """CERT-1: the one-dossier button refuses the same way, nothing queued."""
    clock(D(2026, 11, 21))
    dossier = dossier_of(students[0])
    response = login(office).post(reverse("attendance:dossier-certificate-issue", args=[dossier.pk]), {"kind": "s9"})
    assert response.status_code == 400 and "à partir du 1er janvier 2027" in response.content.decode()
    assert not CertificateBatch.objects.exists()


def test_cert_1_the_demo_issues_no_certificate_before_the_s9_ends(students, office, year, clock):
    """CERT-1: the demo's story day (21 November 2026) is before the S9
    ends: the demo issues no certificate and says from when they can be."""
    from types import SimpleNamespace

    from attendance.certificates import demo

    clock(D(2026, 11, 21))
    context = SimpleNamespace(year=year, users={"bureau": office}, tally={"created": 0}, summary={"demarche": []})
    demo.build_certificates(context)
    assert not Certificate.objects.exists() and context.tally == {"created": 0}
    assert context.summary["demarche"] == ["certificats du S9 : à émettre à partir du 1er janvier 2027"]


# --- The contract's own dates (CERT-1) ---------------------------------------------------

def certificate_obligations(dossier):
    return {o.key: o.due for o in obligations_for(Dossier.objects.filter(pk=dossier.pk), include_done=True)
            if o.key.startswith("certificate:")}


def test_cert_1_a_contract_starting_in_s10_has_no_s9_and_its_own_start(students, office, clock, tiny_pdf_layout):
    """CERT-1: a contract from 1 February 2027: its end-of-contract
    certificate starts that day (not on S10's first), it has no S9 one, and
    the deadlines list no S9 certificate for it."""
    Dossier.objects.filter(student=students[0]).update(start_date=D(2027, 2, 1))
    dossier = dossier_of(students[0])
    assert services.certificate_period(dossier, CertificateKind.FIN) == services.Period("fin", D(2027, 2, 1), D(2027, 8, 31))
    with pytest.raises(ValidationError, match="pas de certificat à émettre"):
        services.certificate_period(dossier, CertificateKind.S9)
    assert certificate_obligations(dossier) == {"certificate:fin": D(2027, 9, 7)}


def test_cert_1_a_rupture_in_s10_starts_at_the_contracts_start(students, office):
    """CERT-1: a contract from 1 February 2027 broken on 10 March: its
    rupture certificate runs from 1 February to 10 March."""
    Dossier.objects.filter(student=students[0]).update(start_date=D(2027, 2, 1))
    dossier = dossier_of(students[0])
    Incident.objects.create(dossier=dossier, kind=Incident.Kind.RUPTURE, start=D(2027, 3, 10), reported_by=office)
    period = services.certificate_period(dossier, CertificateKind.RUPTURE)
    assert (period.start, period.end) == (D(2027, 2, 1), D(2027, 3, 10))


def test_cert_1_a_contract_ending_in_s9_ends_its_s9_certificate(students, office):
    """CERT-1: a contract ending on 30 November 2026: its S9 certificate
    stops that day, due 5 working days later (7 December); it has no
    end-of-contract certificate, and the deadlines list none."""
    Dossier.objects.filter(student=students[0]).update(end_date=D(2026, 11, 30))
    dossier = dossier_of(students[0])
    period = services.certificate_period(dossier, CertificateKind.S9)
    assert (period.start, period.end) == (D(2026, 9, 1), D(2026, 11, 30))
    with pytest.raises(ValidationError, match="pas de certificat à émettre"):
        services.certificate_period(dossier, CertificateKind.FIN)
    assert certificate_obligations(dossier) == {"certificate:s9": D(2026, 12, 7)}


# --- Failures and « Relancer » (CERT-1, NOTIF-2) --------------------------------------------

def test_cert_1_an_unexpected_error_shows_french_and_logs_the_detail(students, office, year, monkeypatch, caplog):
    """CERT-1: an error that is no rule's refusal shows a French generic
    message on the item (no English exception name), its detail in the log."""
    from attendance.certificates import pdf

    def broken(context):
        raise RuntimeError("layout exploded")
    monkeypatch.setattr(pdf, "certificate_pdf", broken)
    batch = services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office, dossier=dossier_of(students[0]))
    item = batch.items.get()
    with caplog.at_level("ERROR", logger="attendance.certificates.services"):
        assert services.certificate_item_build(item.pk) is None
    item.refresh_from_db()
    assert item.error == "Erreur inattendue : relancez le lot ; si elle revient, prévenez l'administrateur."
    assert "RuntimeError" not in item.error and "layout exploded" in caplog.text
    batch.refresh_from_db()
    assert (batch.failed, batch.state) == (1, "echecs")


def test_cert_1_an_oserror_counts_failed_only_at_the_last_retry(students, office, year, monkeypatch):
    """CERT-1, NOTIF-2: a transient OSError is retried by the task; the item
    stays pending (the batch unfinished) until the last attempt fails."""
    from attendance.certificates import pdf
    from attendance.certificates.tasks import build_certificate

    calls = []

    def disk_full(context):
        calls.append(1)
        raise OSError("No space left on device")
    monkeypatch.setattr(pdf, "certificate_pdf", disk_full)
    batch = services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office, dossier=dossier_of(students[0]))
    item = batch.items.get()
    with pytest.raises(OSError):
        services.certificate_item_build(item.pk, final=False)
    item.refresh_from_db()
    batch.refresh_from_db()
    assert (item.state, batch.failed, batch.finished) == ("attente", 0, False)
    for retries in range(build_certificate.max_retries):  # the task's first attempts: raised for Celery to retry
        build_certificate.push_request(retries=retries)
        try:
            with pytest.raises(OSError):
                build_certificate.run(item.pk)
        finally:
            build_certificate.pop_request()
        item.refresh_from_db()
        assert item.state == "attente"
    build_certificate.push_request(retries=build_certificate.max_retries)  # the last one: counted
    try:
        assert build_certificate.run(item.pk) is None
    finally:
        build_certificate.pop_request()
    item.refresh_from_db()
    batch.refresh_from_db()
    assert len(calls) == 2 + build_certificate.max_retries
    assert (item.state, batch.failed, batch.state) == ("echec", 1, "echecs")


def test_cert_1_relancer_puts_failed_items_back_and_the_page_polls_again(login, students, office, year, monkeypatch):
    """CERT-1: « Relancer » puts the failed items back to pending and out of
    the failed count: the batch is unfinished again and its page polls."""
    from attendance.certificates import pdf

    monkeypatch.setattr(pdf, "certificate_pdf", lambda context: (_ for _ in ()).throw(RuntimeError("boom")))
    batch = services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office, dossier=dossier_of(students[0]))
    services.certificate_item_build(batch.items.get().pk)
    client = login(office)
    url = reverse("attendance:certificate-batch", args=[batch.pk])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 286
    assert services.certificate_batch_retry(batch=batch, by=office) == [batch.items.get().pk]
    batch.refresh_from_db()
    item = batch.items.get()
    assert (item.state, item.error, batch.failed, batch.state, batch.finished) == ("attente", "", 0, "en_cours", False)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_cert_1_a_double_click_on_a_dossiers_button_queues_one_certificate(students, office, year):
    """CERT-1: the one-dossier button pressed twice: the second request,
    while the first is unfinished, is refused in French; one batch."""
    dossier = dossier_of(students[0])
    services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office, dossier=dossier)
    with pytest.raises(ValidationError, match="déjà en cours d'émission"):
        services.certificate_batch_create(year=year, kind=CertificateKind.S9, by=office, dossier=dossier)
    assert CertificateBatch.objects.count() == 1
