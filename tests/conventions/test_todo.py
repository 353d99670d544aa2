"""Each role's « À faire » (ROLE-1…8): what awaits whom, oldest first, one
click from where to act, never another department's or another tutor's
student (ROLE-9); late obligations from the deadlines registry (STEP-2);
the student's next step; the navigation's number and the landing pages."""

import datetime
from urllib.parse import quote

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from contratpro import context_processors, roles
from conventions.companies import services as companies
from conventions.convention import sending
from conventions.convention import services as convention
from conventions.documents.models import DocumentKind
from conventions.documents.pdf import document_attach
from conventions.dossier import steps
from conventions.dossier.services import dossier_approve_contract
from conventions.fiche import services as fiche
from conventions.models import ChangeProposal, CompanyContact, DossierStep, PdfJob, Signature, StepState
from conventions.todo import queues
from conventions.todo.next_step import next_step_for
from tests import factories

pytestmark = pytest.mark.django_db

Party, Method = Signature.Party, Signature.Method
TODO = "/a-faire/"
NEXT = f"next={quote(TODO, safe='')}"

STUDENT_PART = {"company_activities": "Refonte de l'outil de planification.", "pfe_project": "Optimisation des tournées."}
COMPANY_PART = {
    "company_presentation": "Bureau d'études de 40 personnes, service logiciel.",
    "tutor_first_name": "Paul", "tutor_last_name": "Durand", "tutor_job": "Chef de projet",
    "tutor_email": "paul.durand@acme.example", "tutor_phone": "04 66 78 50 88", "tutor_experience_years": 6,
    "signatory_first_name": "Anne", "signatory_last_name": "Roux", "signatory_job": "Directrice générale",
    "signatory_email": "anne.roux@acme.example", "hr_email": "rh@acme.example", "hr_phone": "+33 4 66 78 50 00",
}


# --- People and dossiers ------------------------------------------------------

@pytest.fixture
def direction(db):
    return factories.UserFactory(username="direction", first_name="Paul", last_name="Directeur", groups=["Direction"])


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur", first_name="Marc", last_name="Tuteur", groups=["Enseignants"])


@pytest.fixture
def social(db):
    return factories.UserFactory(username="social", groups=["Service social"])


@pytest.fixture
def scolarite(db):
    return factories.UserFactory(username="scolarite", groups=["Scolarité"])


@pytest.fixture
def prism_head(db):
    """A colleague: the head of another department."""
    user = factories.UserFactory(username="respprism", groups=["Enseignants"])
    department = factories.department("PRISM")
    department.head = user
    department.save()
    return user


def a_dossier(year, *, name, department="2IA", **extra):
    """A dossier with a company whose signatory the office confirmed, its steps synced."""
    company = extra.pop("company", None) or factories.CompanyFactory()
    signatory = factories.CompanyContactFactory(company=company, role=CompanyContact.Role.SIGNATORY)
    first, _sep, last = name.partition(" ")
    student = factories.StudentFactory(
        year=year, department=factories.department(department),
        user=factories.UserFactory(first_name=first, last_name=last),
        **{key: extra.pop(key) for key in ("double_diploma_incoming",) if key in extra},
    )
    dossier = factories.DossierFactory(student=student, company=company, signataire=signatory, **extra)
    steps.steps_sync(dossier)
    return dossier


def row(dossier, code):
    return DossierStep.objects.get(dossier=dossier, code=code)


def at(days_ago):
    return timezone.now() - datetime.timedelta(days=days_ago)


def hand_in(dossier, code, *, days_ago=0, by=None):
    """The student hands step ``code`` in with what it needs (STEP-6): the
    document it takes, or the fiche contact typed; dated ``days_ago``."""
    student = dossier.student.user
    documents = {"3p": DocumentKind.ACCORD_ORIGINE, "4p": DocumentKind.CERFA_SIGNE, "A": DocumentKind.RAPPORT_PE,
                 "B": DocumentKind.EVALUATION_TUTEUR}
    if code in documents:
        document = document_attach(dossier=dossier, kind=documents[code], content=b"%PDF-1.4 piece", name="piece.pdf",
                                   by=student, step=code)
        if code == "A":
            factories.report_parts_ticked(document, by=student)  # EVAL-2: its four parts
    if code in ("2", "3"):
        type_fiche(dossier)
    moved = steps.step_transition(step=row(dossier, code), action=steps.SUBMIT, by=by or student)
    DossierStep.objects.filter(pk=moved.pk).update(updated_at=at(days_ago))
    return moved


def type_fiche(dossier):
    """Both parts of the fiche contact, typed by the student (DOC-1)."""
    company = dossier.company
    fiche.fiche_save_student_part(
        dossier=dossier, data=STUDENT_PART, by=dossier.student.user,
        company_data={"name": company.name, "siret": company.siret, "address": company.address,
                      "postal_code": company.postal_code, "city": company.city},
    )
    fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, by=dossier.student.user)
    dossier.refresh_from_db()


def items(user, key):
    """The items of ``user``'s section ``key``."""
    user = type(user).objects.get(pk=user.pk)  # a fresh request: nothing cached on the user
    queue = next((q for q in queues.queues_for(user) if q.section.key == key), None)
    assert queue is not None, f"{user} has no section {key}"
    return queue.items


def names(found):
    return [item.student_name for item in found]


@pytest.fixture
def produce(office, django_capture_on_commit_callbacks, tiny_pdf_layout):
    def _produce(dossier):
        with django_capture_on_commit_callbacks(execute=True):
            job = convention.convention_request(dossier=factories.convention_ready(dossier), by=office)
        job.refresh_from_db()
        assert job.status == PdfJob.Status.READY, job.error
        return job.document

    return _produce


def sign_first(document, office):
    """Student and company signatures, recorded from paper by the office (DOC-5)."""
    for party in (Party.STUDENT, Party.COMPANY):
        convention.convention_sign(document=document, party=party, method=Method.PAPER, signer_name="X Y", by=office)


def send_to_social(dossier, document, office, direction, capture):
    """Step 7: the fully signed convention and the signed CERFA to the service social (DOC-8)."""
    sign_first(document, office)
    convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="P D", by=direction)
    document_attach(dossier=dossier, kind=DocumentKind.CERFA_SIGNE, content=b"%PDF-1.4 c", name="c.pdf", by=office)
    with capture(execute=True):
        sending.convention_send(dossier=dossier, target=convention.TO_SOCIAL, by=office)


# --- The office (ROLE-2) -------------------------------------------------------

def test_role_2_office_queue_lists_submitted_steps_oldest_first_with_their_document(year, office, head, tutor):
    """ROLE-2, STEP-4: the office's queue holds the steps handed in that it
    validates, the oldest hand-in first, each line at the step's row of the
    dossier page with the way back to the queue, and the document it came with."""
    newer = a_dossier(year, name="Basile Newer")
    older = a_dossier(year, name="Agathe Older", tuteur_ecole=tutor)
    hand_in(newer, "1", days_ago=2)
    hand_in(older, "4p", days_ago=9)
    hand_in(older, "A", days_ago=20)  # the tutor's to validate, not the office's
    found = items(office, "office-steps")
    assert [(i.student_name, i.label) for i in found] == [
        ("Agathe Older", "Étape 4' : Transmettre une copie du CERFA signé au service"),
        ("Basile Newer", "Étape 1 : Informer le service Contrats pro et le responsable de département"),
    ]
    first = found[0]
    assert first.url == f"/dossiers/{older.pk}/?{NEXT}#etape-4p"
    assert first.since.date() == at(9).date()
    label, url = first.links[0]
    assert label == "CERFA 12434 signé (version 1)"
    assert url == reverse("conventions:document-download", args=[older.documents.get(kind=DocumentKind.CERFA_SIGNE).pk])


def test_role_2_validated_step_leaves_the_office_queue(year, office):
    """ROLE-2, STEP-3: once the office validates a step, the line is gone and the next one comes first."""
    one, two = a_dossier(year, name="Anne Un"), a_dossier(year, name="Bruno Deux")
    hand_in(one, "1", days_ago=3)
    hand_in(two, "1", days_ago=1)
    steps.step_transition(step=row(one, "1"), action=steps.VALIDATE, by=office)
    assert names(items(office, "office-steps")) == ["Bruno Deux"]


def test_doc_12_office_queue_lists_proposals_and_signatories_to_confirm(year, office):
    """DOC-12, ROLE-5: a change a student proposed to a shared company, and a
    signatory address a student typed, wait in the office's queue, each one
    click from the review page; deciding them empties the queue."""
    shared = factories.CompanyFactory(name="Cévennes Ingénierie", city="Alès")
    first = a_dossier(year, name="Anne Premier", company=shared)
    second = a_dossier(year, name="Bruno Second", company=shared)
    fiche.fiche_save_student_part(
        dossier=second, data=STUDENT_PART, by=second.student.user,
        company_data={"name": shared.name, "siret": shared.siret, "address": shared.address,
                      "postal_code": shared.postal_code, "city": "Nîmes"},
    )
    fiche.fiche_save_company_part(dossier=first, data=COMPANY_PART, by=first.student.user)  # signatory typed by the student
    proposals = items(office, "office-proposals")
    assert [(i.label, i.student_name, i.url) for i in proposals] == [
        ("Modification proposée : Cévennes Ingénierie", "Bruno Second", "/entreprises/a-verifier/#h-proposals")
    ]
    signatories = items(office, "office-signatories")
    assert [(i.label, i.student_name) for i in signatories] == [("Confirmer l'adresse de Anne Roux", "Anne Premier")]
    first.refresh_from_db()
    companies.contact_confirm_email(contact=first.signataire, dossier=first, by=office)
    companies.proposal_accept(proposal=ChangeProposal.objects.get(), by=office)
    assert items(office, "office-proposals") == [] and items(office, "office-signatories") == []


def test_doc_3_office_queue_lists_conventions_to_produce(year, office, produce):
    """DOC-3: a dossier with a company, contract dates and a signatory but no
    convention waits for the office to produce one; a dossier missing its
    signatory does not; once produced, the line is gone."""
    ready = a_dossier(year, name="Anne Prête")
    unready = a_dossier(year, name="Bruno Incomplet")
    type(unready).objects.filter(pk=unready.pk).update(signataire=None)
    found = items(office, "office-conventions")
    assert [(i.student_name, i.url) for i in found] == [("Anne Prête", f"/dossiers/{ready.pk}/?{NEXT}#convention")]
    produce(ready)
    assert items(office, "office-conventions") == []


def test_doc_5_office_queue_lists_paper_signatures_to_record(year, office, produce):
    """DOC-5: a convention whose signed scan arrived, still missing the
    student's and the company's signatures, waits for the office to record
    them; recorded, the line is gone. A convention nobody signed on paper is not listed."""
    waiting = a_dossier(year, name="Anne Papier")
    unsigned = a_dossier(year, name="Bruno Rien")
    document = produce(waiting)
    produce(unsigned)
    document_attach(dossier=waiting, kind=DocumentKind.CONVENTION_SIGNEE, content=b"%PDF-1.4 scan", name="scan.pdf",
                    by=waiting.student.user, step="5p")
    found = items(office, "office-paper")
    assert [(i.student_name, i.detail) for i in found] == [
        ("Anne Papier", "Convention version 1, signature manquante : Élève salarié, Entreprise")
    ]
    assert found[0].url == f"/dossiers/{waiting.pk}/?{NEXT}#convention"
    sign_first(document, office)
    assert items(office, "office-paper") == []


def test_step_2_office_late_section_says_what_is_late_and_by_whom(office, monkeypatch):
    """STEP-2: the office sees every obligation past its day and not done,
    the most overdue first, with who must act — the day after the deadline,
    not the day of it; a validated step is never late."""
    year = factories.AcademicYearFactory(start_year=2031)
    dossier = a_dossier(year, name="Anne Retard")
    done = a_dossier(year, name="Bruno Fait")
    DossierStep.objects.filter(dossier=done, code="5p").update(state=StepState.VALIDATED)  # done: never late
    due = row(dossier, "5p").deadline
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due)
    assert items(office, "office-late") == []  # the day of the deadline
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due + datetime.timedelta(days=1))
    late = items(office, "office-late")
    assert [(i.student_name, i.label, i.actor, i.late) for i in late] == [
        ("Anne Retard", "Étape 5' : Transmettre la convention signée au service", "Élève", True),
    ]
    assert late[0].due == due


def test_step_2_submitted_step_past_its_deadline_is_flagged_late(office, monkeypatch):
    """STEP-2: a step handed in after its deadline shows as late in the office's queue."""
    year = factories.AcademicYearFactory(start_year=2031)
    dossier = a_dossier(year, name="Anne Tard")
    hand_in(dossier, "4p")
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2031, 1, 1))
    assert [i.late for i in items(office, "office-steps")] == [False]
    row_4p = row(dossier, "4p")
    DossierStep.objects.filter(pk=row_4p.pk).update(deadline=datetime.date(2030, 12, 31))
    (item,) = items(office, "office-steps")
    assert (item.late, item.due) == (True, datetime.date(2030, 12, 31))


# --- The department head (ROLE-3, ELIG-9) ---------------------------------------

def test_role_3_head_queue_fiches_contract_approvals_and_home_approvals(year, head, prism_head, office):
    """ROLE-3, ELIG-9, STEP-5: the head of 2IA is asked to sign off the fiche
    (step 3), to approve the contract, and to validate a double diploma's
    home approval (step 3'), for 2IA's students only; the colleague of
    PRISM sees their own student only."""
    mine = a_dossier(year, name="Anne Mienne", double_diploma_incoming=True)
    theirs = a_dossier(year, name="Bruno Autre", department="PRISM")
    hand_in(mine, "3", days_ago=5)
    hand_in(mine, "3p", days_ago=4)
    hand_in(theirs, "3", days_ago=6)
    fiches = items(head, "head-fiches")
    assert [(i.student_name, i.url) for i in fiches] == [("Anne Mienne", f"/dossiers/{mine.pk}/?{NEXT}#etape-3")]
    assert fiches[0].detail == "Donnez d'abord votre accord sur le contrat : l'étape 3 se valide ensuite."
    approvals = items(head, "head-approvals")
    assert [(i.student_name, i.url) for i in approvals] == [("Anne Mienne", f"/dossiers/{mine.pk}/?{NEXT}#h-accord")]
    assert names(items(head, "head-home-approvals")) == ["Anne Mienne"]
    assert names(items(prism_head, "head-fiches")) == ["Bruno Autre"]
    assert names(items(prism_head, "head-approvals")) == ["Bruno Autre"]


def test_elig_9_approval_given_leaves_the_heads_queue(year, head):
    """ELIG-9: once the head approved the contract it leaves the queue; a dossier with no company yet is not listed."""
    approved = a_dossier(year, name="Anne Accord")
    pending = a_dossier(year, name="Bruno Attente")
    searching = a_dossier(year, name="Chloé Recherche")
    type(searching).objects.filter(pk=searching.pk).update(company=None, signataire=None)
    dossier_approve_contract(dossier=approved, by=head)
    assert names(items(head, "head-approvals")) == ["Bruno Attente"]
    assert pending.head_approval_at is None


def test_role_3_head_of_an_option_sees_its_students(year):
    """ROLE-3: the head of an option (not of the department) gets the queue of that option's students."""
    option_head = factories.UserFactory(username="respoption", groups=["Enseignants"])
    dossier = a_dossier(year, name="Anne Option")
    option = dossier.student.option
    option.head = option_head
    option.save()
    assert names(items(option_head, "head-approvals")) == ["Anne Option"]


# --- The direction (ROLE-7) ------------------------------------------------------

def test_role_7_direction_queue_lists_conventions_waiting_for_the_school(year, office, direction, produce):
    """ROLE-7, DOC-4: a convention signed by the student and the company
    waits for the school's signature, the document one click away; one the
    company has not signed is not listed; once the school signed, gone."""
    ready = a_dossier(year, name="Anne Signée")
    half = a_dossier(year, name="Bruno Moitié")
    document = produce(ready)
    half_document = produce(half)
    sign_first(document, office)
    convention.convention_sign(document=half_document, party=Party.STUDENT, method=Method.PAPER, signer_name="B M", by=office)
    (item,) = items(direction, "direction-signatures")
    assert (item.student_name, item.url) == ("Anne Signée", f"/dossiers/{ready.pk}/?{NEXT}#convention")
    assert item.links == (("Lire la convention", reverse("conventions:convention-download", args=[ready.pk, 1])),)
    assert item.since == document.signatures.order_by("-at").first().at
    convention.convention_sign(document=document, party=Party.SCHOOL, method=Method.PORTAL, signer_name="Paul Directeur", by=direction)
    assert items(direction, "direction-signatures") == []


# --- The tuteur école (ROLE-4) -----------------------------------------------------

def test_role_4_tutor_queue_lists_their_tutees_steps_only(year, tutor):
    """ROLE-4: the tutor is asked to validate the report (A) and the company
    tutor's grade (B) of their tutees, oldest first, with the file; another
    tutor's student never appears; every tutee is listed with what remains."""
    other_tutor = factories.UserFactory(username="autretuteur", groups=["Enseignants"])
    mine = a_dossier(year, name="Anne Tutorée", tuteur_ecole=tutor)
    theirs = a_dossier(year, name="Bruno Ailleurs", tuteur_ecole=other_tutor)
    hand_in(mine, "B", days_ago=1)
    hand_in(mine, "A", days_ago=3)
    hand_in(theirs, "A", days_ago=5)
    found = items(tutor, "tutor-steps")
    assert [(i.label, i.student_name) for i in found] == [
        ("Étape A : Remettre le rapport de Projet Entreprise au tuteur école", "Anne Tutorée"),
        ("Étape B : Transmettre la note du tuteur entreprise au tuteur école", "Anne Tutorée"),
    ]
    assert found[0].url == f"/dossiers/{mine.pk}/?{NEXT}#etape-A"
    assert found[0].links[0][0] == "Rapport de Projet Entreprise (version 1)"
    tutees = items(tutor, "tutor-tutees")
    assert [(i.student_name, i.detail.split(" · ")[-1]) for i in tutees] == [("Anne Tutorée", "Soumis : à vous de valider")]


# --- Service social and scolarité (ROLE-8) ---------------------------------------

def test_role_8_social_and_scolarite_see_the_copies_sent_newest_first(
    year, office, direction, social, scolarite, produce, django_capture_on_commit_callbacks
):
    """ROLE-8, DOC-8: the CERFA and convention copies sent (step 7) are
    listed for the service social and the scolarité, the newest first, with who sent them."""
    sent = []
    for name in ("Anne Premier", "Bruno Second"):
        dossier = a_dossier(year, name=name)
        send_to_social(dossier, produce(dossier), office, direction, django_capture_on_commit_callbacks)
        sent.append(dossier)
    for viewer in (social, scolarite):
        found = items(viewer, "sent-copies")
        assert names(found) == ["Bruno Second", "Anne Premier"]
        assert found[0].actor == office.get_full_name()
        assert found[0].url == f"/dossiers/{sent[1].pk}/#documents"


# --- Access (ROLE-9) -------------------------------------------------------------

def test_role_9_student_has_no_queue_and_is_sent_to_their_dossier(year, login):
    """ROLE-1, ROLE-9: a student has no « À faire » page: it sends them to Mon dossier."""
    dossier = a_dossier(year, name="Anne Élève")
    response = login(dossier.student.user).get(TODO)
    assert response.status_code == 302 and response.url == reverse("conventions:my-dossier")


def test_role_9_each_queue_shows_the_viewers_own_sections_only(year, office, head, tutor, direction, social, login):
    """ROLE-9: each role's page holds its own sections, never another's."""
    seen = {}
    for user in (office, head, tutor, direction, social):
        content = login(user).get(TODO).content.decode()
        seen[user.username] = {key for key in queues._SECTIONS if f'id="{key}"' in content}
    assert seen == {
        "bureau": {"office-steps", "office-paper", "office-conventions", "office-proposals", "office-signatories", "office-late"},
        "resp2ia": {"head-fiches", "head-approvals", "head-home-approvals", "head-absences"},
        "tuteur": set(),  # tutors nobody yet: no role of tutor
        "direction": {"direction-signatures"},
        "social": {"sent-copies"},
    }


def test_role_6_teacher_without_tutees_has_nothing_waiting(login):
    """ROLE-6: a teacher with no tutee sees an empty « À faire » that says so."""
    teacher = factories.UserFactory(username="prof", groups=["Enseignants"])
    content = login(teacher).get(TODO).content.decode()
    assert "Rien ne vous attend." in content


def test_role_2_page_renders_items_with_counts_and_the_list_one_click_away(year, office, login):
    """ROLE-2: the page shows each section's count, its lines with their
    action, the empty sections' meaning, and the list of every dossier."""
    dossier = a_dossier(year, name="Anne Page")
    hand_in(dossier, "1", days_ago=1)
    content = login(office).get(TODO).content.decode()
    assert f'href="/dossiers/{dossier.pk}/?{NEXT}#etape-1"' in content
    assert 'class="table table-stack' in content and 'data-label="Élève"' in content
    assert "Aucune modification d&#x27;entreprise n&#x27;attend votre décision." in content
    assert f'href="{reverse("conventions:dossier-list")}"' in content
    assert "DOC-" not in content and "ROLE-" not in content and "STEP-" not in content


# --- Home and navigation ---------------------------------------------------------

def test_role_1_to_8_each_role_lands_on_its_queue_the_student_on_their_dossier(year, office, head, direction, social, scolarite, login):
    """ROLE-1…8: every role with a queue lands on « À faire »; the student on
    Mon dossier; a tutor once they tutor someone."""
    tutor = factories.UserFactory(username="tuteur", groups=["Enseignants"])
    dossier = a_dossier(year, name="Anne Accueil", tuteur_ecole=tutor)
    for user in (office, head, direction, social, scolarite, tutor):
        assert login(user).get("/").url == TODO, user.username
    assert login(dossier.student.user).get("/").url == reverse("conventions:my-dossier")


def _portal(user, **headers):
    """The context processor's answer for a request of ``user`` (fetched afresh by the caller)."""
    request = RequestFactory().get("/", **headers)
    request.user = user
    request.htmx = bool(headers)
    return context_processors.portal(request)


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_role_3_navigation_counts_what_awaits_the_head(year, head, django_assert_num_queries):
    """ROLE-3: the navigation links to « À faire » with the number of things
    waiting (approvals and fiches), read in one query when shown."""
    one, two = a_dossier(year, name="Anne Un"), a_dossier(year, name="Bruno Deux")
    hand_in(one, "3")
    user = fresh(head)
    with django_assert_num_queries(1):  # the roles; nothing counted until the number is shown
        context = _portal(user)
    assert context["nav_todo_url"] == TODO
    with django_assert_num_queries(1):  # every section's count, in one query, once
        assert context["nav_todo_count"] == 3  # the approvals of both, the fiche of one
        assert context["nav_todo_count"]() == 3  # as a template reads it: a plain int
    assert two.head_approval_at is None


def test_role_1_navigation_has_no_queue_for_the_student_nor_a_count_for_htmx(year, office, django_assert_num_queries):
    """ROLE-1: no « À faire » link for a student; an htmx partial counts nothing."""
    dossier = a_dossier(year, name="Anne Élève")
    assert _portal(fresh(dossier.student.user))["nav_todo_url"] is None
    user = fresh(office)
    with django_assert_num_queries(1):  # the roles, nothing counted
        context = _portal(user, HTTP_HX_REQUEST="true")
    assert (context["nav_todo_url"], context["nav_todo_count"]) == (TODO, 0)


def test_role_2_navigation_count_leaves_out_what_is_only_to_watch(year, office, monkeypatch):
    """ROLE-2: late obligations are shown, not counted: the number is what the office decides."""
    dossier = a_dossier(year, name="Anne Compte")
    type(dossier).objects.filter(pk=dossier.pk).update(signataire=None)  # no convention to produce
    hand_in(dossier, "1")
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2027, 6, 1))
    assert len(items(office, "office-late")) > 0
    assert queues.nav_count(fresh(office)) == 1


# --- Query counts (STYLE §6) -------------------------------------------------------

def _world(year, n, *, office, head, tutor, direction, produce, django_capture_on_commit_callbacks):
    """``n`` dossiers of each sort: steps handed in (the office's, the
    head's, the tutor's), copies sent, conventions signed by the first
    parties, signed scans to record, conventions to produce, contracts to
    approve, changes proposed to a shared company, late steps."""
    for index in range(n):
        dossier = a_dossier(year, name=f"Élève{index} Nom{index}", tuteur_ecole=tutor)
        hand_in(dossier, "1")
        hand_in(dossier, "3")  # its signatory typed by the student: an address to confirm
        hand_in(dossier, "A")
        send_to_social(dossier, produce(dossier), office, direction, django_capture_on_commit_callbacks)
        waiting = a_dossier(year, name=f"Signée{index} Nom{index}")
        sign_first(produce(waiting), office)  # for the direction to sign
        scanned = a_dossier(year, name=f"Scan{index} Nom{index}")
        produce(scanned)
        document_attach(dossier=scanned, kind=DocumentKind.CONVENTION_SIGNEE, content=b"%PDF-1.4 s", name="s.pdf",
                        by=office, step="5p")
        other = a_dossier(year, name=f"Autre{index} Nom{index}", company=dossier.company)  # to produce, to approve
        fiche.fiche_save_student_part(
            dossier=other, data=STUDENT_PART, by=other.student.user,
            company_data={"name": other.company.name, "siret": other.company.siret, "address": "1 rue Neuve",
                          "postal_code": "30100", "city": "Alès"},
        )


# What each page reads, whatever the number of rows: the user with its
# roles (the session comes from the cache), every section's count in one
# query, then each section with something in it: its rows, and the
# documents its lines link to. An empty section reads nothing. Every page
# adds the footer's office contact (the school's identity, CONTACT-1).
PAGE_QUERIES = {
    # user, counts, steps handed in + their documents, paper signatures,
    # conventions to produce, proposals, signatories, late steps (the
    # deadlines registry: one query per source — steps, certificates,
    # ruptures, the S9 report grade, the PFE, billing, the OPCO deposit) + their dossiers.
    "bureau": 17,
    # user, counts, fiches + their documents, approvals (no double diploma: 3' reads nothing).
    "resp2ia": 6,
    # user, counts, steps handed in + their documents, tutees + their steps A, B, D.
    "tuteur": 7,
    # user, counts, conventions waiting for the school.
    "direction": 4,
    # user, copies sent (nothing counted: no count query).
    "social": 3,
}


@pytest.mark.parametrize("username", sorted(PAGE_QUERIES))
def test_role_1_to_8_todo_pages_read_a_fixed_number_of_queries(
    username, year, office, head, tutor, direction, social, login, produce, django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    """STYLE §6, ROLE-2…8: each role's « À faire » costs the same number of
    queries with 2 and with 6 dossiers of each sort (N and 3N)."""
    users = {"bureau": office, "resp2ia": head, "tuteur": tutor, "direction": direction, "social": social}
    client = login(users[username])
    counts = []
    for n in (2, 4):
        _world(year, n, office=office, head=head, tutor=tutor, direction=direction, produce=produce,
               django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
        with django_assert_num_queries(PAGE_QUERIES[username]) as captured:
            response = client.get(TODO)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- The student's next step (ROLE-1) ---------------------------------------------

@pytest.fixture
def future(db):
    """A year whose deadlines are all ahead: nothing is late (STEP-2)."""
    return factories.AcademicYearFactory(start_year=2031)


def detail_dossier(dossier):
    """The dossier as its page reads it: steps prefetched, fiche and CERFA joined."""
    return type(dossier).objects.for_detail().select_related("fiche_contact", "cerfa").prefetch_related("steps").get(
        pk=dossier.pk
    )


def test_role_1_next_step_is_the_fiche_first(future):
    """ROLE-1, STEP-1: with step 1 handed in, the next step is the fiche contact, its form one click away."""
    dossier = a_dossier(future, name="Anne Début")
    hand_in(dossier, "1")
    step = next_step_for(detail_dossier(dossier), dossier.student.user)
    assert (step.code, step.button, step.url) == ("2", "Remplir la fiche contact", f"/dossiers/{dossier.pk}/fiche/")
    assert step.why.startswith("La fiche contact décrit votre entreprise")


def test_role_1_next_step_refused_comes_first_with_the_comment(future, office):
    """ROLE-1, STEP-3: a refused step comes before anything else, with the office's reason."""
    dossier = a_dossier(future, name="Anne Refus")
    hand_in(dossier, "1")
    hand_in(dossier, "4p")
    steps.step_transition(step=row(dossier, "4p"), action=steps.REFUSE, by=office, comment="Le CERFA n'est pas signé.")
    step = next_step_for(detail_dossier(dossier), dossier.student.user)
    assert (step.code, step.why) == ("4p", "Refusée : Le CERFA n'est pas signé.")
    assert step.button == "Marquer comme soumis"  # its document is there: hand it in again


def test_step_2_next_step_late_comes_before_the_next_in_order(office, monkeypatch):
    """STEP-2, ROLE-1: an open step past its deadline comes before earlier steps, flagged late with its date."""
    year = factories.AcademicYearFactory(start_year=2031)
    dossier = a_dossier(year, name="Anne Tard")
    due = row(dossier, "5p").deadline
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due + datetime.timedelta(days=1))
    step = next_step_for(detail_dossier(dossier), dossier.student.user)
    assert (step.code, step.late, step.due, step.button) == ("5p", True, due, "Déposer la convention signée")
    assert step.url == f"/dossiers/{dossier.pk}/?kind=convention_signee&step=5p#documents"


def test_role_1_next_step_waits_for_the_office_when_nothing_is_the_students(future, office):
    """ROLE-1: when every step of the student's is handed in, the card says who acts now."""
    dossier = a_dossier(future, name="Anne Attente")
    for code in [r.code for r in dossier.steps.all()]:
        definition = steps.BY_CODE[code]
        if roles.Actor.STUDENT in definition.submitters and not definition.direct:
            DossierStep.objects.filter(dossier=dossier, code=code).update(state=StepState.SUBMITTED)
    step = next_step_for(detail_dossier(dossier), dossier.student.user)
    assert step.title == "Rien à faire pour l'instant"
    assert step.waiting_for == "Service Contrats Pro"
    assert step.url == f"/dossiers/{dossier.pk}/#etape-1"


def test_role_1_next_step_done_once_every_step_is_validated(future):
    """ROLE-1: a dossier whose steps are all validated says the démarche is over."""
    dossier = a_dossier(future, name="Anne Fin")
    DossierStep.objects.filter(dossier=dossier).update(state=StepState.VALIDATED)
    step = next_step_for(detail_dossier(dossier), dossier.student.user)
    assert step.done and step.title == "Démarche terminée"


def test_role_1_next_step_is_the_students_only(future, office, head):
    """ROLE-1, ROLE-9: the card is the student's: nobody else gets one."""
    dossier = a_dossier(future, name="Anne Seule")
    assert next_step_for(detail_dossier(dossier), office) is None
    assert next_step_for(detail_dossier(dossier), head) is None


def test_role_1_next_step_signs_the_produced_convention(future, office, produce):
    """ROLE-1, DOC-4: once the convention is produced, the student's step 5 is to sign it."""
    dossier = a_dossier(future, name="Anne Signe")
    for code in ("1", "2", "3", "3p", "4", "4p"):
        DossierStep.objects.filter(dossier=dossier, code=code).update(state=StepState.VALIDATED)
    page = detail_dossier(dossier)
    assert next_step_for(page, dossier.student.user).waiting_for == "Service Contrats Pro"  # no convention yet
    produce(dossier)
    step = next_step_for(detail_dossier(dossier), dossier.student.user)
    assert (step.code, step.button, step.url) == ("5", "Signer la convention", f"/dossiers/{dossier.pk}/#convention")


def test_role_1_next_step_adds_no_query_on_the_dossier_page(future, django_assert_num_queries):
    """STYLE §6: on a dossier read as its page reads it, with its documents
    already read, the card costs no query."""
    from conventions.documents.views import dossier_documents

    dossier = a_dossier(future, name="Anne Rapide")
    hand_in(dossier, "1")
    page = detail_dossier(dossier)
    dossier_documents(page)
    roles.roles_of(page.student.user)  # read with the user at sign-in
    with django_assert_num_queries(0):
        assert next_step_for(page, page.student.user).code == "2"
