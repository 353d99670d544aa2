"""After a company person acts through a personal link, every role still
opens the dossier, and the timeline names that person (ROLE-5, DATA-4).

The acts are driven for real: a link created by the office, the fiche's
company part posted through it, the convention signed through another.
"""

import pytest
from django.test import Client
from django.urls import reverse

from conventions.documents.models import DocumentKind
from conventions.documents.pdf import document_attach
from conventions.dossier import steps
from conventions.links import services as links
from conventions.models import CompanyContact, ExternalLink, Signature
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

# A one-page PDF, small and valid: what is signed here is its SHA-256, not its look.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

COMPANY_PART = {
    "company_presentation": "Bureau d'études de 40 personnes, service logiciel.",
    "tutor_first_name": "Paul", "tutor_last_name": "Durand", "tutor_job": "Chef de projet",
    "tutor_email": "paul.durand@cevennes.example", "tutor_phone": "04 66 78 50 88", "tutor_experience_years": 6,
    "signatory_first_name": "Anne", "signatory_last_name": "Salles", "signatory_job": "Directrice générale",
    "signatory_email": "anne.salles@cevennes.example", "hr_email": "rh@cevennes.example", "hr_phone": "04 66 78 50 00",
}


@pytest.fixture
def people(year):
    head = factories.UserFactory(username="resp", first_name="Hélène", last_name="Garnier")
    department = factories.department("2IA")
    department.head = head
    department.save()
    tutor = factories.UserFactory(username="tuteur", groups=["Enseignants"])
    return {
        "office": factories.UserFactory(username="bureau", groups=["Service Contrats Pro"]),
        "head": head,
        "tutor": tutor,
        "direction": factories.UserFactory(username="direction", groups=["Direction"]),
        "social": factories.UserFactory(username="social", groups=["Service social"]),
        "scolarite": factories.UserFactory(username="scolarite", groups=["Scolarité"]),
    }


@pytest.fixture
def dossier(people):
    company = factories.CompanyFactory(name="Cévennes Ingénierie SAS", siret="73282932000074")
    signatory = factories.CompanyContactFactory(
        company=company, role=CompanyContact.Role.SIGNATORY, first_name="Anne", last_name="Salles",
        email="anne.salles@cevennes.example",
    )
    student = factories.StudentFactory(user=factories.UserFactory(username="lea", first_name="Léa", last_name="Martin"))
    dossier = factories.DossierFactory(student=student, company=company, signataire=signatory, tuteur_ecole=people["tutor"])
    steps.steps_sync(dossier)
    people["student"] = student.user
    return dossier


def act_through_links(dossier, office):
    """The company fills its part of the fiche, then signs the convention, each through its own link."""
    anonymous = Client()
    fiche_link = links.link_create(
        dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office
    )
    response = anonymous.post(reverse("conventions:fiche-company", args=[links.make_token(fiche_link)]), COMPANY_PART)
    assert response.status_code == 200
    document = document_attach(
        dossier=dossier, kind=DocumentKind.CONVENTION, content=TINY_PDF, name="convention.pdf", generated=True, by=office
    )
    sign_link = links.link_create(
        dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office
    )
    response = anonymous.post(
        reverse("conventions:convention-sign-link", args=[links.make_token(sign_link)]),
        {"document": document.pk, "signer_name": "Anne Salles", "read": "1"},
    )
    assert response.status_code == 302
    assert Signature.objects.filter(document=document, party=Signature.Party.COMPANY, via_link=sign_link).exists()
    return fiche_link, sign_link


@pytest.mark.parametrize("role", ["office", "head", "tutor", "student", "direction", "social", "scolarite"])
def test_role_5_every_role_opens_the_dossier_after_the_company_acted_by_link(people, dossier, role):
    """ROLE-5, DATA-4: once the company filled its fiche part and signed
    through personal links, the dossier page opens for every role that sees
    it, and its timeline says who acted and how."""
    act_through_links(dossier, people["office"])
    client = Client(raise_request_exception=True)
    client.force_login(people[role])
    page = client.get(reverse("conventions:dossier-detail", args=[dossier.pk]))
    assert page.status_code == 200
    assert "Anne Salles (entreprise, par lien personnel)" in page.content.decode()


def test_data_4_an_external_act_is_logged_with_the_person_and_the_link(people, dossier):
    """DATA-4, ROLE-5: the event of an act through a link has no account as
    actor; it keeps the link used and the person's name as it was then."""
    fiche_link, sign_link = act_through_links(dossier, people["office"])
    by_link = Event.objects.filter(dossier=dossier, link__isnull=False).order_by("pk")
    assert [(e.verb, e.link_id, e.actor_id, e.external_actor) for e in by_link] == [
        ("conventions.fiche.company_part", fiche_link.pk, None, "Anne Salles"),
        ("conventions.convention.sign", sign_link.pk, None, "Anne Salles"),
    ]
    dossier.signataire.first_name = "Annie"
    dossier.signataire.save()
    assert by_link.first().actor_display == "Anne Salles (entreprise, par lien personnel)"


def test_data_4_one_timeline_holds_student_dossier_and_external_events_in_order(people, dossier, client):
    """DATA-4: the dossier's timeline is one list, newest first, mixing what
    concerns the student alone (eligibility), the dossier (a step moved by
    the student) and what the company did through its link."""
    from students import services as student_services

    student_services.student_facts_update(
        student=dossier.student, values={"scholarship_holder": True}, by=people["office"]
    )
    steps.step_transition(step=dossier.steps.get(code="1"), action=steps.SUBMIT, by=people["student"])
    act_through_links(dossier, people["office"])
    client.force_login(people["office"])
    html = client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    positions = [
        html.index("Convention (version 1) signée pour Entreprise"),
        html.index("Fiche contact : partie entreprise"),
        html.index("Étape 1 : À faire → Soumis"),
        html.index("Situation mise à jour"),
    ]
    assert positions == sorted(positions)
    other_year = factories.DossierFactory(
        student=dossier.student, year=factories.AcademicYearFactory(start_year=2025)
    )
    assert not Event.objects.of_dossier(other_year).filter(dossier=dossier).exists()
