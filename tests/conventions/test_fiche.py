"""The fiche contact (DOC-1, DOC-2) and its steps (STEP-1: 2, 3, 3')."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.dossier import steps
from conventions.dossier.services import dossier_approve_contract
from conventions.fiche import services as fiche
from conventions.fiche.forms import normalise_phone
from conventions.links import services as links
from conventions.models import (
    CompanyContact,
    Document,
    ExternalLink,
    FicheContact,
    LinkUse,
    StepState,
)
from tests import factories

pytestmark = pytest.mark.django_db

@pytest.fixture
def dossier(year, head):
    student = factories.StudentFactory(user__first_name="Léa", user__last_name="Martin", birth_date=datetime.date(2004, 3, 10))
    dossier = factories.DossierFactory(student=student)
    steps.steps_sync(dossier)
    return dossier


STUDENT_PART = {"company_activities": "Refonte de l'outil de planification.", "pfe_project": "Optimisation des tournées."}
COMPANY_PART = {
    "company_presentation": "Bureau d'études de 40 personnes, service logiciel.",
    "tutor_first_name": "Paul", "tutor_last_name": "Durand", "tutor_job": "Chef de projet",
    "tutor_email": "paul.durand@acme.example", "tutor_phone": "04 66 78 50 88", "tutor_experience_years": 6,
    "signatory_first_name": "Anne", "signatory_last_name": "Roux", "signatory_job": "Directrice générale",
    "signatory_email": "anne.roux@acme.example", "hr_email": "rh@acme.example", "hr_phone": "+33 4 66 78 50 00",
}


def company_post(prefix="entreprise", **overrides):
    data = {"name": "Acme Ingénierie", "siret": "732 829 320 00074", "address": "3 rue des Mines",
            "postal_code": "30100", "city": "Alès", **overrides}
    return {f"{prefix}-{key}": value for key, value in data.items()}


def student_post(**overrides):
    return {**{f"eleve-{k}": v for k, v in STUDENT_PART.items()}, **company_post(), **overrides}


def ten_words():
    return "Optimisation des tournées de livraison par apprentissage par renforcement profond"


# --- DOC-2 -----------------------------------------------------------------

def test_doc_2_a_pfe_title_of_11_words_is_refused(dossier):
    """DOC-2: eleven words do not fit in the diploma supplement; nothing is saved."""
    data = {"pfe_title": ten_words() + " distribué", "pfe_context": "c", "pfe_purpose": "f",
            "pfe_objectives": "o", "pfe_schedule": "d"}
    with pytest.raises(ValidationError, match="Le titre du PFE compte 11 mots : 10 au plus"):
        fiche.fiche_save_pfe(dossier=dossier, data=data, by=dossier.student.user)
    assert not FicheContact.objects.filter(dossier=dossier, pfe_completed_at__isnull=False).exists()


def test_doc_2_a_pfe_title_of_10_words_is_accepted(dossier):
    """DOC-2: ten words are accepted and the fiche PFE is stamped complete."""
    data = {"pfe_title": ten_words(), "pfe_context": "Contexte", "pfe_purpose": "Finalité",
            "pfe_objectives": "Objectifs", "pfe_schedule": "Mars : état de l'art."}
    sheet = fiche.fiche_save_pfe(dossier=dossier, data=data, by=dossier.student.user)
    assert len(sheet.pfe_title.split()) == 10
    assert sheet.pfe_completed_at is not None


def test_doc_2_the_pfe_page_refuses_11_words_and_keeps_them(login, dossier):
    """DOC-2: through the page the refusal is French and the typed title stays in the field."""
    title = ten_words() + " distribué"
    response = login(dossier.student.user).post(
        reverse("conventions:fiche-pfe", args=[dossier.pk]),
        {"pfe_title": title, "pfe_context": "c", "pfe_purpose": "f", "pfe_objectives": "o", "pfe_schedule": "d"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Le titre du PFE compte 11 mots : 10 au plus" in content
    assert f'value="{title}"' in content


# --- DOC-1: validation -----------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("04 66 78 50 88", "04 66 78 50 88"),
        ("0466785088", "04 66 78 50 88"),
        ("04.66.78.50.88", "04 66 78 50 88"),
        ("+33 4 66 78 50 88", "+33 4 66 78 50 88"),
        ("+33 (0)4 66 78 50 88", "+33 4 66 78 50 88"),
        ("0033466785088", "+33 4 66 78 50 88"),
    ],
)
def test_doc_1_french_phone_formats_are_accepted_and_written_the_usual_way(typed, stored):
    """DOC-1: a French number, however typed, is stored as "04 66 78 50 88" or "+33 4 …"."""
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["04 66 78 50", "4 66 78 50 88", "+33 04 66 78 50 88", "06-AB-78-50-88", "00 66 78 50 88"])
def test_doc_1_a_malformed_phone_is_refused_in_french(typed):
    """DOC-1: anything but a 10-digit French number is refused, with an example."""
    with pytest.raises(ValidationError, match="Numéro de téléphone non valide"):
        normalise_phone(typed)


def test_doc_1_a_bad_siret_is_refused_and_the_form_keeps_what_was_typed(login, dossier):
    """DOC-1: a SIRET whose key is wrong is refused in French; every value typed stays."""
    response = login(dossier.student.user).post(
        reverse("conventions:fiche-edit", args=[dossier.pk]), student_post(**company_post(siret="732 829 320 00075"))
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ce SIRET n&#x27;est pas valide : sa clé de contrôle ne correspond pas." in content
    assert 'value="732 829 320 00075"' in content
    assert "Refonte de l&#x27;outil de planification." in content
    assert not FicheContact.objects.filter(dossier=dossier).exists()


def test_doc_1_a_short_siret_says_how_many_digits_were_typed(login, dossier):
    """DOC-1: a SIRET of 9 digits (a SIREN) is refused with the count."""
    response = login(dossier.student.user).post(
        reverse("conventions:fiche-edit", args=[dossier.pk]), student_post(**company_post(siret="732829320"))
    )
    assert "Un SIRET compte 14 chiffres (vous en avez saisi 9)." in response.content.decode()


def test_doc_1_bad_email_and_phone_are_refused_and_the_form_keeps_them(login, dossier):
    """DOC-1: the company's part refuses a malformed e-mail and phone in French,
    keeps what was typed and saves nothing."""
    data = {**COMPANY_PART, "tutor_email": "paul.durand@acme", "tutor_phone": "04 66 78"}
    response = login(dossier.student.user).post(reverse("conventions:fiche-company-edit", args=[dossier.pk]), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in content
    assert "Numéro de téléphone non valide" in content
    assert 'value="paul.durand@acme"' in content
    assert 'value="04 66 78"' in content
    assert not CompanyContact.objects.filter(email="anne.roux@acme.example").exists()


def test_doc_1_a_person_half_described_is_refused(login, dossier):
    """DOC-1: a tutor's e-mail without their name is refused on the name fields."""
    data = {**COMPANY_PART, "tutor_first_name": "", "tutor_last_name": ""}
    response = login(dossier.student.user).post(reverse("conventions:fiche-company-edit", args=[dossier.pk]), data)
    assert "nom, prénom et e-mail vont ensemble" in response.content.decode()


# --- DOC-1: saving -----------------------------------------------------------

def test_doc_1_the_student_part_records_the_company_found_by_siret(login, dossier):
    """DOC-1: the student's part is stamped complete and the dossier's company
    becomes the one with that SIRET (spaces dropped)."""
    response = login(dossier.student.user).post(reverse("conventions:fiche-edit", args=[dossier.pk]), student_post())
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.company.siret == "73282932000074"
    assert dossier.company.name == "Acme Ingénierie"
    assert FicheContact.objects.get(dossier=dossier).student_completed_at is not None
    assert dossier.events.filter(verb="conventions.fiche.student").exists()


def test_doc_1_an_existing_company_is_reused_not_duplicated(dossier):
    """DOC-1: a second student typing a known SIRET joins the same company."""
    other = factories.DossierFactory()
    values = {"name": other.company.name, "siret": other.company.siret, "address": "1 place", "postal_code": "30100", "city": "Alès"}
    fiche.fiche_save_student_part(dossier=dossier, data=STUDENT_PART, company_data=values, by=dossier.student.user)
    dossier.refresh_from_db()
    assert dossier.company_id == other.company_id


def test_doc_1_the_company_part_fills_the_contacts_and_the_dossier(dossier):
    """DOC-1: tutor, signatory and HR become the company's contacts and the
    dossier's tuteur_entreprise, signataire and hr_contact."""
    fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, by=dossier.student.user)
    dossier.refresh_from_db()
    assert (dossier.tuteur_entreprise.full_name, dossier.tuteur_entreprise.phone) == ("Paul Durand", "04 66 78 50 88")
    assert dossier.tuteur_entreprise.role == CompanyContact.Role.TUTOR
    assert dossier.signataire.job_title == "Directrice générale"
    assert (dossier.hr_contact.email, dossier.hr_contact.full_name) == ("rh@acme.example", "Contact RH")
    assert FicheContact.objects.get(dossier=dossier).company_completed_at is not None


def test_doc_1_the_company_part_updates_a_known_person_instead_of_duplicating(dossier):
    """DOC-1: the same e-mail updates the existing contact (names, job, phone)."""
    fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, by=dossier.student.user)
    fiche.fiche_save_company_part(
        dossier=dossier, data={**COMPANY_PART, "tutor_job": "Responsable R&D", "tutor_email": "Paul.Durand@acme.example"},
        by=dossier.student.user,
    )
    tutors = CompanyContact.objects.filter(company=dossier.company, email__iexact="paul.durand@acme.example")
    assert [t.job_title for t in tutors] == ["Responsable R&D"]


def test_doc_1_through_a_link_the_company_completes_its_part(client, dossier, office):
    """DOC-1, ROLE-5: the company's person opens the fiche through their link,
    without an account; the save updates the contacts and is recorded."""
    hr = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.HR, email="rh@acme.example")
    link = links.link_create(dossier=dossier, contact=hr, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    url = reverse("conventions:fiche-company", args=[links.make_token(link)])
    page = client.get(url)
    assert page.status_code == 200
    assert dossier.student.full_name in page.content.decode()
    response = client.post(url, COMPANY_PART)
    assert response.status_code == 200
    assert "Merci, la fiche contact est à jour" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.tuteur_entreprise.email == "paul.durand@acme.example"
    assert dossier.hr_contact_id == hr.pk
    assert LinkUse.objects.filter(link=link, action="fiche", accepted=True).count() == 2
    assert dossier.events.filter(verb="conventions.fiche.company_part", actor__isnull=True).exists()


def test_doc_1_a_tampered_link_is_refused_and_changes_nothing(client, dossier, office):
    """DOC-1, ROLE-5: a link with a changed character answers 403 with the reason; nothing is saved."""
    contact = factories.CompanyContactFactory(company=dossier.company)
    link = links.link_create(dossier=dossier, contact=contact, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    token = links.make_token(link)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    response = client.post(reverse("conventions:fiche-company", args=[tampered]), COMPANY_PART)
    assert response.status_code == 403
    assert "Ce lien n&#x27;est pas valide : il a été modifié ou mal copié." in response.content.decode()
    assert not FicheContact.objects.filter(dossier=dossier).exists()
    assert LinkUse.objects.filter(accepted=False, action="fiche").count() == 1


def test_doc_1_a_link_for_another_purpose_is_refused(client, dossier, office):
    """DOC-1, ROLE-5: the signatory's convention link does not open the fiche."""
    contact = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.SIGNATORY)
    link = links.link_create(dossier=dossier, contact=contact, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
    response = client.get(reverse("conventions:fiche-company", args=[links.make_token(link)]))
    assert response.status_code == 403
    assert "Ce lien ne sert pas à cette démarche." in response.content.decode()


def test_doc_1_who_may_write_the_fiche(login, dossier, office, head):
    """DOC-1, ROLE-9: student and office write; the head reads only (a POST is 403); another student gets 404."""
    url = reverse("conventions:fiche-edit", args=[dossier.pk])
    assert login(dossier.student.user).get(url).status_code == 200
    assert login(office).get(url).status_code == 200
    assert login(head).post(url, {"eleve-company_activities": "x"}).status_code == 403
    assert login(factories.StudentFactory().user).get(url).status_code == 404


def test_step_6_3_the_head_reads_the_fiche_and_its_pdf_before_signing_it_off(
    login, dossier, head, django_capture_on_commit_callbacks, tiny_pdf_layout
):
    """STEP-6, DOC-1: the head of the student's department reads the fiche
    (read-only, no form) with a link to its PDF; a colleague heading another
    department gets 404, the direction, who sees the dossier, 403."""
    complete_fiche(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        job = fiche.fiche_request_pdf(dossier=dossier, kind=DocumentKind.FICHE_CONTACT, by=dossier.student.user)
    job.refresh_from_db()
    url = reverse("conventions:fiche-edit", args=[dossier.pk])
    response = login(head).get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Lecture seule" in content and "<form" not in content.split("<main", 1)[-1]
    assert STUDENT_PART["company_activities"].replace("'", "&#x27;") in content
    assert reverse("conventions:document-download", args=[job.document.pk]) in content
    assert login(head).get(reverse("conventions:document-download", args=[job.document.pk])).status_code == 200
    colleague = factories.UserFactory(groups=["Enseignants"])
    gcbd = factories.department("GCBD")
    gcbd.head = colleague
    gcbd.save()
    assert login(colleague).get(url).status_code == 404
    assert login(factories.UserFactory(groups=["Direction"])).get(url).status_code == 403


# --- DOC-1: PDF and the panel --------------------------------------------------

def pdf_text(document):
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Lines wrap where the layout says: compare words, not line breaks.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def complete_fiche(dossier):
    user = dossier.student.user
    values = {"name": "Acme Ingénierie", "siret": "73282932000074", "address": "3 rue des Mines",
              "postal_code": "30100", "city": "Alès"}
    fiche.fiche_save_student_part(dossier=dossier, data=STUDENT_PART, company_data=values, by=user)
    dossier.refresh_from_db()
    fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, by=user)
    fiche.fiche_save_pfe(
        dossier=dossier,
        data={"pfe_title": ten_words(), "pfe_context": "Flotte de 120 véhicules.", "pfe_purpose": "Réduire les kilomètres.",
              "pfe_objectives": "Un prototype en production.", "pfe_schedule": "Mars-avril : état de l'art."},
        by=user,
    )
    dossier.refresh_from_db()


def test_doc_1_the_fiche_pdf_holds_the_students_name_and_the_pfe_title(dossier, django_capture_on_commit_callbacks):
    """DOC-1, DOC-2: the printed fiche names the student, the company, the tutor and the PFE title."""
    complete_fiche(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        job = pdf_request(dossier=dossier, kind=DocumentKind.FICHE_CONTACT, by=dossier.student.user)
    job.refresh_from_db()
    assert job.status == "pret", job.error
    text = pdf_text(job.document)
    assert "MARTIN" in text and "Léa" in text
    assert "Optimisation des tournées de livraison" in text
    assert "73282932000074" in text
    assert "Paul Durand" in text


def test_doc_1_the_pdf_button_waits_for_the_students_part(login, dossier):
    """DOC-1: printing an empty fiche is refused with what to do."""
    response = login(dossier.student.user).post(reverse("conventions:fiche-pdf", args=[dossier.pk]), follow=True)
    assert "Remplissez d&#x27;abord la partie élève de la fiche contact." in response.content.decode()
    assert not Document.objects.filter(dossier=dossier).exists()


def test_doc_1_the_panel_shows_each_part_and_the_ready_pdf(login, dossier, django_capture_on_commit_callbacks, tiny_pdf_layout):
    """DOC-1: the dossier page shows the three parts with their dates and the produced PDF's link."""
    complete_fiche(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        login(dossier.student.user).post(reverse("conventions:fiche-pdf", args=[dossier.pk]), {"kind": "fiche_contact"})
    content = login(dossier.student.user).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    panel = content[content.index('id="fiche"'):]
    assert panel.count("complète") >= 3
    assert "Produire la fiche (PDF)" in panel
    document = Document.objects.get(dossier=dossier, kind=DocumentKind.FICHE_CONTACT)
    assert reverse("conventions:document-download", args=[document.pk]) in panel


def test_doc_1_the_jobs_block_polls_while_a_pdf_is_pending(login, dossier):
    """DOC-1, NOTIF-2: while a PDF waits the block asks again; once none waits it stops."""
    complete_fiche(dossier)
    pdf_request(dossier=dossier, kind=DocumentKind.FICHE_CONTACT, by=dossier.student.user)  # not committed: stays pending
    url = reverse("conventions:fiche-jobs", args=[dossier.pk])
    assert 'hx-trigger="every 2s"' in login(dossier.student.user).get(url).content.decode()
    dossier.pdf_jobs.update(status="echec")
    assert "hx-trigger" not in login(dossier.student.user).get(url).content.decode()


# --- STEP-1: steps 3 and 3' ---------------------------------------------------------

def test_step_1_a_refused_step_3_shows_the_heads_comment_on_the_fiche(login, dossier, head):
    """STEP-1 step 3: the head refuses the fiche with a comment; the fiche panel shows it."""
    complete_fiche(dossier)
    step = dossier.steps.get(code="3")
    steps.step_transition(step=step, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=step, action=steps.REFUSE, by=head, comment="Précisez les missions du S10.")
    content = login(dossier.student.user).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    panel = content[content.index('id="fiche"'):]
    assert "Le responsable de département demande des modifications" in panel
    assert "Précisez les missions du S10." in panel


def test_step_1_a_validated_step_3_prints_the_heads_visa(dossier, head, django_capture_on_commit_callbacks):
    """STEP-1 step 3, ELIG-9: once the head approved the contract and validated step 3, the fiche carries the visa."""
    complete_fiche(dossier)
    dossier_approve_contract(dossier=dossier, by=head)
    step = dossier.steps.get(code="3")
    steps.step_transition(step=step, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=step, action=steps.VALIDATE, by=head)
    assert dossier.steps.get(code="3").state == StepState.VALIDATED
    with django_capture_on_commit_callbacks(execute=True):
        job = pdf_request(dossier=dossier, kind=DocumentKind.FICHE_CONTACT, by=head)
    job.refresh_from_db()
    assert "Activités validées dans le portail par Hélène Garnier" in pdf_text(job.document)


def test_step_1_step_3p_reminds_a_double_diploma_student_of_the_home_approval(login, dossier, office):
    """STEP-1 step 3': the panel asks for the home institution's approval and its date."""
    student = dossier.student
    student.double_diploma_incoming = True
    student.home_institution = "Politecnico di Torino"
    student.save()
    steps.steps_sync(dossier)
    content = login(office).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    panel = content[content.index('id="fiche"'):]
    assert "L'accord écrit de Politecnico di Torino est requis." in panel
    assert "?kind=accord_origine&amp;step=3p#documents" in panel
    assert reverse("students:student-facts", args=[student.pk]) in panel


def test_step_1_no_step_3p_reminder_for_other_students(login, dossier):
    """STEP-5: a student who is not in double diploma sees no step 3' reminder."""
    content = login(dossier.student.user).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "etape-3p-rappel" not in content


@pytest.mark.parametrize("versions", [1, 4])
def test_step_6_3_fiche_read_page_costs_the_same_whatever_its_pdf_versions(
    login, dossier, head, versions, django_assert_num_queries, django_capture_on_commit_callbacks, tiny_pdf_layout
):
    """STEP-6, STYLE §6, DOC-1: the head's read-only fiche costs a fixed number of
    queries however many PDF versions of it exist: the user and roles, the
    dossier, the fiche, the newest PDFs, the steps, the visas (step 3's
    validations), the department head (the people), the office's contact
    for the dossier's year, the nav's count, the footer's contact."""
    complete_fiche(dossier)
    for _ in range(versions):
        with django_capture_on_commit_callbacks(execute=True):
            fiche.fiche_request_pdf(dossier=dossier, kind=DocumentKind.FICHE_CONTACT, by=dossier.student.user)
    client = login(head)
    url = reverse("conventions:fiche-edit", args=[dossier.pk])
    client.get(url)  # the session read once
    with django_assert_num_queries(FICHE_READ_QUERIES):
        assert client.get(url).status_code == 200


FICHE_READ_QUERIES = 10


def test_doc_2_the_fiche_counts_a_titles_words_as_a_reader_does():
    """DOC-2: the fiche contact's own check counts words as the reader's rule
    does: French spacing around « : » and « – » adds no word, so a 10-word
    title so typed is accepted, and an 11th word is still refused."""
    from conventions.fiche.models import validate_pfe_title

    ten = "Jumeau numérique : supervision temps-réel de l'usine – lignes 3 et 4"
    validate_pfe_title(ten)
    with pytest.raises(ValidationError, match="11 mots"):
        validate_pfe_title(ten + " bis")
