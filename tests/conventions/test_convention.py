"""The convention de formation: the PDF (DOC-3), its signatures in order
(DOC-4, DOC-5, ROLE-7), the copies (DOC-8) and the background jobs (NOTIF-2)."""

import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from conventions.billing import services as billing
from conventions.convention import sending
from conventions.convention import services as convention
from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.documents.pdf import BUILDERS, document_attach
from conventions.dossier import steps
from conventions.links import services as links
from conventions.models import (
    CompanyContact,
    Document,
    DossierStep,
    ExternalLink,
    LinkUse,
    PdfJob,
    Signature,
    StepState,
)
from conventions.tasks import build_pdf, send_convention_copies
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

Party, Method = Signature.Party, Signature.Method


@pytest.fixture
def direction(db):
    return factories.UserFactory(username="direction", first_name="Paul", last_name="Directeur", groups=["Direction"])


@pytest.fixture
def dossier(year):
    company = factories.CompanyFactory(name="Cévennes Ingénierie SAS", siret="73282932000074", opco="Atlas")
    signatory = factories.CompanyContactFactory(
        company=company, role=CompanyContact.Role.SIGNATORY, first_name="Sophie", last_name="Durand",
        job_title="Directrice des ressources humaines", email="s.durand@cevennes.example",
    )
    student = factories.StudentFactory(user=factories.UserFactory(username="lea", first_name="Léa", last_name="Martin"))
    dossier = factories.DossierFactory(student=student, company=company, signataire=signatory)
    steps.steps_sync(dossier)
    factories.cerfa_entered(dossier)  # DOC-9: the CERFA's data and the branch agreement first
    return dossier


@pytest.fixture
def produce_laid_out(office, django_capture_on_commit_callbacks):
    """Ask for a convention as the office and run the queued task, WeasyPrint
    included; returns the new version."""

    def _produce(dossier):
        with django_capture_on_commit_callbacks(execute=True):
            job = convention.convention_request(dossier=dossier, by=office)
        job.refresh_from_db()
        assert job.status == PdfJob.Status.READY, job.error
        mail.outbox.clear()  # the new version's notifications (tested in tests/conventions/notifications)
        return job.document

    return _produce


@pytest.fixture
def produce(produce_laid_out, tiny_pdf_layout):
    """``produce_laid_out`` through the same job and builder, without
    WeasyPrint's layout: for the tests about versions, signatures and
    copies, which need a convention PDF, not what it says."""
    return produce_laid_out


def pdf_text(document):
    with document.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def sign_first(document, dossier, office):
    """Student and company signatures, recorded from paper by the office."""
    convention.convention_sign(document=document, party=Party.STUDENT, method=Method.PAPER, signer_name="Léa Martin", by=office)
    convention.convention_sign(document=document, party=Party.COMPANY, method=Method.PAPER, signer_name="Sophie Durand", by=office)


def step_state(dossier, code):
    return DossierStep.objects.get(dossier=dossier, code=code).state


# DOC-3, NOTIF-2: the PDF.


def test_doc_3_pdf_carries_every_mention(dossier, produce_laid_out, private_root):
    """DOC-3, CONTACT-1: the PDF names the parties, 480 h, the cost of the
    year net of taxes, the VAT exemption, the OPCO, the billing schedule,
    the RNCP, the three originals and the office's postal address; stored
    privately with its SHA-256."""
    document = produce_laid_out(dossier)
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.file.path.startswith(f"{private_root}/")
    assert "/var/" not in document.file.path
    text = pdf_text(document)
    for mention in (
        "Convention de formation professionnelle".upper(), "Cévennes Ingénierie SAS", "73282932000074",
        dossier.signataire.full_name, dossier.signataire.job_title, "IMT Mines Alès", "Léa", "MARTIN",
        "480 h", "270 h", "210 h", "8 000,00 € net de taxes", "exonérées de TVA", "261-4-4°",
        "RNCP 38677", "Atlas", "4 500,00 €", "3 500,00 €", "trois exemplaires originaux",
        f"CP-{dossier.year.start_year}-{dossier.pk:04d}", "L6313-1",
        "Service Contrats de professionnalisation, 6 avenue de Clavières, 30319 Alès Cedex",
    ):
        assert mention in text, mention
    assert "compléter" not in text and "à préciser" not in text  # no placeholder: production waits for the data


@pytest.mark.parametrize("cost", ["8000.00", "7999.99", "1000.01", "0.01", "12345.67"])
def test_doc_3_bill_2_billing_split_sums_exactly_to_the_cost(cost):
    """DOC-3, BILL-2: 270/480 in January, the balance in August, to the cent, summing exactly to the cost."""
    first, balance = billing.billing_schedule(Decimal(cost))
    assert first + balance == Decimal(cost)
    assert first == (Decimal(cost) * 270 / 480).quantize(Decimal("0.01"))
    assert first.as_tuple().exponent == -2 and balance.as_tuple().exponent == -2


def test_doc_3_eight_thousand_splits_4500_and_3500():
    """DOC-3, BILL-2: 8 000 € gives 4 500 € then 3 500 €, printed the French way."""
    first, balance = billing.billing_schedule(Decimal("8000"))
    assert (convention.euros(first), convention.euros(balance)) == ("4\u00a0500,00\u00a0€", "3\u00a0500,00\u00a0€")


def test_bill_1_doc_3_convention_prints_the_cost_of_the_dossiers_year(dossier):
    """BILL-1, DOC-3: the price is the year's training cost, revisable each year, and the split follows it."""
    dossier.year.training_cost = Decimal("8500.00")
    dossier.year.save()
    template, context = BUILDERS[DocumentKind.CONVENTION](dossier)
    assert template == "pdf/convention.html"
    assert (context["cost"], context["first_amount"], context["balance_amount"]) == (
        "8\u00a0500,00\u00a0€", "4\u00a0781,25\u00a0€", "3\u00a0718,75\u00a0€",
    )


def test_doc_3_missing_data_refused_with_what_is_missing(dossier, office):
    """DOC-3: without signatory or contract dates, no job starts and the message says what is missing."""
    dossier.signataire = None
    dossier.start_date = dossier.end_date = None
    dossier.save()
    with pytest.raises(ValidationError, match="il manque les dates du contrat, le signataire de l'entreprise"):
        convention.convention_request(dossier=dossier, by=office)
    assert not PdfJob.objects.exists()


def test_doc_3_only_the_office_produces_the_convention(dossier):
    """DOC-3, ROLE-2: the student cannot produce the convention."""
    with pytest.raises(PermissionDenied):
        convention.convention_request(dossier=dossier, by=dossier.student.user)


def test_notif_2_each_generation_is_a_new_version(dossier, produce):
    """NOTIF-2, AMEND-1: producing again adds version 2 and keeps version 1."""
    first, second = produce(dossier), produce(dossier)
    assert (first.version, second.version) == (1, 2)
    assert Document.objects.filter(dossier=dossier, kind=DocumentKind.CONVENTION).count() == 2
    assert first.file.storage.exists(first.file.name)


def test_notif_2_failing_builder_marks_the_job_failed_and_rerun_rebuilds(
    dossier, office, monkeypatch, django_capture_on_commit_callbacks, tiny_pdf_layout
):
    """NOTIF-2: a builder error marks the job failed with its message; asking again builds the PDF."""
    real = BUILDERS[DocumentKind.CONVENTION]

    def broken(dossier):
        raise ValidationError("Modèle introuvable")

    monkeypatch.setitem(BUILDERS, DocumentKind.CONVENTION, broken)
    with django_capture_on_commit_callbacks(execute=True):
        failed = convention.convention_request(dossier=dossier, by=office)
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == (PdfJob.Status.FAILED, "Modèle introuvable", 1)
    assert not Document.objects.exists()

    monkeypatch.setitem(BUILDERS, DocumentKind.CONVENTION, real)
    with django_capture_on_commit_callbacks(execute=True):
        job = convention.convention_request(dossier=dossier, by=office)
    job.refresh_from_db()
    assert job.status == PdfJob.Status.READY and job.document.version == 1


def test_notif_2_duplicate_task_run_does_nothing(dossier, produce):
    """NOTIF-2: a second delivery of a finished job finds nothing to claim."""
    document = produce(dossier)
    job = PdfJob.objects.get(document=document)
    assert build_pdf.apply(args=[job.pk]).get() is None
    assert Document.objects.filter(dossier=dossier).count() == 1
    job.refresh_from_db()
    assert job.attempts == 1


def test_notif_2_pending_job_reused_not_duplicated(dossier, office):
    """NOTIF-2: asking twice while the job waits gives the same job."""
    first = pdf_request(dossier=dossier, kind=DocumentKind.CONVENTION, by=office)
    assert pdf_request(dossier=dossier, kind=DocumentKind.CONVENTION, by=office) == first
    assert PdfJob.objects.count() == 1


# DOC-4, DOC-5, ROLE-7: signatures.


def test_doc_4_school_cannot_sign_first(dossier, produce, direction, office):
    """DOC-4: the school signs only once student and company have signed."""
    document = produce(dossier)
    with pytest.raises(ValidationError, match="L'école signe en dernier : .*l'élève salarié et de l'entreprise"):
        convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="P. Directeur", by=direction)
    convention.convention_sign(document=document, party=Party.STUDENT, method=Method.PORTAL, signer_name="Léa Martin", by=dossier.student.user)
    with pytest.raises(ValidationError, match="L'école signe en dernier : .*de l'entreprise"):
        convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="P. Directeur", by=direction)
    assert not Signature.objects.filter(party=Party.SCHOOL).exists()


def test_doc_4_signature_records_who_when_and_the_sha256_signed(dossier, produce):
    """DOC-4, DATA-4: the signature keeps the account, the time and the SHA-256 of the file signed; an event is recorded."""
    document = produce(dossier)
    user = dossier.student.user
    signature = convention.convention_sign(document=document, party=Party.STUDENT, method=Method.PORTAL, signer_name="Léa Martin", by=user)
    with document.file.open("rb") as handle:
        assert signature.sha256 == document.sha256 == hashlib.sha256(handle.read()).hexdigest()
    assert (signature.signed_by, signature.method, signature.at is not None) == (user, Method.PORTAL, True)
    assert Event.objects.filter(dossier=dossier, verb="conventions.convention.sign", actor=user).exists()


def test_doc_4_outdated_version_refused(dossier, produce):
    """DOC-4, AMEND-1: once version 2 exists, version 1 can no longer be signed."""
    old = produce(dossier)
    produce(dossier)
    with pytest.raises(ValidationError, match="La version 1 de la convention est périmée : la version 2 la remplace"):
        convention.convention_sign(document=old, party=Party.STUDENT, method=Method.PORTAL, signer_name="Léa Martin", by=dossier.student.user)
    assert not Signature.objects.exists()


def test_doc_4_party_signs_once(dossier, produce):
    """DOC-4: a party's second signature of the same version is refused."""
    document = produce(dossier)
    user = dossier.student.user
    convention.convention_sign(document=document, party=Party.STUDENT, method=Method.PORTAL, signer_name="Léa Martin", by=user)
    with pytest.raises(ValidationError, match="a déjà signé"):
        convention.convention_sign(document=document, party=Party.STUDENT, method=Method.PORTAL, signer_name="Léa Martin", by=user)


def test_doc_4_student_cannot_sign_for_the_company(dossier, produce):
    """DOC-4, ROLE-9: the student signs only as the student."""
    document = produce(dossier)
    with pytest.raises(PermissionDenied):
        convention.convention_sign(document=document, party=Party.COMPANY, method=Method.PORTAL, signer_name="X", by=dossier.student.user)


def test_doc_4_company_signs_through_its_link(dossier, produce, office, client):
    """DOC-4, ROLE-5: the signatory opens the personal link, downloads the PDF and signs in the company's name."""
    document = produce(dossier)
    link = links.link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
    url = reverse("conventions:convention-sign-link", args=[links.make_token(link)])
    page = client.get(url)
    assert page.status_code == 200
    assert "Je signe au nom de Cévennes Ingénierie SAS" in page.content.decode()
    download = client.get(reverse("conventions:convention-link-download", args=[links.make_token(link)]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    response = client.post(url, {"document": document.pk, "signer_name": "Sophie Durand", "read": "1"})
    assert response.status_code == 302
    signature = Signature.objects.get(document=document, party=Party.COMPANY)
    assert (signature.method, signature.via_link, signature.signer_name) == (Method.LINK, link, "Sophie Durand")
    assert signature.sha256 == document.sha256
    assert LinkUse.objects.filter(link=link, action="signature", accepted=True).exists()


def test_role_5_tampered_link_changes_nothing(dossier, produce, office, client):
    """ROLE-5, DOC-4: a modified token is refused (403), recorded, and signs nothing."""
    document = produce(dossier)
    link = links.link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
    token = links.make_token(link)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    response = client.post(
        reverse("conventions:convention-sign-link", args=[tampered]),
        {"document": document.pk, "signer_name": "Mallory", "read": "1"},
    )
    assert response.status_code == 403
    assert "modifié ou mal copié" in response.content.decode()
    assert not Signature.objects.exists()
    assert LinkUse.objects.filter(accepted=False).count() == 1


def test_role_5_link_for_another_purpose_cannot_sign(dossier, produce, office, client):
    """ROLE-5: a fiche-contact link does not open the convention."""
    produce(dossier)
    link = links.link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    response = client.get(reverse("conventions:convention-sign-link", args=[links.make_token(link)]))
    assert response.status_code == 403
    assert "ne sert pas à cette démarche" in response.content.decode()


def test_doc_4_both_first_signatures_submit_step_5(dossier, produce, office):
    """DOC-4, STEP-1: when the student signs after the company, step 5 is submitted for the office to validate."""
    document = produce(dossier)
    link = links.link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
    convention.convention_sign(document=document, party=Party.COMPANY, method=Method.LINK, signer_name="Sophie Durand", link=link)
    assert step_state(dossier, "5") == StepState.TODO
    convention.convention_sign(document=document, party=Party.STUDENT, method=Method.PORTAL, signer_name="Léa Martin", by=dossier.student.user)
    assert step_state(dossier, "5") == StepState.SUBMITTED


def test_doc_5_office_records_paper_signatures_and_the_originals(dossier, produce, office):
    """DOC-5: signatures received on paper are recorded by the office, then the originals' receipt."""
    document = produce(dossier)
    sign_first(document, dossier, office)
    signatures = Signature.objects.filter(document=document)
    assert {(s.party, s.method, s.recorded_by_id, s.signed_by_id) for s in signatures} == {
        (Party.STUDENT, Method.PAPER, office.pk, None), (Party.COMPANY, Method.PAPER, office.pk, None),
    }
    event = convention.convention_originals_received(document=document, by=office)
    assert event.verb == "conventions.convention.originals" and event.actor == office


def test_doc_5_only_the_office_records_paper(dossier, produce):
    """DOC-5: the student cannot record a paper signature."""
    document = produce(dossier)
    with pytest.raises(PermissionDenied, match="Seul le service"):
        convention.convention_sign(document=document, party=Party.COMPANY, method=Method.PAPER, signer_name="X", by=dossier.student.user)


def test_role_7_direction_signs_last_and_step_6_is_validated(dossier, produce, office, direction):
    """ROLE-7, DOC-4: the direction signs after both others; step 6 is validated."""
    document = produce(dossier)
    sign_first(document, dossier, office)
    signature = convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="Paul Directeur", by=direction)
    assert (signature.signed_by, signature.recorded_by) == (direction, None)
    assert step_state(dossier, "6") == StepState.VALIDATED


def test_role_7_office_records_the_direction_signature(dossier, produce, office):
    """ROLE-7: the office may record the direction's signature on its behalf; step 6 is validated by the office."""
    document = produce(dossier)
    sign_first(document, dossier, office)
    signature = convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="Paul Directeur", by=office)
    assert (signature.signed_by, signature.recorded_by) == (None, office)
    assert step_state(dossier, "6") == StepState.VALIDATED


# DOC-8: copies by e-mail.


def test_doc_8_company_copy_carries_the_signed_convention(dossier, produce, office, direction, mailoutbox, django_capture_on_commit_callbacks):
    """DOC-8, step 6': the fully signed convention goes to the signatory as a PDF attachment; the step is validated."""
    document = produce(dossier)
    sign_first(document, dossier, office)
    convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="Paul Directeur", by=direction)
    with django_capture_on_commit_callbacks(execute=True):
        sending.convention_send(dossier=dossier, target=convention.TO_COMPANY, by=office)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["s.durand@cevennes.example"]
    assert message.cc == ["contrats-pro@mines-ales.fr"]
    (name, content, mimetype), = message.attachments
    with document.file.open("rb") as handle:
        assert content == handle.read()
    assert mimetype == "application/pdf" and name.endswith("-v1.pdf")
    assert "Paul Directeur" in message.body
    assert step_state(dossier, "6p") == StepState.VALIDATED
    assert Event.objects.filter(dossier=dossier, verb="conventions.convention.sent_entreprise").exists()


def test_doc_8_company_copy_waits_for_the_three_signatures(dossier, produce, office, mailoutbox):
    """DOC-8, DOC-4: without the school's signature, nothing is sent to the company."""
    document = produce(dossier)
    sign_first(document, dossier, office)
    with pytest.raises(ValidationError, match="il manque la signature de IMT Mines Alès"):
        sending.convention_send(dossier=dossier, target=convention.TO_COMPANY, by=office)
    assert mailoutbox == []


def test_doc_8_social_copy_needs_the_signed_cerfa_then_sends_both(dossier, produce, office, mailoutbox, django_capture_on_commit_callbacks):
    """DOC-8, step 7: refused in French without the signed CERFA; then the CERFA and the fully signed convention go to the service social."""
    document = produce(dossier)
    sign_first(document, dossier, office)
    convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="Paul Directeur", by=office)
    with pytest.raises(ValidationError, match="Le CERFA 12434 signé manque"):
        sending.convention_send(dossier=dossier, target=convention.TO_SOCIAL, by=office)
    cerfa = document_attach(dossier=dossier, kind=DocumentKind.CERFA_SIGNE, content=b"%PDF-1.4 cerfa signe", name="cerfa.pdf", by=office)
    with django_capture_on_commit_callbacks(execute=True):
        sending.convention_send(dossier=dossier, target=convention.TO_SOCIAL, by=office)
    message, = mailoutbox
    assert message.to == [convention.SERVICE_SOCIAL_EMAIL]
    assert [a[1][:4] for a in message.attachments] == [b"%PDF", b"%PDF"]
    (cerfa_name, cerfa_content, _), (convention_name, _, _) = message.attachments
    assert (cerfa_content, cerfa_name) == (b"%PDF-1.4 cerfa signe", f"cerfa-12434-signe-CP-2026-{dossier.pk:04d}-v{cerfa.version}.pdf")
    assert convention_name == f"convention-CP-2026-{dossier.pk:04d}-v{document.version}.pdf"
    assert step_state(dossier, "7") == StepState.VALIDATED


def test_doc_8_copy_task_is_idempotent(dossier, produce, office, direction, mailoutbox, django_capture_on_commit_callbacks):
    """DOC-8, NOTIF-2: the same task delivered twice sends one e-mail."""
    document = produce(dossier)
    sign_first(document, dossier, office)
    convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="Paul Directeur", by=direction)
    with django_capture_on_commit_callbacks(execute=True):
        sending.convention_send(dossier=dossier, target=convention.TO_COMPANY, by=office)
    assert send_convention_copies.apply(args=[dossier.pk, convention.TO_COMPANY, office.pk]).get() == []
    assert len(mailoutbox) == 1


def test_doc_8_only_the_office_sends_copies(dossier, produce):
    """DOC-8, ROLE-2: the student cannot send the copies."""
    produce(dossier)
    with pytest.raises(PermissionDenied):
        sending.convention_send(dossier=dossier, target=convention.TO_SOCIAL, by=dossier.student.user)


# Pages.


def panel_url(dossier):
    return reverse("conventions:convention-panel", args=[dossier.pk])


def test_notif_2_office_button_queues_and_panel_polls_until_ready(
    dossier, office, login, django_capture_on_commit_callbacks, tiny_pdf_layout
):
    """NOTIF-2: « Produire la convention » starts a job; the panel polls every 2 s while it waits, then answers 286."""
    client = login(office)
    page = client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Produire la convention" in page
    response = client.post(reverse("conventions:convention-generate", args=[dossier.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in response.content.decode()  # on_commit not run: the job still waits
    polled = client.get(panel_url(dossier), HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "En attente" in polled.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        build_pdf.apply(args=[PdfJob.objects.get().pk])
    done = client.get(panel_url(dossier), HTTP_HX_REQUEST="true")
    assert done.status_code == 286
    assert "every 2s" not in done.content.decode()
    assert reverse("conventions:convention-download", args=[dossier.pk, 1]) in done.content.decode()


def test_notif_2_failed_job_shows_error_and_relancer(dossier, office, login, monkeypatch, django_capture_on_commit_callbacks):
    """NOTIF-2: a failed job shows its error and a « Relancer » button to the office."""

    def broken(dossier):
        raise ValidationError("Police manquante")

    monkeypatch.setitem(BUILDERS, DocumentKind.CONVENTION, broken)
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conventions:convention-generate", args=[dossier.pk]))
    content = client.get(panel_url(dossier), HTTP_HX_REQUEST="true").content.decode()
    assert "Police manquante" in content and "Relancer" in content


def test_doc_3_button_says_what_is_missing(dossier, office, login):
    """DOC-3: without a signatory the office is told, in French, what to complete."""
    dossier.signataire = None
    dossier.save()
    response = login(office).post(reverse("conventions:convention-generate", args=[dossier.pk]), follow=True)
    assert "il manque le signataire de l&#x27;entreprise" in response.content.decode()
    assert not PdfJob.objects.exists()


def test_doc_3_student_gets_403_on_the_button(dossier, login):
    """DOC-3, ROLE-9: the student may see the panel but not produce the convention."""
    response = login(dossier.student.user).post(reverse("conventions:convention-generate", args=[dossier.pk]))
    assert response.status_code == 403


def test_doc_4_student_signs_from_the_panel(dossier, produce, login):
    """DOC-4: the student reads and signs in the portal; the panel shows the signature."""
    document = produce(dossier)
    client = login(dossier.student.user)
    response = client.post(
        reverse("conventions:convention-sign", args=[dossier.pk]),
        {"document": document.pk, "party": "eleve", "read": "1"}, HTTP_HX_REQUEST="true",
    )
    assert "Signature enregistrée" in response.content.decode()
    assert Signature.objects.get(party=Party.STUDENT).signer_name == "Léa Martin"


def test_role_9_convention_download_owner_office_outsider(dossier, produce, office, login):
    """ROLE-9, DOC-6: the student and the office download the PDF; another student gets 404."""
    produce(dossier)
    url = reverse("conventions:convention-download", args=[dossier.pk, 1])
    for user in (dossier.student.user, office):
        response = login(user).get(url)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    outsider = factories.StudentFactory().user
    assert login(outsider).get(url).status_code == 404


@pytest.mark.parametrize("versions", [1, 3])
def test_doc_3_panel_query_count_does_not_grow_with_versions(dossier, office, login, versions, django_assert_num_queries):
    """DOC-3, AMEND-1: the panel reads the versions and their signatures in a fixed number of queries."""
    for _ in range(versions):
        document = document_attach(dossier=dossier, kind=DocumentKind.CONVENTION, content=b"%PDF-1.4 v", name="c.pdf", generated=True)
    sign_first(document, dossier, office)
    convention.convention_originals_received(document=document, by=office)
    client = login(office)
    # the user with their roles (the session comes from the cache), the dossier with its CERFA data
    # (DOC-9), its steps, its documents (the versions, the signed CERFA's
    # presence), the versions' signatures (with who recorded them), the
    # latest jobs, the originals' receipt, the school's identity (DOC-11).
    with django_assert_num_queries(8):
        response = client.get(panel_url(dossier), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert response.content.decode().count("convention/v") == versions  # the latest, then each older one


def test_doc_3_dates_read_in_french_with_the_first_of_the_month_as_1er(dossier):
    """DOC-3: the convention's dates are French dates, the first of a month
    written « 1er » (« 1er septembre 2026 », never « 1 septembre 2026 »)."""
    from django.template.loader import render_to_string

    dossier.start_date = dossier.year.rentree.replace(day=1)
    dossier.save(update_fields=["start_date"])
    template, context = convention.convention_build(dossier)
    text = re.sub(r"\s+", " ", render_to_string(template, context))
    month = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")[dossier.start_date.month - 1]
    assert f"1er {month} {dossier.start_date.year}" in text
    assert not re.search(r"(?<![\d/])1 (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}", text)
