"""The fiche contact complete (DOC-1): everyone involved with name, function,
e-mail and phone, the student's postal address, shared people changed only
through the office (DOC-12), and step 3' on it (STEP-5, ELIG-7)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from contratpro.school.models import SchoolIdentity
from conventions.dossier import steps
from conventions.fiche import services as fiche
from conventions.fiche.forms import FicheCompanyForm
from conventions.models import ChangeProposal, CompanyContact, Dossier
from students import services as students
from tests import factories

from .test_fiche_visa import COMPANY_PART, IDENTITY, STUDENT_PART, complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(year, head):
    student = factories.StudentFactory(
        user__first_name="Léa", user__last_name="Martin", user__email="lea.martin@mines-ales.org",
        user__phone="06 12 34 56 78", address="12 rue Jules Renard\nRésidence Les Cèdres", postal_code="30100",
        city="Alès",
    )
    dossier = factories.DossierFactory(student=student)
    steps.steps_sync(dossier)
    return dossier


def printed(dossier):
    """The fiche's PDF as its template renders it, whitespace folded."""
    template, context = fiche.fiche_pdf(Dossier.objects.get(pk=dossier.pk))
    return " ".join(render_to_string(template, context).split()).replace("&#x27;", "'")


def page(client, dossier):
    return " ".join(client.get(reverse("conventions:fiche-edit", args=[dossier.pk])).content.decode().split()).replace(
        "&#x27;", "'"
    )


def test_doc_1_every_person_with_function_email_and_phone_on_the_pdf(dossier, head, office):
    """DOC-1: the PDF names each person with function, e-mail and phone: the
    student (with their postal address), the company's switchboard, tutor,
    signatory, HR contact, the department head, the tuteur école (staff
    phones are their accounts') and the office of the dossier's year."""
    head.phone = "04 66 78 51 00"
    head.save()
    tutor = factories.UserFactory(first_name="Marc", last_name="Vidal", email="marc.vidal@mines-ales.fr", phone="04 66 78 52 00")
    Dossier.objects.filter(pk=dossier.pk).update(tuteur_ecole=tutor)
    SchoolIdentity.objects.update_or_create(
        valid_from_year=dossier.year.start_year,
        defaults={"name": "IMT Mines Alès", "office_email": "contrats-pro@mines-ales.fr", "office_phone": "04 66 78 50 50"},
    )
    complete(dossier)
    html = printed(dossier)
    for expected in (
        "lea.martin@mines-ales.org", "06 12 34 56 78", "12 rue Jules Renard<br>Résidence Les Cèdres<br>30100 Alès",
        "04 66 78 50 00",  # the switchboard
        "Paul Durand</td><td>Chef de projet<br><span class=\"small\">6 ans d'expérience</span></td><td>paul.durand@acme.example</td><td class=\"tel\">04 66 78 50 88",
        "Anne Roux</td><td>Directrice générale</td><td>anne.roux@acme.example</td><td class=\"tel\">04 66 78 50 01",
        "Inès Morel</td><td>Chargée de recrutement</td><td>rh@acme.example</td><td class=\"tel\">+33 4 66 78 50 02",
        "Hélène Garnier</td><td>Responsable du département 2IA</td><td>resp2ia@mines-ales.fr</td><td class=\"tel\">04 66 78 51 00",
        "Marc Vidal</td><td>Enseignant</td><td>marc.vidal@mines-ales.fr</td><td class=\"tel\">04 66 78 52 00",
        "Service Contrats pro</td><td>IMT Mines Alès</td>",
        "04 66 78 50 50",
    ):
        assert expected in html, expected
    assert "à compléter" not in html


def test_doc_1_the_read_page_lists_the_same_people(login, dossier, head):
    """DOC-1: the head's read-only fiche lists the same people and phones."""
    complete(dossier)
    text = page(login(head), dossier)
    for expected in ("Inès Morel", "Chargée de recrutement", "04 66 78 50 01", "06 12 34 56 78", "Résidence Les Cèdres",
                     "standard 04 66 78 50 00"):
        assert expected in text, expected


def test_doc_1_hr_contact_named_and_signatory_phone_reach_the_dossiers_contacts(dossier):
    """DOC-1: the HR contact's name and function and the signatory's phone
    typed on the fiche become the dossier's contacts (no « Contact RH »
    stand-in once named)."""
    complete(dossier)
    dossier.refresh_from_db()
    hr, signatory = dossier.hr_contact, dossier.signataire
    assert (hr.first_name, hr.last_name, hr.job_title, hr.phone) == ("Inès", "Morel", "Chargée de recrutement", "+33 4 66 78 50 02")
    assert signatory.phone == "04 66 78 50 01"


def test_doc_12_a_students_phone_for_a_shared_signatory_is_a_proposal(year, head):
    """DOC-12: a signatory another dossier uses keeps their phone when a
    student types another one: the change waits as a proposal to the office."""
    company = factories.CompanyFactory(siret=IDENTITY["siret"], name=IDENTITY["name"])
    shared = factories.CompanyContactFactory(
        company=company, role=CompanyContact.Role.SIGNATORY, email=COMPANY_PART["signatory_email"],
        first_name="Anne", last_name="Roux", job_title="Directrice générale", phone="04 66 78 59 99",
    )
    factories.DossierFactory(company=company, signataire=shared)
    dossier = factories.DossierFactory(student__year=year)
    steps.steps_sync(dossier)
    complete(dossier)
    shared.refresh_from_db()
    assert shared.phone == "04 66 78 59 99"
    proposal = ChangeProposal.objects.get(contact=shared, dossier=dossier)
    assert proposal.changes["phone"] == ["04 66 78 59 99", "04 66 78 50 01"]


def test_doc_1_the_student_types_their_postal_address_and_phone(login, dossier):
    """DOC-1, ROLE-1: the student's part takes the student's own postal
    address and phone (their record; the phone in its usual written form)."""
    user = dossier.student.user
    post = {
        **{f"eleve-{k}": v for k, v in STUDENT_PART.items()},
        **{f"entreprise-{k}": v for k, v in IDENTITY.items()},
        "coordonnees-address": "4 place de la Mairie", "coordonnees-postal_code": "30 000",
        "coordonnees-city": "Nîmes", "coordonnees-phone": "0612345679",
    }
    response = login(user).post(reverse("conventions:fiche-edit", args=[dossier.pk]), post)
    assert response.status_code == 302
    dossier.student.refresh_from_db()
    user.refresh_from_db()
    assert (dossier.student.address, dossier.student.postal_code, dossier.student.city, user.phone) == (
        "4 place de la Mairie", "30000", "Nîmes", "06 12 34 56 79"
    )
    assert "Coordonnées de l'élève modifiées" in dossier.events.get(verb="conventions.fiche.student").summary


def test_doc_1_an_hr_contact_named_without_an_email_is_refused():
    """DOC-1: the HR contact is known by their e-mail: a name without it is refused."""
    form = FicheCompanyForm(data={"hr_first_name": "Inès", "hr_last_name": "Morel"})
    assert not form.is_valid()
    assert form.errors["hr_email"] == ["Indiquez l'e-mail du contact RH : c'est par lui que le portail le reconnaît."]


# --- Step 3' ----------------------------------------------------------------------

def double_diploma(dossier, office, **values):
    students.student_facts_update(
        student=dossier.student, by=office,
        values={"double_diploma_incoming": True, "home_institution": "Politecnico di Torino", **values},
    )
    dossier.refresh_from_db()


def test_step_5_3p_approval_shown_on_the_fiche_and_printed(login, dossier, head, office):
    """STEP-5, ELIG-7, DOC-1: for a double-diploma incoming student the fiche
    (page and PDF) shows the home institution, the date of its approval and
    who validated step 3', when."""
    double_diploma(dossier, office, home_approval_date=datetime.date(2026, 6, 1))
    complete(dossier)
    factories.upload(dossier, "accord_origine", by=dossier.student.user, step="3p")
    step = dossier.steps.get(code="3p")
    steps.step_transition(step=step, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=step, action=steps.VALIDATE, by=head)
    html = printed(dossier)
    assert "accord de l'établissement d'origine (étape 3')" in html
    assert "Politecnico di Torino" in html and "1er juin 2026" in html
    assert "validée par Hélène Garnier le" in html
    assert "il manque" not in html
    text = page(login(head), dossier)
    assert "Politecnico di Torino" in text and "1er juin 2026" in text and "validée par Hélène Garnier" in text


def test_step_5_3p_missing_approval_said_on_the_fiche(login, dossier, head, office):
    """STEP-5, ELIG-7: when step 3' applies and the approval is missing, the
    fiche (page, panel and PDF) says what is missing."""
    double_diploma(dossier, office)
    complete(dossier)
    missing = "Accord de l'établissement d'origine requis : il manque la date de l'accord de l'établissement d'origine ; la validation de l'étape 3'."
    assert missing in printed(dossier)
    assert missing in page(login(head), dossier)
    detail = " ".join(login(office).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode().split())
    assert missing in detail.replace("&#x27;", "'")


def test_step_5_no_3p_on_the_fiche_of_other_students(dossier):
    """STEP-5: step 3' is not on the fiche of a student who is not in double diploma."""
    complete(dossier)
    assert "étape 3'" not in printed(dossier)


def test_doc_1_through_its_link_the_company_names_its_hr_contact_and_phones(client, year, head, office):
    """DOC-1, ROLE-5, DOC-12: through its own link the company gives its
    switchboard, its signatory's phone and names its HR contact: its own
    link changes its people in place, even those another dossier uses."""
    from conventions.links import services as links
    from conventions.models import ExternalLink

    company = factories.CompanyFactory(siret=IDENTITY["siret"], name=IDENTITY["name"])
    signatory = factories.CompanyContactFactory(
        company=company, role=CompanyContact.Role.SIGNATORY, email=COMPANY_PART["signatory_email"],
        first_name="Anne", last_name="Roux", phone="",
    )
    factories.DossierFactory(company=company, signataire=signatory)
    dossier = factories.DossierFactory(student__year=year, company=company, signataire=signatory)
    steps.steps_sync(dossier)
    link = links.link_create(dossier=dossier, contact=signatory, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    response = client.post(reverse("conventions:fiche-company", args=[links.make_token(link)]), COMPANY_PART)
    assert "Merci, la fiche contact est à jour" in response.content.decode()
    dossier.refresh_from_db()
    signatory.refresh_from_db()
    assert signatory.phone == "04 66 78 50 01"
    assert (dossier.hr_contact.full_name, dossier.hr_contact.job_title) == ("Inès Morel", "Chargée de recrutement")
    assert dossier.fiche_contact.company_phone == "04 66 78 50 00"
    assert not ChangeProposal.objects.filter(dossier=dossier).exists()
