"""Shared records stay whole (DOC-12) and signing links go only to
confirmed addresses (ROLE-5).

Two students work for the same company: Léa (dossier A, the one who types)
and Hugo (dossier B, who must see nothing change). The hostile edits seen on
the landed code are made through the pages, as Léa would make them.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions.companies import services as companies
from conventions.dossier import steps
from conventions.fiche import services as fiche
from conventions.links import services as links
from conventions.models import ChangeProposal, Company, CompanyContact, ExternalLink
from conventions.links.tasks import send_link_email
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return factories.UserFactory(username="bureau", groups=["Service Contrats Pro"])


@pytest.fixture
def shared(year):
    """Hugo's dossier B with its company, signatory and tutor, recorded by the office."""
    company = factories.CompanyFactory(
        name="Cévennes Ingénierie SAS", siret="73282932000074", address="6 rue Pasteur", postal_code="30100",
        city="Alès", naf="7112B", idcc="1486", opco="Atlas",
    )
    signatory = factories.CompanyContactFactory(
        company=company, role=CompanyContact.Role.SIGNATORY, first_name="Anne", last_name="Salles",
        job_title="Directrice générale", email="anne.salles@cevennes.example",
    )
    tutor = factories.CompanyContactFactory(
        company=company, first_name="Paul", last_name="Durand", email="paul.durand@cevennes.example",
    )
    hugo = factories.StudentFactory(user__username="hugo")
    dossier_b = factories.DossierFactory(
        student=hugo, company=company, signataire=signatory, tuteur_entreprise=tutor
    )
    return dossier_b


@pytest.fixture
def lea(year):
    """Léa's dossier A, still looking for its company."""
    student = factories.StudentFactory(
        user__username="lea", user__first_name="Léa", user__last_name="Martin", birth_date=datetime.date(2004, 3, 10)
    )
    dossier = factories.DossierFactory(student=student, company=None)
    steps.steps_sync(dossier)
    return dossier


def snapshot(dossier_b):
    """What dossier B relies on: its company (identity and CERFA data) and its people."""
    company = Company.objects.get(pk=dossier_b.company_id)
    people = CompanyContact.objects.filter(company=company).order_by("pk")
    return (
        [getattr(company, name) for name in companies.COMPANY_FIELDS],
        [(p.email, p.first_name, p.last_name, p.job_title, p.phone, p.email_confirmed_at) for p in people],
    )


def student_part(**company):
    values = {"name": "Cevennes Ing.", "siret": "732 829 320 00074", "address": "1 impasse du Faux",
              "postal_code": "34000", "city": "Montpellier", **company}
    return {
        "eleve-company_activities": "Refonte de l'outil de planification.",
        "eleve-pfe_project": "Optimisation des tournées.",
        **{f"entreprise-{key}": value for key, value in values.items()},
    }


COMPANY_PART = {
    "company_presentation": "Bureau d'études.",
    "tutor_first_name": "Paul", "tutor_last_name": "Martin-Faux", "tutor_job": "Stagiaire",
    "tutor_email": "paul.durand@cevennes.example", "tutor_phone": "06 00 00 00 00", "tutor_experience_years": 6,
    "signatory_first_name": "Léa", "signatory_last_name": "Martin", "signatory_job": "Gérante",
    "signatory_email": "anne.salles@cevennes.example", "hr_email": "", "hr_phone": "",
}


def test_doc_12_a_known_siret_attaches_the_company_without_changing_it(login, shared, lea, office):
    """DOC-12: Léa types Hugo's company's SIRET with another name and address:
    her dossier joins that company, which stays as it was for Hugo; what
    differs waits for the office as a proposal."""
    before = snapshot(shared)
    response = login(lea.student.user).post(reverse("conventions:fiche-edit", args=[lea.pk]), student_part(), follow=True)
    assert "le service Contrats pro la vérifie avant de l" in response.content.decode()
    lea.refresh_from_db()
    assert lea.company_id == shared.company_id
    assert snapshot(shared) == before
    proposal = ChangeProposal.objects.get(dossier=lea, contact=None)
    assert proposal.changes == {
        "name": ["Cévennes Ingénierie SAS", "Cevennes Ing."], "address": ["6 rue Pasteur", "1 impasse du Faux"],
        "postal_code": ["30100", "34000"], "city": ["Alès", "Montpellier"],
    }
    assert proposal.status == ChangeProposal.Status.PENDING


def test_doc_12_an_existing_signatory_email_does_not_rename_that_person(login, shared, lea):
    """DOC-12: typing Hugo's signatory's e-mail and tutor's e-mail under other
    names points Léa's dossier at those people, renames nobody, and proposes
    the change to the office."""
    client = login(lea.student.user)
    client.post(reverse("conventions:fiche-edit", args=[lea.pk]), student_part())
    before = snapshot(shared)
    response = client.post(reverse("conventions:fiche-company-edit", args=[lea.pk]), COMPANY_PART)
    assert response.status_code == 302
    assert snapshot(shared) == before
    lea.refresh_from_db()
    assert (lea.signataire_id, lea.tuteur_entreprise_id) == (shared.signataire_id, shared.tuteur_entreprise_id)
    assert set(ChangeProposal.objects.filter(dossier=lea, contact__isnull=False).values_list("contact__email", flat=True)) == {
        "anne.salles@cevennes.example", "paul.durand@cevennes.example",
    }


def test_doc_12_the_cerfa_form_does_not_change_a_shared_employer(login, shared, lea):
    """DOC-12: Léa's CERFA form with another NAF, IDCC and OPCO leaves the
    company Hugo's next CERFA reads unchanged; the change is proposed."""
    client = login(lea.student.user)
    client.post(reverse("conventions:fiche-edit", args=[lea.pk]), student_part())
    before = snapshot(shared)
    company = shared.company
    post = {
        **{f"employeur-{key}": getattr(company, key) for key in ("name", "siret", "address", "postal_code", "city")},
        "employeur-naf": "6202A", "employeur-idcc": "0016", "employeur-opco": "OPCO Mobilités",
        "contrat-contract_type": "cdd", "contrat-start_date": "2026-09-01", "contrat-end_date": "2027-08-31",
        "cerfa-job_title": "Ingénieure d'études", "cerfa-employer_headcount": "40", "cerfa-conclusion_date": "2026-08-20",
        "cerfa-trial_period_days": "30", "cerfa-weekly_hours": "35", "cerfa-gross_monthly_pay": "1900.00",
        "cerfa-branch_allows_over_25": "on", "cerfa-branch_agreement_reference": "Accord Syntec 2024",
    }
    response = client.post(reverse("conventions:cerfa-edit", args=[lea.pk]), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert snapshot(shared) == before
    proposal = ChangeProposal.objects.get(dossier=lea, contact=None)
    assert proposal.changes["opco"] == ["Atlas", "OPCO Mobilités"]


def test_doc_12_a_company_only_this_dossier_uses_is_corrected_in_place(login, lea):
    """DOC-12: a company no other dossier uses is the student's to correct:
    a mistyped name changes at once, without a proposal."""
    client = login(lea.student.user)
    client.post(reverse("conventions:fiche-edit", args=[lea.pk]), student_part(siret="44306184100047", name="Acme"))
    response = client.post(
        reverse("conventions:fiche-edit", args=[lea.pk]), student_part(siret="44306184100047", name="Acme SA"), follow=True
    )
    assert "vérifie avant de" not in response.content.decode()
    lea.refresh_from_db()
    assert lea.company.name == "Acme SA"
    assert not ChangeProposal.objects.exists()


def test_doc_12_the_office_accepts_a_proposal_for_every_dossier(login, shared, lea, office):
    """DOC-12: accepted from the office's review page, the proposal changes
    the shared company for both dossiers, and says so on the timeline."""
    login(lea.student.user).post(reverse("conventions:fiche-edit", args=[lea.pk]), student_part())
    proposal = ChangeProposal.objects.get(dossier=lea)
    client = login(office)
    assert "Cevennes Ing." in client.get(reverse("conventions:company-review")).content.decode()
    response = client.post(reverse("conventions:proposal-decide", args=[proposal.pk]), {"decision": "accept"})
    assert response.status_code == 302
    shared.company.refresh_from_db()
    assert (shared.company.name, shared.company.city) == ("Cevennes Ing.", "Montpellier")
    assert lea.events.filter(verb="conventions.company.proposal_accept").exists()


def test_doc_12_a_rejected_proposal_leaves_the_record_and_needs_a_reason(shared, lea, office):
    """DOC-12: a rejection keeps the shared company as it was and must say why."""
    fiche.fiche_save_student_part(
        dossier=lea, data={"company_activities": "a", "pfe_project": "b"},
        company_data={"name": "Autre", "siret": "73282932000074", "address": "x", "postal_code": "1", "city": "y"},
        by=lea.student.user,
    )
    proposal = ChangeProposal.objects.get(dossier=lea)
    with pytest.raises(ValidationError, match="Dites à l'élève pourquoi"):
        companies.proposal_reject(proposal=proposal, by=office, comment=" ")
    companies.proposal_reject(proposal=proposal, by=office, comment="Raison sociale vérifiée sur l'INSEE.")
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.REJECTED
    shared.company.refresh_from_db()
    assert shared.company.name == "Cévennes Ingénierie SAS"


def test_doc_12_the_review_page_is_the_office_s_only(login, lea, shared):
    """DOC-12, ROLE-9: a student cannot open the office's review of shared records."""
    assert login(lea.student.user).get(reverse("conventions:company-review")).status_code == 403


def test_doc_12_the_company_s_own_link_changes_its_people_directly(client, shared, office):
    """DOC-12, ROLE-5: through its own personal link the company corrects its
    tutor's phone, for every dossier; no proposal is needed."""
    link = links.link_create(
        dossier=shared, contact=shared.signataire, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office
    )
    data = {**COMPANY_PART, "tutor_last_name": "Durand", "tutor_job": "Chef de projet",
            "signatory_first_name": "Anne", "signatory_last_name": "Salles", "signatory_job": "Directrice générale",
            "tutor_phone": "04 66 00 00 01"}
    response = client.post(reverse("conventions:fiche-company", args=[links.make_token(link)]), data)
    assert response.status_code == 200
    shared.tuteur_entreprise.refresh_from_db()
    assert shared.tuteur_entreprise.phone == "04 66 00 00 01"
    assert not ChangeProposal.objects.exists()


def test_doc_12_the_fiche_is_frozen_once_step_2_is_validated(shared, lea, office):
    """DOC-12, STEP-3: once the office validated step 2, the student's and
    the company's parts are refused; a refusal of the step opens them again."""
    fiche.fiche_save_student_part(
        dossier=lea, data={"company_activities": "a", "pfe_project": "b"},
        company_data={"name": "Acme", "siret": "44306184100047", "address": "x", "postal_code": "1", "city": "y"},
        by=lea.student.user,
    )
    fiche.fiche_save_company_part(dossier=lea, data=COMPANY_PART, by=lea.student.user)
    step = lea.steps.get(code="2")
    steps.step_transition(step=step, action=steps.SUBMIT, by=lea.student.user)
    steps.step_transition(step=step, action=steps.VALIDATE, by=office)
    with pytest.raises(ValidationError, match="La fiche contact est validée"):
        fiche.fiche_save_student_part(
            dossier=lea, data={"company_activities": "c", "pfe_project": "d"},
            company_data={"name": "Acme", "siret": "44306184100047", "address": "x", "postal_code": "1", "city": "y"},
            by=lea.student.user,
        )
    with pytest.raises(ValidationError, match="La fiche contact est validée"):
        fiche.fiche_save_company_part(dossier=lea, data=COMPANY_PART, by=lea.student.user)
    steps.step_transition(step=step, action=steps.REOPEN, by=office, comment="Tuteur à corriger")
    fiche.fiche_save_company_part(dossier=lea, data=COMPANY_PART, by=lea.student.user)


# --- ROLE-5: the signing link goes only to a confirmed address -------------------

def test_role_5_a_signing_link_cannot_go_to_an_address_a_student_typed(
    login, lea, office, mailoutbox, django_capture_on_commit_callbacks
):
    """ROLE-5, DOC-12: the signatory Léa typed is unconfirmed: the office's
    "send the signing link" is refused with the reason, nothing is mailed;
    once the office confirmed the address, the link goes."""
    client = login(lea.student.user)
    client.post(reverse("conventions:fiche-edit", args=[lea.pk]), student_part(siret="44306184100047", name="Acme"))
    client.post(reverse("conventions:fiche-company-edit", args=[lea.pk]),
                {**COMPANY_PART, "signatory_email": "lea.perso@example.org", "tutor_email": "t@acme.example"})
    lea.refresh_from_db()
    signatory = lea.signataire
    assert signatory.email == "lea.perso@example.org" and not signatory.email_confirmed
    office_client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(
            reverse("conventions:link-create", args=[lea.pk]),
            {"contact": signatory.pk, "purpose": ExternalLink.Purpose.SIGN_CONVENTION, "validity_days": 30},
            follow=True,
        )
    assert mailoutbox == []
    assert "n&#x27;est pas encore confirmée par le service" in response.content.decode()
    assert not ExternalLink.objects.filter(contact=signatory).exists()
    office_client.post(reverse("conventions:contact-confirm-email", args=[lea.pk, signatory.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(
            reverse("conventions:link-create", args=[lea.pk]),
            {"contact": signatory.pk, "purpose": ExternalLink.Purpose.SIGN_CONVENTION, "validity_days": 30},
        )
    assert [m.to for m in mailoutbox] == [["lea.perso@example.org"]]
    assert lea.events.filter(verb="conventions.contact.confirm_email", actor=office).exists()


def test_role_5_the_mail_task_re_checks_the_address_before_sending(shared, office, mailoutbox):
    """ROLE-5: a signing link queued before its address lost its
    confirmation is not sent by the task."""
    link = links.link_create(
        dossier=shared, contact=shared.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office
    )
    CompanyContact.objects.filter(pk=shared.signataire_id).update(email_confirmed_at=None)
    assert send_link_email.run(link.pk, "http://testserver/lien/x/") is False
    assert mailoutbox == []


def test_role_5_only_the_office_confirms_an_address(lea, shared):
    """ROLE-5, ROLE-9: a student cannot confirm a signatory's address."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        companies.contact_confirm_email(contact=shared.signataire, dossier=lea, by=lea.student.user)


def test_doc_12_the_review_page_reads_in_a_fixed_number_of_queries(login, shared, office, django_assert_max_num_queries):
    """DOC-12: the office's review page does not grow in queries with its proposals."""
    client = login(office)
    for n in range(6):
        dossier = factories.DossierFactory(company=None)
        fiche.fiche_save_student_part(
            dossier=dossier, data={"company_activities": "a", "pfe_project": "b"},
            company_data={"name": f"Autre nom {n}", "siret": "73282932000074", "address": "x", "postal_code": "1",
                          "city": "y"},
            by=dossier.student.user,
        )
    with django_assert_max_num_queries(8):  # session, user, roles, proposals, signatories
        page = client.get(reverse("conventions:company-review"))
    assert page.content.decode().count("Accepter pour tous les dossiers") == 6
    assert "entreprise de 7 dossiers" in page.content.decode()


def test_role_9_only_the_office_decides_proposals_and_confirms_addresses(login, shared, lea, head):
    """ROLE-9, DOC-12: a student, even the one who proposed, and a department
    head get 403 on deciding a proposal or confirming an address; an outsider
    to the dossier gets 404; nothing changes."""
    login(lea.student.user).post(reverse("conventions:fiche-edit", args=[lea.pk]), student_part())
    proposal = ChangeProposal.objects.get(dossier=lea)
    decide = reverse("conventions:proposal-decide", args=[proposal.pk])
    confirm = reverse("conventions:contact-confirm-email", args=[shared.pk, shared.signataire_id])
    CompanyContact.objects.filter(pk=shared.signataire_id).update(email_confirmed_at=None)
    for user in (lea.student.user, head):
        assert login(user).post(decide, {"decision": "accept"}).status_code == 403
        assert login(user).get(reverse("conventions:company-review")).status_code == 403
    assert login(head).post(confirm).status_code == 403  # the head sees the 2IA dossier, may not confirm
    assert login(lea.student.user).post(confirm).status_code == 404  # Hugo's dossier is not Léa's
    proposal.refresh_from_db()
    assert proposal.status == ChangeProposal.Status.PENDING
    assert not CompanyContact.objects.get(pk=shared.signataire_id).email_confirmed
