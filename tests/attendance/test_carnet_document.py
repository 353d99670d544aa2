"""The carnet as a dossier's document (ATT-1, ATT-3, NOTIF-2): « Produire le
carnet » asks for a PDF job; the task builds the carnet and attaches it as
a new generated version of the dossier's CARNET document."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from attendance import pdf, services
from conventions.documents import files
from conventions.documents import pdf as documents_pdf
from conventions.documents.models import Document, DocumentKind, PdfJob
from conventions.dossier import deadlines, steps
from conventions.dossier.models import StepState
from conventions.models import Dossier
from tests import factories

pytestmark = pytest.mark.django_db


def text_of(document):
    with document.file.open("rb") as handle:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def carnets(student):
    return Document.objects.filter(dossier__student=student, kind=DocumentKind.CARNET).order_by("version")


@pytest.fixture
def signed(make_session, students, teacher, clock):
    """Two sessions signed (the first student present at the first only), a
    third past and unsigned; « today » 15 October 2026."""
    clock(datetime.date(2026, 10, 15), datetime.time(12))
    services.session_sign(session=make_session(), present=[students[0]], by=teacher)
    services.session_sign(session=make_session(day=datetime.date(2026, 10, 6)), present=[], by=teacher)
    make_session(day=datetime.date(2026, 10, 7), room="Non signee")
    return students[0]


def test_att_1_the_office_produces_the_carnet_as_a_generated_version(
        login, office, signed, django_capture_on_commit_callbacks):
    """ATT-1, NOTIF-2: « Produire le carnet » queues a PDF job; the task
    attaches the carnet as version 1 of the dossier's CARNET document,
    generated, with every signed line (presence, who signed and when), the
    past unsigned session marked as not counted, and the totals."""
    with django_capture_on_commit_callbacks(execute=True):
        response = login(office).post(f"/carnets/{signed.pk}/produire/")
    assert response.status_code == 302 and response["Location"] == f"/carnets/{signed.pk}/#carnet-document"
    document = carnets(signed).get()
    assert (document.version, document.generated, document.uploaded_by) == (1, True, office)
    assert PdfJob.objects.get(kind=DocumentKind.CARNET).status == PdfJob.Status.READY
    text = text_of(document)
    assert "CARNET DE PRÉSENCE" in text and "2 séances signées" in text
    assert "lundi 5 octobre, 9 h – 12 h" in text and "présent" in text and "absent" in text
    assert text.count("signée par Alice Martel le") == 2
    assert "non signée par Alice Martel : ne compte pas" in text
    assert "3 h" in text and "signées au S9 sur 270 h" in text


def test_att_3_the_student_produces_their_carnet_from_my_carnet_a_new_version_each_time(
        login, signed, django_capture_on_commit_callbacks, tiny_pdf_layout):
    """ATT-3: the student produces their own carnet from « Mon carnet »; a
    second production is version 2, the first kept (DOC-6); the page links
    the latest and the previous version."""
    client = login(signed.user)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/carnets/{signed.pk}/produire/")
        assert response["Location"] == "/mon-carnet/#carnet-document"
    assert list(carnets(signed).values_list("version", "generated")) == [(1, True), (2, True)]
    page = client.get("/mon-carnet/").content.decode()
    assert "Carnet de présence, version 2 (PDF)" in page and ">v1</a>" in page
    assert "Produire une nouvelle version" in page


def test_notif_2_the_request_does_not_wait_for_the_carnet_and_the_page_shows_it_pending(login, office, signed):
    """NOTIF-2: the request only queues the build (on commit): the page shows
    the job waiting, and its part polls itself until the carnet is ready."""
    client = login(office)
    client.post(f"/carnets/{signed.pk}/produire/")  # the on-commit build never runs in this test
    assert not carnets(signed).exists()
    page = client.get(f"/carnets/{signed.pk}/").content.decode()
    assert "En attente" in page and 'data-hx-trigger="every 2s"' in page
    assert "Produire le carnet" not in page
    fragment = client.get(f"/carnets/{signed.pk}/document/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "en cours de production" in fragment


def test_notif_2_a_failed_carnet_shows_relancer_and_runs_again(
        login, office, signed, django_capture_on_commit_callbacks, monkeypatch, tiny_pdf_layout):
    """NOTIF-2: a build that fails marks the job failed; the page says so
    with « Relancer », which asks for it again and attaches the carnet."""
    def broken(dossier):
        raise ValueError("gabarit cassé")

    monkeypatch.setitem(documents_pdf.BUILDERS, DocumentKind.CARNET, broken)
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/carnets/{signed.pk}/produire/")
    job = PdfJob.objects.get(kind=DocumentKind.CARNET)
    assert job.status == PdfJob.Status.FAILED
    page = client.get(f"/carnets/{signed.pk}/").content.decode()
    assert "Échec" in page and "Relancer" in page and "gabarit" not in page
    monkeypatch.setitem(documents_pdf.BUILDERS, DocumentKind.CARNET, pdf.carnet_build)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/carnets/{signed.pk}/produire/", headers={"HX-Request": "true"})
    latest = PdfJob.objects.filter(kind=DocumentKind.CARNET).order_by("-pk").first()
    assert latest.status == PdfJob.Status.READY and latest.document == carnets(signed).get()


def test_att_1_only_the_office_and_the_student_produce_the_carnet(login, signed, students, head, office):
    """ATT-1, ROLE-9: the dossier's head sees the carnet but may not produce
    it (403); another student's carnet answers 404; nothing is queued."""
    dossier = Dossier.objects.get(student=signed)
    assert login(head).get(f"/carnets/{signed.pk}/").status_code == 200
    assert login(head).post(f"/carnets/{signed.pk}/produire/").status_code == 403
    assert login(students[1].user).post(f"/carnets/{signed.pk}/produire/").status_code == 404
    assert not PdfJob.objects.filter(dossier=dossier).exists()
    with pytest.raises(Exception, match="Seuls l'élève et le service"):
        services.carnet_request(dossier=dossier, by=head)


# --- Step F (ATT-3): the complete carnet handed in before PFE ----------------

def test_att_3_step_f_is_handed_in_only_with_the_carnet_document(
        login, signed, office, django_capture_on_commit_callbacks, tiny_pdf_layout):
    """ATT-3, STEP-6: step F cannot be handed in before the dossier holds a
    carnet (the service refuses it, whoever the caller); once the portal has
    built it, the student hands step F in and the office validates it."""
    dossier = Dossier.objects.get(student=signed)
    step_f = {row.code: row for row in steps.steps_sync(dossier)}["F"]
    with pytest.raises(ValidationError, match="Le carnet de présence complet n.est pas encore au dossier"):
        steps.step_transition(step=step_f, action=steps.SUBMIT, by=signed.user)
    with django_capture_on_commit_callbacks(execute=True):
        login(signed.user).post(f"/carnets/{signed.pk}/produire/")
    assert carnets(signed).get().generated
    steps.step_transition(step=step_f, action=steps.SUBMIT, by=signed.user)
    assert steps.step_transition(step=step_f, action=steps.VALIDATE, by=office).state == StepState.VALIDATED


def test_att_3_step_f_an_uploaded_carnet_does_too(signed):
    """ATT-3, STEP-4: a carnet deposited as a file (nature « Carnet de
    présence ») is evidence for step F as well as the portal's."""
    dossier = Dossier.objects.get(student=signed)
    step_f = {row.code: row for row in steps.steps_sync(dossier)}["F"]
    files.document_upload(
        dossier=dossier, kind=DocumentKind.CARNET, by=signed.user,
        uploaded_file=SimpleUploadedFile("carnet.pdf", factories.tiny_pdf(), content_type="application/pdf"),
    )
    assert steps.step_transition(step=step_f, action=steps.SUBMIT, by=signed.user).state == StepState.SUBMITTED


def test_att_3_step_f_deadline_is_the_working_day_before_pfe_in_the_obligations(signed, year):
    """ATT-3, STEP-2: the deadlines registry names step F, due the last
    working day before the PFE starts (1 March 2027, a Monday: Friday 26
    February), and follows the calendar when the PFE moves."""
    dossier = Dossier.objects.get(student=signed)
    steps.steps_sync(dossier)

    def step_f():
        found = [o for o in deadlines.obligations_for(Dossier.objects.filter(pk=dossier.pk)) if o.key == "step:F"]
        assert len(found) == 1
        return found[0]

    obligation = step_f()
    assert year.pfe_start == datetime.date(2027, 3, 1)
    assert obligation.due == datetime.date(2027, 2, 26) and not obligation.done
    assert "Remettre le carnet de présence complet avant le départ en PFE" in obligation.label
    year.pfe_start = datetime.date(2027, 3, 10)
    year.save()
    steps.steps_refresh_year(year)
    assert step_f().due == datetime.date(2027, 3, 9)
