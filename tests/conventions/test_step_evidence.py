"""STEP-6: a step is handed in only with what it needs and validated only
when what it attests exists. Each precondition is checked at the service
(``step_transition`` refuses: state unchanged, no event) and at the view
(the button is shown disabled with its reason; the POST is refused with
the French message), then the move succeeds once the evidence exists."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions.dossier import services as dossiers
from conventions.dossier import steps
from conventions.models import DossierStep, Incident, StepState
from students import services as students
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(year, office, head):
    tutor = factories.UserFactory(groups=["Enseignants"])
    direction = factories.UserFactory(groups=["Direction"])
    company = factories.CompanyFactory()
    dossier = factories.DossierFactory(
        tuteur_ecole=tutor, company=company, student__birth_date=None,
        signataire=factories.CompanyContactFactory(company=company, role="signataire"),
        tuteur_entreprise=factories.CompanyContactFactory(company=company),
    )
    steps.steps_sync(dossier)
    return {"office": office, "head": head, "tutor": tutor, "direction": direction,
            "student": dossier.student.user, "dossier": dossier}


def row(dossier, code):
    return DossierStep.objects.get(dossier=dossier, code=code)


def step_events(dossier):
    return Event.objects.filter(dossier=dossier, verb__startswith="conventions.step.").count()


def refused(people, code, action, who, match):
    """The service refuses the move with ``match``; nothing changes."""
    dossier = people["dossier"]
    before, events = row(dossier, code).state, step_events(dossier)
    with pytest.raises(ValidationError, match=match):
        steps.step_transition(step=row(dossier, code), action=action, by=people[who])
    assert row(dossier, code).state == before
    assert step_events(dossier) == events


def moves(people, code, action, who, to):
    return steps.step_transition(step=row(people["dossier"], code), action=action, by=people[who]).state == to


def shown_disabled(login, people, code, action, who, reason):
    """The dossier page shows the action disabled with its reason next to
    it; the htmx POST answers the row with the refusal; nothing moves."""
    dossier, user = people["dossier"], people[who]
    client = login(user)
    content = client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    html_row = content[content.index(f'id="etape-{code}"'):]
    html_row = html_row[: html_row.index("</tr>")]
    why = f"why-{code}-{action}"
    assert re.search(rf'<button type="button"[^>]*disabled aria-describedby="{why}"', html_row), html_row
    assert re.search(rf'id="{why}">[^<]*{re.escape(reason)}', html_row.replace("&#x27;", "'")), html_row
    before = row(dossier, code).state
    response = client.post(reverse("conventions:step-action", args=[dossier.pk, code]), {"action": action},
                           HTTP_HX_REQUEST="true")
    assert reason in response.content.decode().replace("&#x27;", "'")
    assert row(dossier, code).state == before


FICHE = "La fiche contact n'est pas complète"
SIGNATURES = "attend encore la signature de"


# --- 2: the fiche contact, both parts -------------------------------------------

def test_step_6_2_fiche_contact_complete_to_hand_in(people):
    """STEP-6: step 2 is refused on an empty fiche, then handed in and validated once both parts are typed."""
    refused(people, "2", steps.SUBMIT, "student", FICHE + " : il manque la partie élève et la partie entreprise")
    factories.fiche_typed(people["dossier"])
    assert moves(people, "2", steps.SUBMIT, "student", StepState.SUBMITTED)
    assert moves(people, "2", steps.VALIDATE, "office", StepState.VALIDATED)


def test_step_6_2_view_shows_the_missing_fiche(login, people):
    shown_disabled(login, people, "2", steps.SUBMIT, "student", FICHE)


# --- 3: a complete fiche the head reads, and the contract approval ---------------

def test_step_6_3_complete_fiche_to_hand_in(people):
    """STEP-6: step 3 is handed in only on a complete fiche."""
    refused(people, "3", steps.SUBMIT, "student", FICHE)
    factories.fiche_typed(people["dossier"])
    assert moves(people, "3", steps.SUBMIT, "student", StepState.SUBMITTED)


def test_step_6_3_head_validates_after_approving_the_contract(people):
    """STEP-6, ELIG-9: the head validates step 3 once the contract is approved; the message names no rule."""
    factories.fiche_typed(people["dossier"])
    moves(people, "3", steps.SUBMIT, "student", StepState.SUBMITTED)
    refused(people, "3", steps.VALIDATE, "head", r"^\[\"Le responsable de département doit d'abord donner son accord")
    dossiers.dossier_approve_contract(dossier=people["dossier"], by=people["head"])
    assert moves(people, "3", steps.VALIDATE, "head", StepState.VALIDATED)


def test_step_6_3_view_shows_the_head_why_not_yet(login, people):
    factories.fiche_typed(people["dossier"])
    moves(people, "3", steps.SUBMIT, "student", StepState.SUBMITTED)
    shown_disabled(login, people, "3", steps.VALIDATE, "head", "doit d'abord donner son accord sur le contrat")


def test_step_6_3_row_links_to_the_fiche_the_head_reads(login, people):
    """STEP-6: step 3's row links the head to the fiche contact, which the head reads."""
    dossier = people["dossier"]
    client = login(people["head"])
    content = client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    html_row = content[content.index('id="etape-3"'):]
    fiche_url = reverse("conventions:fiche-edit", args=[dossier.pk])
    assert f'href="{fiche_url}"' in html_row[: html_row.index("</tr>")]
    assert client.get(fiche_url).status_code == 200


# --- 3': the home institution's approval ----------------------------------------

@pytest.fixture
def double_diploma(people):
    students.student_facts_update(
        student=people["dossier"].student, by=people["office"],
        values={"double_diploma_incoming": True, "home_institution": "Politecnico di Torino"},
    )
    return people


def test_step_6_3p_home_approval_uploaded(double_diploma):
    """STEP-6: step 3' needs the home institution's approval deposited."""
    refused(double_diploma, "3p", steps.SUBMIT, "student", "L'accord de l'établissement d'origine n'est pas encore déposé")
    factories.evidence(double_diploma["dossier"], "3p", office=double_diploma["office"])
    assert moves(double_diploma, "3p", steps.SUBMIT, "student", StepState.SUBMITTED)


def test_step_6_3p_view_shows_the_missing_approval(login, double_diploma):
    shown_disabled(login, double_diploma, "3p", steps.SUBMIT, "student", "L'accord de l'établissement d'origine")


# --- 4: a company and the CERFA's data without problems --------------------------

def test_step_6_4_cerfa_data_without_problems(people):
    """STEP-6: step 4 needs the CERFA's data entered with nothing in the way."""
    refused(people, "4", steps.SUBMIT, "student", "Le CERFA ne peut pas encore être établi : .*Remplissez les données du contrat")
    factories.cerfa_entered(people["dossier"])
    assert moves(people, "4", steps.SUBMIT, "student", StepState.SUBMITTED)
    assert moves(people, "4", steps.VALIDATE, "office", StepState.VALIDATED)


def test_step_6_4_no_company_refused(people):
    """STEP-6: without a company, step 4 says to name it first."""
    dossier = people["dossier"]
    dossier.company = None
    dossier.signataire = dossier.tuteur_entreprise = None
    dossier.save()
    refused(people, "4", steps.SUBMIT, "student", "Indiquez d'abord l'entreprise")


def test_step_6_4_view_shows_the_cerfa_problems(login, people):
    shown_disabled(login, people, "4", steps.SUBMIT, "student", "Le CERFA ne peut pas encore être établi")


# --- 4': the signed CERFA ---------------------------------------------------------

def test_step_6_4p_signed_cerfa_uploaded(people):
    refused(people, "4p", steps.SUBMIT, "student", "Le CERFA signé n'est pas encore déposé")
    factories.evidence(people["dossier"], "4p", office=people["office"])
    assert moves(people, "4p", steps.SUBMIT, "student", StepState.SUBMITTED)


def test_step_6_4p_view_shows_the_missing_signed_cerfa(login, people):
    shown_disabled(login, people, "4p", steps.SUBMIT, "student", "Le CERFA signé n'est pas encore déposé")


# --- 5, 5': a convention produced, then signed by the student and the company -----

def test_step_6_5_convention_produced(people):
    refused(people, "5", steps.SUBMIT, "student", "Aucune convention n'a encore été produite")
    factories.evidence(people["dossier"], "5", office=people["office"])
    assert moves(people, "5", steps.SUBMIT, "student", StepState.SUBMITTED)


def test_step_6_5_view_shows_no_convention_yet(login, people):
    shown_disabled(login, people, "5", steps.SUBMIT, "student", "Aucune convention n'a encore été produite")


def test_step_6_5p_student_and_company_signatures(people):
    """STEP-6: 5' waits for the company's signature on the version in force."""
    factories.convention_signed(people["dossier"], office=people["office"], parties=("eleve",))
    refused(people, "5p", steps.SUBMIT, "student", "attend encore la signature de l'entreprise")
    factories.convention_signed(people["dossier"], office=people["office"])
    assert moves(people, "5p", steps.SUBMIT, "student", StepState.SUBMITTED)
    assert moves(people, "5p", steps.VALIDATE, "office", StepState.VALIDATED)


def test_step_6_5p_signatures_of_an_older_version_do_not_count(people):
    """STEP-6, AMEND-1: a new version of the convention needs its own signatures."""
    factories.convention_signed(people["dossier"], office=people["office"])
    factories.convention_produced(people["dossier"])
    refused(people, "5p", steps.SUBMIT, "student", r"La convention \(version 2\) attend encore la signature de l'élève")


def test_step_6_5p_view_shows_the_missing_signatures(login, people):
    factories.convention_produced(people["dossier"])
    shown_disabled(login, people, "5p", steps.SUBMIT, "student", SIGNATURES)


# --- 6, 6', 7: the office's own steps -------------------------------------------

def test_step_6_6_needs_student_and_company_signatures(people):
    """STEP-6: the office (or the direction) validates 6 only on a convention the student and the company signed."""
    refused(people, "6", steps.VALIDATE, "office", "Aucune convention n'a encore été produite")
    factories.convention_signed(people["dossier"], office=people["office"], parties=("eleve",))
    refused(people, "6", steps.VALIDATE, "direction", SIGNATURES + " l'entreprise")
    factories.convention_signed(people["dossier"], office=people["office"])
    assert moves(people, "6", steps.VALIDATE, "direction", StepState.VALIDATED)


def test_step_6_6_view_shows_the_office_why_not_yet(login, people):
    shown_disabled(login, people, "6", steps.VALIDATE, "office", "Aucune convention n'a encore été produite")


def test_step_6_6p_needs_the_directions_signature(people):
    """STEP-6: 6' (the copy to the company) only once the direction signed."""
    factories.convention_signed(people["dossier"], office=people["office"])
    refused(people, "6p", steps.VALIDATE, "office", SIGNATURES + " la direction de l'école")
    factories.convention_signed(people["dossier"], office=people["office"], parties=("ecole",))
    assert moves(people, "6p", steps.VALIDATE, "office", StepState.VALIDATED)


def test_step_6_6p_view_shows_the_missing_school_signature(login, people):
    factories.convention_signed(people["dossier"], office=people["office"])
    shown_disabled(login, people, "6p", steps.VALIDATE, "office", "la direction de l'école")


def test_step_6_7_needs_the_signed_cerfa_and_the_fully_signed_convention(people):
    """STEP-6: 7 needs the signed CERFA, then the three signatures."""
    refused(people, "7", steps.VALIDATE, "office", "Le CERFA signé n'est pas encore déposé")
    factories.evidence(people["dossier"], "4p", office=people["office"])
    factories.convention_signed(people["dossier"], office=people["office"])
    refused(people, "7", steps.VALIDATE, "office", SIGNATURES + " la direction")
    factories.convention_signed(people["dossier"], office=people["office"], parties=("ecole",))
    assert moves(people, "7", steps.VALIDATE, "office", StepState.VALIDATED)


def test_step_6_7_view_shows_the_missing_cerfa(login, people):
    shown_disabled(login, people, "7", steps.VALIDATE, "office", "Le CERFA signé n'est pas encore déposé")


# --- A, B, C, F: the files; D: the fiche PFE; E: an incident --------------------

@pytest.mark.parametrize("code, message", [
    ("A", "Le rapport de Projet Entreprise n'est pas encore déposé"),
    ("B", "La fiche d'évaluation du tuteur entreprise n'est pas encore déposée"),
    ("C", "Le carnet de présence n'est pas encore au dossier"),
    ("F", "Le carnet de présence complet n'est pas encore au dossier"),
])
def test_step_6_a_b_c_f_their_document_uploaded(people, code, message):
    """STEP-6: A needs the report, B the tutor's evaluation, C and F the carnet (until attendance lands)."""
    refused(people, code, steps.SUBMIT, "student", message)
    factories.evidence(people["dossier"], code, office=people["office"])
    assert moves(people, code, steps.SUBMIT, "student", StepState.SUBMITTED)


def test_step_6_a_tutor_validates_only_with_the_report(people):
    """STEP-6: the tuteur école is never asked to validate A with no report: the hand-in needs it first."""
    refused(people, "A", steps.SUBMIT, "student", "rapport de Projet Entreprise")
    factories.evidence(people["dossier"], "A", office=people["office"])
    moves(people, "A", steps.SUBMIT, "student", StepState.SUBMITTED)
    assert moves(people, "A", steps.VALIDATE, "tutor", StepState.VALIDATED)


def test_step_6_a_view_shows_the_missing_report(login, people):
    shown_disabled(login, people, "A", steps.SUBMIT, "student", "Le rapport de Projet Entreprise n'est pas encore déposé")


def test_step_6_d_fiche_pfe_filled(people):
    refused(people, "D", steps.SUBMIT, "student", "La fiche PFE n'est pas encore remplie")
    factories.fiche_typed(people["dossier"])
    factories.evidence(people["dossier"], "D", office=people["office"])
    assert moves(people, "D", steps.SUBMIT, "student", StepState.SUBMITTED)


def test_step_6_d_view_shows_the_missing_fiche_pfe(login, people):
    shown_disabled(login, people, "D", steps.SUBMIT, "student", "La fiche PFE n'est pas encore remplie")


def test_step_6_e_an_incident_recorded(people):
    """STEP-6: step E attests an incident; without one recorded it is refused."""
    dossier = people["dossier"]
    DossierStep.objects.create(dossier=dossier, code="E", order=steps.ORDER["E"])  # as left by an incident since gone
    refused(people, "E", steps.SUBMIT, "student", "Aucun incident n'est enregistré")
    dossiers.incident_report(dossier=dossier, kind=Incident.Kind.ACCIDENT, start=dossier.start_date, by=people["student"])
    assert moves(people, "E", steps.SUBMIT, "student", StepState.SUBMITTED)


def test_step_6_e_view_shows_no_incident(login, people):
    DossierStep.objects.create(dossier=people["dossier"], code="E", order=steps.ORDER["E"])
    shown_disabled(login, people, "E", steps.SUBMIT, "student", "Aucun incident n'est enregistré")


# --- Messages, links, next ------------------------------------------------------

def test_step_6_reasons_name_no_rule_id(people):
    """STEP-6, French UI: no reason shown to people carries a rule id."""
    dossier = people["dossier"]
    evidence = steps.Evidence(dossier)
    for definition in steps.CATALOGUE:
        for action in steps.HAND_IN:
            reason = steps.blocking_reason(definition.code, action, evidence) or ""
            assert not re.search(r"\b[A-Z]{2,6}-\d+\b", reason), (definition.code, reason)


def test_step_6_rows_link_to_the_file_and_the_signatures(login, people):
    """STEP-6: a step's row links to its evidence: the file deposited, the convention's signatures."""
    dossier = factories.evidence(people["dossier"], "4p", "5p", office=people["office"])
    content = login(people["office"]).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    row_4p = content[content.index('id="etape-4p"'):]
    assert "/documents/" in row_4p[: row_4p.index("</tr>")]
    row_5p = content[content.index('id="etape-5p"'):]
    assert "#convention" in row_5p[: row_5p.index("</tr>")]


def test_step_6_step_action_goes_on_to_a_safe_next(login, people):
    """STEP-6: after a decision a work queue sends the office on to its next item; an outside next is ignored."""
    dossier = factories.evidence(people["dossier"], "4p", "7", office=people["office"])
    client = login(people["office"])
    url = reverse("conventions:step-action", args=[dossier.pk, "7"])
    response = client.post(url, {"action": "validate", "next": "https://ailleurs.example/"})
    assert response.url.endswith("#etape-7")
    steps.step_transition(step=row(dossier, "7"), action=steps.REOPEN, by=people["office"], comment="Encore.")
    response = client.post(url, {"action": "validate", "next": "/dossiers/?etat=soumis"})
    assert response.url == "/dossiers/?etat=soumis"


def test_step_6_htmx_decision_from_a_queue_opens_the_queue_again(login, people):
    """STEP-3: a decision made in place (htmx) on a dossier opened from « À
    faire » sends the browser back to the queue, its next item on top; a
    refused move stays on the row with its reason."""
    dossier = people["dossier"]
    client = login(people["office"])
    todo = reverse("conventions:todo")
    refused = client.post(
        reverse("conventions:step-action", args=[dossier.pk, "7"]), {"action": "validate", "next": todo},
        HTTP_HX_REQUEST="true",
    )
    assert "HX-Redirect" not in refused and refused.status_code == 200
    assert row(dossier, "7").state == "a_faire"
    factories.evidence(dossier, "4p", "7", office=people["office"])
    response = client.post(
        reverse("conventions:step-action", args=[dossier.pk, "7"]), {"action": "validate", "next": todo},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == todo
    assert row(dossier, "7").state == "valide"


def test_step_6_convention_panel_never_claims_a_copy_not_sent(login, people):
    """STEP-6: with the three signatures pending, the convention panel says
    nothing was sent, shows the signatures pending and both sending buttons
    disabled with their reasons; once 6' is really done it says so."""
    dossier, office = people["dossier"], people["office"]
    factories.convention_produced(dossier)
    client = login(office)
    url = reverse("conventions:dossier-detail", args=[dossier.pk])
    panel = client.get(url).content.decode()
    panel = panel[panel.index('id="convention"'):]
    assert "envoyée à l'entreprise" not in panel.replace("&#x27;", "'")
    assert panel.count("en attente") == 3
    assert 'disabled aria-describedby="send-6p-why"' in panel and 'disabled aria-describedby="send-7-why"' in panel
    factories.evidence(dossier, "6p", office=office)
    steps.step_transition(step=row(dossier, "6p"), action=steps.VALIDATE, by=office)
    panel = client.get(url).content.decode()
    assert "✓ 6'" in panel.replace("&#x27;", "'")
