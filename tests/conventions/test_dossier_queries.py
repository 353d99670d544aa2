"""The dossier page (GET /dossiers/<pk>/) reads in a fixed number of queries,
for the office and for the student, whether the dossier holds two or twenty
of each thing: documents, convention versions and their PDF jobs, personal
links and their uses, scores, events, and more steps (STYLE §6)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfWriter

from conventions.convention import services as convention
from conventions.documents import files
from conventions.documents.models import DocumentKind
from conventions.dossier import services as dossiers
from conventions.dossier import steps
from conventions.fiche import services as fiche
from conventions.links import services as links
from conventions.models import CompanyContact, ExternalLink, Incident, Signature
from grading import scoring
from students import services as students
from tests import factories

pytestmark = pytest.mark.django_db

Party, Method = Signature.Party, Signature.Method


def a_pdf(width):
    writer = PdfWriter()
    writer.add_blank_page(width, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def a_dossier(year):
    """A 2IA dossier with a company, its signatory and tutor."""
    company = factories.CompanyFactory()
    signatory = factories.CompanyContactFactory(company=company, role=CompanyContact.Role.SIGNATORY)
    tutor = factories.CompanyContactFactory(company=company, role=CompanyContact.Role.TUTOR)
    dossier = factories.DossierFactory(
        student__year=year, student__birth_date=datetime.date(2003, 5, 14), company=company, signataire=signatory,
        tuteur_entreprise=tutor,
    )
    steps.steps_sync(dossier)
    return dossier


def arrange(dossier, *, rows, office, head):
    """``rows`` of each kind, written through the services: uploads, links
    opened twice, scores; steps 1 to 4 moved with what they attest (the
    fiche, both parts, and the CERFA data: one row each, STEP-6). Beyond 2 rows, the student is in double diploma and an
    incident is reported: steps 3' and E apply too (STEP-5)."""
    student = dossier.student.user
    if rows > 2:
        students.student_facts_update(
            student=dossier.student, values={"double_diploma_incoming": True, "home_institution": "Politecnico di Torino"},
            by=office,
        )
        dossiers.incident_report(
            dossier=dossier, kind=Incident.Kind.SICK_LEAVE, start=datetime.date(2026, 10, 5), by=student,
        )
    fiche.fiche_save_student_part(
        dossier=dossier, data={"company_activities": "Planification.", "pfe_project": "Tournées."},
        company_data={"name": dossier.company.name, "siret": dossier.company.siret, "address": "3 rue des Mines",
                      "postal_code": "30100", "city": "Alès"},
        by=student,
    )
    fiche.fiche_save_company_part(dossier=dossier, data=factories.company_part(dossier.pk, dossier), by=student)
    # The CERFA entered whole: the salarié's and the tutor's boxes too (DOC-7).
    factories.cerfa_entered(dossier, by=student)
    dossiers.dossier_approve_contract(dossier=dossier, by=head)
    for code in ("1", "2", "3", "4"):
        step = dossier.steps.get(code=code)
        steps.step_transition(step=step, action=steps.SUBMIT, by=student)
        steps.step_transition(step=step, action=steps.VALIDATE, by=head if code == "3" else office)
    counted = [row["code"] for row in scoring.dossier_scoresheet(dossier)["rows"]]
    for code in counted[:rows]:
        scoring.score_set(dossier=dossier, step=code, points=1, by=office)
    for i in range(rows):
        files.document_upload(
            dossier=dossier, kind=DocumentKind.AUTRE if i % 2 else DocumentKind.FICHE_CONTACT_SIGNEE,
            uploaded_file=SimpleUploadedFile(f"piece-{i}.pdf", a_pdf(595 + i), content_type="application/pdf"),
            by=student if i % 2 else office,
        )
    files.document_upload(
        dossier=dossier, kind=DocumentKind.CERFA_SIGNE,
        uploaded_file=SimpleUploadedFile("cerfa.pdf", a_pdf(600), content_type="application/pdf"), by=student,
    )
    for _ in range(rows):
        link = links.link_create(
            dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office
        )
        for _use in range(2):
            links.resolve_link(RequestFactory().get("/"), links.make_token(link), ExternalLink.Purpose.SIGN_CONVENTION)
    return student


def produce_conventions(dossier, *, rows, office, django_capture_on_commit_callbacks):
    """``rows`` versions of the convention (as many PDF jobs), the latest
    signed by the student and, from paper, by the company; its originals
    received (DOC-3…5)."""
    for _ in range(rows):
        with django_capture_on_commit_callbacks(execute=True):
            job = convention.convention_request(dossier=factories.convention_ready(dossier), by=office)
    job.refresh_from_db()
    document = job.document
    convention.convention_sign(
        document=document, party=Party.STUDENT, method=Method.PORTAL, signer_name="L'élève", by=dossier.student.user
    )
    convention.convention_sign(document=document, party=Party.COMPANY, method=Method.PAPER, signer_name="X", by=office)
    convention.convention_originals_received(document=document, by=office)


@pytest.fixture
def dossier_page(year, office, head, login, tiny_pdf_layout, django_capture_on_commit_callbacks):
    """Build a dossier with ``rows`` of each thing; return its URL and a
    client signed in as the office or as its student."""

    def _dossier_page(rows, viewer):
        dossier = a_dossier(year)
        student = arrange(dossier, rows=rows, office=office, head=head)
        produce_conventions(
            dossier, rows=rows, office=office, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
        )
        return reverse("conventions:dossier-detail", args=[dossier.pk]), login(office if viewer == "office" else student)

    return _dossier_page


# The page's queries, whatever the number of rows (the session is read
# from the cache, SESSION_ENGINE cached_db):
#  1. the user with every role they hold (contratpro.backends, ROLE-9);
#  2. the dossier with its student, user, department and its head, option,
#     year, company, tutors, signatory, HR contact, the head who approved
#     (ELIG-9), the fiche contact, the CERFA's data, and whether the student
#     attended an information meeting of the year (ELIG-1);
#  3. its steps (STEP-1), shared by the steps table and every panel;
#  4-5. the student's acknowledgements and overrides (ELIG-2…10);
#  6. the timeline, events with their actors (DATA-4); the convention panel
#     finds the originals' receipt in it (DOC-5);
#  7. the year's barème with the dossier's points on it (SCORE-1…3);
#  8. the documents with who deposited them, for the fiche, convention and
#     documents panels (DOC-6);  9. the latest PDF job of each kind (NOTIF-2);
#  10. the convention versions' signatures, with who recorded them (DOC-4);
#  11-12. the office only: the company's contacts, then the personal links
#     with their use count and last use (ROLE-5);
#  13. the calendar periods of the student's track (CAL-4);
#  14. the student's modules (PROG-1);
#  15. whether an incident is recorded, the evidence of step E (STEP-6): the
#      other steps' evidence reuses the rows above (the fiche and the CERFA
#      joined in 2, the documents of 8, the signatures of 10);
#  16. the school's identity for the dossier's year (DOC-11, the convention panel);
#  17. the SMIC's dated values (DOC-10, the CERFA's pay check), read once
#      per dossier;
#  18. the footer's office contact: the school's identity of the current
#      year (CONTACT-1, the context processor);
#  19. the office only: the navigation's « À faire » count (the queues'
#      context processor);
#  20-21. the Évaluation panel of the S9 (EVAL-1): the dossier's S9
#      evaluation and the year's ECTS threshold (grading/s9);
#  22. the office only: the contract's deposit with the OPCO (NOTIF-3,
#      the « Dépôt du contrat à l'OPCO » panel of conventions/reminders).
QUERIES = {"office": 22, "student": 18}


@pytest.mark.parametrize("rows", [2, 20])
def test_role_2_dossier_page_queries_do_not_grow_with_rows(dossier_page, rows, django_assert_num_queries):
    """ROLE-2, STYLE §6, STEP-6: the office's dossier page costs 21 queries with 2 or
    20 documents, versions, jobs, links, scores and their events."""
    url, client = dossier_page(rows, "office")
    with django_assert_num_queries(QUERIES["office"]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_role_1_own_dossier_page_queries_do_not_grow_with_rows(dossier_page, rows, django_assert_num_queries):
    """ROLE-1, STYLE §6, STEP-6: the student's own dossier page costs 18 queries (no
    links panel) with 2 or 20 of each thing."""
    url, client = dossier_page(rows, "student")
    with django_assert_num_queries(QUERIES["student"]):
        assert client.get(url).status_code == 200
