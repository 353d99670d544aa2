"""``manage.py demo``: the demo year, its calendar, one login per role, the
fiches contact typed in June and the démarche as it stands on 21 November
2026, built by the demo builders each room registers."""

import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from contratpro.models import User
from conventions.demo.story import story_dossiers
from conventions.dossier import deadlines, steps
from conventions.links.services import link_create
from conventions.models import (
    ChangeProposal,
    Company,
    CompanyContact,
    Dossier,
    DossierStep,
    ExternalLink,
    FicheContact,
    Incident,
    LinkUse,
    OpcoDeposit,
    ReminderClaim,
    StepState,
)
from conventions.reminders import opco
from grading.models import BaremeLine, StepScore
from grading.scoring import dossier_scoresheet
from students import eligibility, programme
from students.models import (
    AcademicYear,
    CalendarPeriod,
    Department,
    Event,
    InfoMeeting,
    Student,
)
from tests import factories

PASSWORD = "contratpro-demo"
TODAY = datetime.date(2026, 11, 21)  # the day the demo's story stands


def run_demo(**options):
    """Run the command; return its output."""
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def demo_loaded(django_db_setup, django_db_blocker):
    """Run the demo once for the module (it takes seconds): each test then
    works inside its own transaction, rolled back, on top of it. The flush
    at the end empties the tables; post_migrate reloads the shipped data."""
    with django_db_blocker.unblock():
        run_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def snapshot():
    """Row counts and last-change stamps of everything the command writes."""
    return {
        "counts": [
            m.objects.count()
            for m in (
                User, Student, Dossier, Company, CompanyContact, CalendarPeriod, InfoMeeting,
                DossierStep, Event, StepScore, Incident, BaremeLine, Event,
                FicheContact, ChangeProposal, ExternalLink, LinkUse,
            )
        ],
        "dossiers": sorted(Dossier.objects.values_list("pk", "updated_at", "head_approval_at")),
        "steps": sorted(DossierStep.objects.values_list("pk", "state", "deadline", "comment", "updated_at")),
        "scores": sorted(StepScore.objects.values_list("pk", "points", "at")),
        "students": sorted(Student.objects.values_list(*(f.attname for f in Student._meta.concrete_fields))),
        "attendance": sorted(InfoMeeting.attendees.through.objects.values_list("pk", "infomeeting_id", "student_id")),
        "passwords": sorted(User.objects.values_list("username", "password")),
    }


@pytest.mark.django_db
def test_demo_is_idempotent():
    """A second run finds every row by its natural key, moves no step and
    scores nothing again (STEP-3, SCORE-1): no duplicate, no write, no event."""
    run_demo()
    first = snapshot()
    output = run_demo()
    assert snapshot() == first
    assert "Lignes créées : 0 ; mises à jour : 0 ; supprimées : 0" in output
    assert "Démarche au 21/11/2026 :" in output
    assert "notes de conduite de 6,25 à 13,75/20" in output


@pytest.mark.django_db
def test_demo_restores_its_facts_and_attendance_on_a_second_run():
    """Facts and attendance edited by hand come back to the demo's on the
    next run, and only those rows are written."""
    run_demo()
    first = snapshot()
    student = Student.objects.get(user__username="eleve")
    Student.objects.filter(pk=student.pk).update(resit_s5=True)
    student.info_meetings.clear()
    output = run_demo()
    assert snapshot()["students"] == first["students"]
    assert student.info_meetings.count() == 1
    assert "Lignes créées : 1 ; mises à jour : 1 ; supprimées : 0" in output


@pytest.mark.django_db
def test_demo_refuses_a_database_with_other_accounts_when_debug_is_off():
    """The demo creates a superuser with a public password: with DEBUG off (as
    in tests and production) a database holding other accounts is refused."""
    factories.UserFactory(username="vraie.personne")
    before = snapshot()
    with pytest.raises(CommandError, match="DEBUG est désactivé et cette base contient d'autres comptes"):
        run_demo()
    assert snapshot() == before


@pytest.mark.django_db
def test_demo_runs_on_such_a_database_when_forced():
    """``--force`` overrides the refusal, for a staging copy for instance."""
    factories.UserFactory(username="vraie.personne")
    run_demo(force=True)
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "landing"),
    [
        # Every role with a queue lands on its « À faire » (contratpro.roles.home_url).
        ("bureau", "/a-faire/"),  # ROLE-2
        ("direction", "/a-faire/"),  # ROLE-7
        ("social", "/a-faire/"),  # ROLE-8
        ("scolarite", "/a-faire/"),  # ROLE-8
        ("resp2ia", "/a-faire/"),  # ROLE-3
        ("tuteur", "/a-faire/"),  # ROLE-4
        ("enseignant", "/mes-seances/"),  # ROLE-6, tutoring nobody: the sessions to sign
        ("eleve", "/mon-dossier/"),  # ROLE-1
    ],
)
def test_role_1_to_8_each_demo_login_lands_on_its_page(client, username, landing):
    """ROLE-1…ROLE-8: each demo login signs in with the demo password and the
    home page sends it to its role's page."""
    response = client.post("/connexion/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the demo password was refused"
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == landing


@pytest.mark.django_db
def test_role_1_demo_student_reaches_their_complete_dossier(client):
    """ROLE-1: ``eleve``'s own page is their 2IA « Ingénierie logicielle »
    dossier, complete: company, CDD, dates and both tutors."""
    dossier = Dossier.objects.get(student__user__username="eleve")
    client.post("/connexion/", {"username": "eleve", "password": PASSWORD})
    response = client.get("/mon-dossier/")
    assert response.url == f"/dossiers/{dossier.pk}/"
    assert client.get(response.url).status_code == 200
    assert (dossier.student.department.code, dossier.student.option.name) == ("2IA", "Ingénierie logicielle")
    assert dossier.contract_type == Dossier.ContractType.CDD
    assert (dossier.start_date, dossier.end_date) == (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
    assert dossier.tuteur_ecole.username == "tuteur"
    assert dossier.tuteur_entreprise.company == dossier.signataire.company == dossier.company


@pytest.mark.django_db
def test_role_3_every_department_has_a_head():
    """ROLE-3: each of the six departments has a demo head."""
    heads = dict(Department.objects.values_list("code", "head__username"))
    assert heads == {
        "2ER": "resp2er",
        "ECOMAP": "respecomap",
        "2IA": "resp2ia",
        "GCBD": "respgcbd",
        "PRISM": "respprism",
        "ISERM": "respiserm",
    }


@pytest.mark.django_db
def test_demo_students_cover_every_department_and_situation():
    """About thirty students over the six departments, in varied situations:
    contract signed, company without contract, still looking, no dossier; and
    varied eligibility facts (ELIG-2, 3, 5, 6, 7, 8)."""
    students = Student.objects.all()
    dossiers = Dossier.objects.all()
    assert 28 <= students.count() <= 32
    codes = set(students.values_list("department__code", flat=True))
    assert codes == {"2ER", "ECOMAP", "2IA", "GCBD", "PRISM", "ISERM"}
    assert dossiers.filter(company__isnull=True).count() >= 3
    assert dossiers.filter(company__isnull=False, contract_type="").count() >= 2
    assert students.filter(dossiers__isnull=True).count() >= 2
    assert dossiers.filter(tuteur_ecole__isnull=True).exclude(contract_type="").exists()
    assert dossiers.filter(tuteur_ecole__username="tuteur").count() >= 5
    assert dossiers.exclude(start_date=datetime.date(2026, 9, 1)).exclude(start_date=None).exists()
    assert students.filter(sio_validated=False).exists()
    assert students.filter(toeic_validated=False).exists()
    assert students.filter(scholarship_holder=True).count() == 2
    assert students.filter(double_diploma_incoming=True).exclude(home_institution="").exists()
    assert students.filter(international_mobility=True).exists()
    assert students.filter(foreign_national=True).count() >= 2


@pytest.mark.django_db
def test_doc_7_demo_data_passes_model_validation():
    """DOC-7: every demo company has a valid SIRET, and every demo row passes
    its model's ``full_clean()`` (12-month contracts, contacts of the
    dossier's company)."""
    for model in (Company, CompanyContact, Student, Dossier, AcademicYear, CalendarPeriod):
        for obj in model.objects.all():
            obj.full_clean()
    assert Company.objects.count() >= 15


@pytest.mark.django_db
def test_cal_4_demo_year_has_an_alternation_calendar():
    """CAL-1, CAL-4: the 2026/2027 year carries its dates and a calendar of
    school, Projet Entreprise, exam, holiday and PFE periods; the 7-week PE
    is shared by every track (CAL-2)."""
    year = AcademicYear.objects.get(start_year=2026)
    assert (year.rentree, year.christmas_start, year.pfe_start) == (
        datetime.date(2026, 9, 1),
        datetime.date(2026, 12, 19),
        datetime.date(2027, 3, 1),
    )
    shared = year.periods.filter(department=None)
    assert set(shared.values_list("kind", flat=True)) >= {"ecole", "pe", "examens", "conges"}
    pe = shared.get(kind=CalendarPeriod.Kind.PE)
    assert (pe.end - pe.start).days + 3 == programme.PE_WEEKS * 7
    pfe = year.periods.get(department__code="2IA", kind=CalendarPeriod.Kind.PFE)
    assert (pfe.start, (pfe.end - pfe.start).days + 1) == (year.pfe_start, 26 * 7)


@pytest.mark.django_db
def test_cal_3_gcbd_pfe_is_25_weeks_after_a_march_school_week():
    """CAL-3: GCBD's PFE lasts 25 weeks and the first week of March 2027 is
    taught at school; GCBD sees no other PFE period."""
    year = AcademicYear.objects.get(start_year=2026)
    gcbd = Department.objects.get(code="GCBD")
    periods = year.periods_for(gcbd)
    pfe = periods.get(kind=CalendarPeriod.Kind.PFE)
    monday, friday = programme.first_week_of_march(2027)
    assert (pfe.end - pfe.start).days + 1 == 25 * 7
    assert pfe.start == friday + datetime.timedelta(days=3)
    assert periods.filter(department=gcbd, kind=CalendarPeriod.Kind.SCHOOL, start=monday, end=friday).exists()


def demo_eligibility():
    """Each demo student's eligibility on the rentrée, by username."""
    students = eligibility.students_with_facts(Student.objects.all())
    return {s.user.username: eligibility.evaluate(s, today=datetime.date(2026, 9, 1)) for s in students}


@pytest.mark.django_db
def test_elig_1_demo_year_has_two_info_meetings_most_students_attended():
    """ELIG-1: the 2026/2027 year has its two information meetings; all
    students but two attended one of them."""
    output = run_demo()
    year = AcademicYear.objects.get(start_year=2026)
    meetings = InfoMeeting.objects.filter(year=year)
    assert list(meetings.values_list("date", flat=True)) == [datetime.date(2026, 3, 12), datetime.date(2026, 5, 20)]
    assert meetings[0].attendees.count() > meetings[1].attendees.count() > 0
    absent = Student.objects.exclude(info_meetings__year=year)
    assert sorted(absent.values_list("user__username", flat=True)) == ["eleve25", "eleve29"]
    assert "Réunions d'information : 2 (30 élèves présents, 2 absents)" in output


@pytest.mark.django_db
def test_elig_1_to_8_demo_blocked_students_have_no_contract():
    """ELIG-1…8: every student whose contract is drawn up passes the
    blocking checks; the blocked ones have no dossier or no company yet,
    one per blocking rule: missed meeting, S6 resit, mobility abroad, no
    approval from the home institution."""
    results = demo_eligibility()
    blocked = {name: [c.rule for c in e.blocking] for name, e in results.items() if e.blocking}
    assert blocked == {
        "eleve06": ["ELIG-5"],
        "eleve15": ["ELIG-7"],
        "eleve16": ["ELIG-4"],
        "eleve25": ["ELIG-1"],
        "eleve29": ["ELIG-1"],
    }
    for name in blocked:
        dossier = Dossier.objects.filter(student__user__username=name).first()
        assert dossier is None or dossier.company_id is None, name
    contracted = Dossier.objects.exclude(contract_type="").values_list("student__user__username", flat=True)
    assert len(contracted) >= 15
    assert not set(contracted) & set(blocked)


@pytest.mark.django_db
def test_elig_4_6_7_demo_shows_the_non_blocking_cases():
    """ELIG-4: an S8 resit alone is fine; ELIG-6: one permit fine, one
    expiring on 30/06/2027 before the contract ends (warning); ELIG-7: a
    double diploma with the home approval recorded."""
    results = demo_eligibility()
    assert results["eleve22"].get("ELIG-4").status == eligibility.OK
    assert "S8" in results["eleve22"].get("ELIG-4").message
    assert results["eleve04"].get("ELIG-6").status == eligibility.OK
    assert results["eleve20"].get("ELIG-6").status == eligibility.WARNING
    assert "30 juin 2027" in results["eleve20"].get("ELIG-6").message
    assert results["eleve10"].get("ELIG-7").status == eligibility.OK
    assert results["eleve15"].get("ELIG-6").status == eligibility.OK


def demo_steps(username):
    """The state of each step of a demo student's dossier, by code."""
    return dict(DossierStep.objects.filter(dossier__student__user__username=username).values_list("code", "state"))


@pytest.mark.django_db
def test_step_2_demo_shows_overdue_conventions_and_reports_not_due_yet():
    """STEP-2: on 21/11/2026 two contracts drawn up still miss their signed
    convention (5', due 18/08/2026, two weeks before the rentrée): overdue.
    The reports A and B handed in are due 18/12/2026, before Christmas: not
    overdue yet."""
    overdue = DossierStep.objects.filter(deadline__lt=TODAY).exclude(state=StepState.VALIDATED)
    late = overdue.filter(code="5p").exclude(dossier__contract_type="")
    assert sorted(late.values_list("dossier__student__user__username", "state")) == [
        ("eleve07", StepState.SUBMITTED),
        ("eleve21", StepState.TODO),
    ]
    assert set(late.values_list("deadline", flat=True)) == {datetime.date(2026, 8, 18)}
    handed_in = DossierStep.objects.filter(code__in=["A", "B"], state=StepState.SUBMITTED)
    assert handed_in.count() >= 5
    assert set(handed_in.values_list("deadline", flat=True)) == {datetime.date(2026, 12, 18)}


@pytest.mark.django_db
def test_step_2_demo_dossiers_stand_where_their_situation_says():
    """STEP-1, STEP-2: every demo dossier has its steps with their deadlines;
    a contract drawn up has 1 to 5' validated (but for the late or refused
    ones), a company found without contract stops at step 3, a student still
    looking at step 1."""
    for dossier in Dossier.objects.all():
        codes = set(dossier.steps.values_list("code", flat=True))
        assert {"1", "2", "3", "4", "4p", "5", "5p", "6", "6p", "7", "A", "B", "C", "D", "F"} <= codes
    assert set(demo_steps("eleve").items()) >= {("5p", StepState.VALIDATED), ("6", StepState.VALIDATED),
                                               ("A", StepState.SUBMITTED), ("D", StepState.TODO)}
    assert demo_steps("eleve19")["4"] == StepState.REFUSED
    assert demo_steps("eleve20")["3"] == demo_steps("eleve26")["3"] == StepState.SUBMITTED
    assert demo_steps("eleve20")["4"] == StepState.TODO
    assert demo_steps("eleve11")["1"] == StepState.SUBMITTED
    assert set(demo_steps("eleve05").values()) == {StepState.VALIDATED, StepState.TODO}
    assert DossierStep.objects.get(code="F", dossier__student__user__username="eleve").deadline == (
        datetime.date(2027, 2, 26)
    )


@pytest.mark.django_db
def test_step_3_every_demo_step_change_is_in_the_timeline():
    """STEP-3: each step got to its state through recorded moves: replaying
    its events from « à faire », in the timeline's order, ends in its state,
    each move with its author; the refused CERFA carries the office's comment."""
    events = defaultdict(list)
    for event in Event.objects.filter(verb__startswith="conventions.step.").order_by("at", "pk"):
        events[(event.dossier_id, event.step)].append(event)
    for step in DossierStep.objects.all():
        state = StepState.TODO
        for event in events.pop((step.dossier_id, step.code), []):
            assert (event.from_state, event.actor_id is not None) == (state, True), step
            state = event.to_state
        assert state == step.state, step
    assert not events
    refused = DossierStep.objects.get(state=StepState.REFUSED)
    comment = "Il manque le code IDCC et la rémunération brute mensuelle."
    assert (refused.code, refused.comment) == ("4", comment)
    event = Event.objects.get(verb="conventions.step.refuse")
    assert (event.actor.username, event.comment) == ("bureau", comment)


@pytest.mark.django_db
def test_step_1_elig_9_demo_steps_are_moved_by_their_actors():
    """STEP-1, ELIG-9: the student hands a step in, its validators move it
    on: the head validates step 3 once they approved the contract, the
    direction signs 6, the tuteur école validates A and B, the office the rest."""
    step_events = Event.objects.filter(verb__startswith="conventions.step.").select_related(
        "actor", "dossier__student__department", "dossier__student__option"
    )
    for event in step_events:
        definition = steps.BY_CODE[event.step]
        allowed = definition.submitters if event.verb.endswith(".submit") else definition.validators
        assert steps.actors_of(event.actor, event.dossier) & allowed, event
    for event in step_events.filter(step="3", verb="conventions.step.validate"):
        assert event.actor == event.dossier.student.department.head
        assert event.dossier.head_approval_at < event.at
    assert set(step_events.filter(step="6").values_list("actor__username", flat=True)) == {"direction"}
    validated_a = step_events.get(step="A", verb="conventions.step.validate")
    assert validated_a.actor.username == "tuteur" == validated_a.dossier.tuteur_ecole.username
    pending = Dossier.objects.get(student__user__username="eleve20")
    assert pending.head_approval_at is None


@pytest.mark.django_db
def test_step_5_demo_step_e_and_3p_only_where_they_apply():
    """STEP-5: step E exists only on the dossier of the arrêt de travail of
    12/10/2026, reported by the student and validated by the office; step
    3' only on the dossiers of double-diploma students, each of them."""
    incident = Incident.objects.get()
    assert (incident.kind, incident.start) == (Incident.Kind.SICK_LEAVE, datetime.date(2026, 10, 12))
    assert incident.reported_by == incident.dossier.student.user
    step_e = DossierStep.objects.get(code="E")
    assert (step_e.dossier, step_e.state) == (incident.dossier, StepState.VALIDATED)
    double = set(Dossier.objects.filter(student__double_diploma_incoming=True).values_list("pk", flat=True))
    assert len(double) == 3
    assert set(DossierStep.objects.filter(code="3p").values_list("dossier", flat=True)) == double
    assert demo_steps("eleve10")["3p"] == StepState.VALIDATED
    assert demo_steps("eleve15")["3p"] == StepState.TODO
    assert demo_steps("eleve32")["3p"] == StepState.SUBMITTED  # the head checks the home approval


@pytest.mark.django_db
def test_score_1_to_3_demo_conduct_grades_vary():
    """SCORE-1…3: the office scored the validated, counted steps of each
    contract drawn up: full marks mostly, 1/2 for a partial fiche contact,
    0 for a convention handed in after 18/08/2026, nothing for 6, 6', 7; the
    conduct grades differ from one dossier to the next."""
    contracts = Dossier.objects.exclude(contract_type="")
    assert set(Dossier.objects.filter(scores__isnull=False)) == set(contracts)
    for score in StepScore.objects.select_related("by"):
        assert score.by.username == "bureau"
        assert score.step not in {"6", "6p", "7"}
        assert DossierStep.objects.get(dossier=score.dossier_id, code=score.step).state == StepState.VALIDATED
    points = dict(StepScore.objects.filter(dossier__student__user__username="eleve04").values_list("step", "points"))
    assert (points["1"], points["2"], points["5p"]) == (1, 1, 1)
    late = StepScore.objects.get(dossier__student__user__username="eleve03", step="5p")
    assert (late.points, late.maximum) == (0, 1)
    contracts = contracts.select_related("student__user")
    grades = {dossier.student.user.username: dossier_scoresheet(dossier)["grade"] for dossier in contracts}
    assert len(set(grades.values())) >= 5
    assert grades["eleve02"] == max(grades.values()) == Decimal("13.75")
    assert grades["eleve19"] == min(grades.values()) == Decimal("6.25")


@pytest.mark.django_db
def test_step_3_demo_puts_a_step_moved_by_hand_back_through_the_service():
    """STEP-3: a validated step reopened by hand is validated again on the
    next run, by a recorded move; nothing else is written."""
    run_demo()
    office = User.objects.get(username="bureau")
    step = DossierStep.objects.get(dossier__student__user__username="eleve", code="4")
    steps.step_transition(step=step, action=steps.REOPEN, by=office, comment="Erreur de saisie.")
    output = run_demo()
    assert DossierStep.objects.get(pk=step.pk).state == StepState.VALIDATED
    moves = Event.objects.filter(dossier=step.dossier, step="4", verb__startswith="conventions.step.")
    verbs = [verb.rsplit(".", 1)[1] for verb in moves.order_by("pk").values_list("verb", flat=True)]
    assert verbs == ["submit", "validate", "reopen", "submit", "validate"]
    assert "Lignes créées : 0 ; mises à jour : 2 ; supprimées : 0" in output


@pytest.mark.django_db
def test_doc_12_demo_a_student_s_other_name_for_a_shared_company_awaits_the_office(client):
    """DOC-12: ``eleve26`` typed the usual short name of a company ``eleve22``
    also works for: the company keeps its name and one change proposal
    waits on the office's review page."""
    proposal = ChangeProposal.objects.get(status=ChangeProposal.Status.PENDING)
    assert proposal.dossier.student.user.username == "eleve26"
    assert proposal.contact is None
    assert proposal.changes == {"name": ["Mécanique de Précision des Cévennes", "MPC Mécanique de Précision"]}
    assert proposal.company.name == "Mécanique de Précision des Cévennes"
    assert proposal.company.dossiers.count() == 2
    assert proposal.created_at.date() == datetime.date(2026, 6, 2)
    client.post("/connexion/", {"username": "bureau", "password": PASSWORD})
    page = client.get("/entreprises/a-verifier/")
    assert page.status_code == 200
    assert "MPC Mécanique de Précision" in page.content.decode()


@pytest.mark.django_db
def test_role_5_demo_a_signatory_typed_by_a_student_awaits_confirmation(client):
    """ROLE-5: the signatory ``eleve26`` typed in the fiche is the only
    unconfirmed signatory of the demo: the office's review page lists them
    and no signing link may go to them yet."""
    unconfirmed = Dossier.objects.filter(signataire__isnull=False, signataire__email_confirmed_at__isnull=True)
    dossier = unconfirmed.get()
    assert dossier.student.user.username == "eleve26"
    assert (dossier.signataire.full_name, dossier.signataire.company) == ("Sylvie Vernet", dossier.company)
    client.post("/connexion/", {"username": "bureau", "password": PASSWORD})
    page = client.get("/entreprises/a-verifier/")
    assert "Sylvie Vernet" in page.content.decode()
    with pytest.raises(ValidationError, match="n'est pas encore confirmée par le service"):
        link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION,
                    by=User.objects.get(username="bureau"))


@pytest.mark.django_db
def test_role_5_demo_company_typed_its_fiche_part_through_a_personal_link(client):
    """ROLE-5, DATA-4: the office sent Cévennes Logiciel's signatory a
    personal link, used once, through which she typed the company's part of
    ``eleve``'s fiche, a week before step 2 was handed in; the timeline
    names her, by link, and the dossier still points at the people the
    office recorded."""
    dossier = Dossier.objects.select_related("signataire", "tuteur_entreprise").get(student__user__username="eleve")
    fiche = FicheContact.objects.get(dossier=dossier)
    assert fiche.student_completed_at.date() == datetime.date(2026, 6, 1)
    assert fiche.company_completed_at.date() == datetime.date(2026, 6, 4)
    link = ExternalLink.objects.get(dossier=dossier, purpose=ExternalLink.Purpose.FICHE_CONTACT)
    assert link.contact == dossier.signataire
    assert list(LinkUse.objects.filter(link=link).values_list("accepted", flat=True)) == [True]
    event = Event.objects.get(dossier=dossier, verb="conventions.fiche.company_part")
    assert (event.link, event.actor, event.external_actor) == (link, None, "Anne Salles")
    handed_in = Event.objects.get(dossier=dossier, step="2", verb="conventions.step.submit")
    assert link.created_at < event.at < handed_in.at
    assert dossier.tuteur_entreprise.phone == "04 66 52 18 30"
    client.post("/connexion/", {"username": "bureau", "password": PASSWORD})
    page = client.get(f"/dossiers/{dossier.pk}/")
    assert "Anne Salles (entreprise, par lien personnel)" in page.content.decode()


@pytest.mark.django_db
def test_step_6_every_demo_step_moved_on_has_what_it_attests():
    """STEP-6: the demo reaches its stages through the services with real
    evidence: every step handed in or validated has what it attests (the
    fiche, the CERFA data, the files, the signatures); the companies signed
    by personal link and on paper, the direction last."""
    from conventions.models import Signature

    for row in DossierStep.objects.exclude(state=StepState.TODO).select_related("dossier"):
        action = steps.VALIDATE if row.state == StepState.VALIDATED else steps.SUBMIT
        if action == steps.SUBMIT and steps.BY_CODE[row.code].direct:
            continue
        assert steps.blocking_reason(row.code, action, steps.Evidence(row.dossier)) is None, row
    methods = set(Signature.objects.filter(party=Signature.Party.COMPANY).values_list("method", flat=True))
    assert methods == {Signature.Method.LINK, Signature.Method.PAPER}
    for signature in Signature.objects.filter(party=Signature.Party.SCHOOL):
        firsts = signature.document.signatures.exclude(party=Signature.Party.SCHOOL)
        assert firsts.count() == 2 and all(first.at < signature.at for first in firsts)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["bureau", "resp2ia", "direction", "tuteur", "social", "scolarite"])
def test_role_2_to_8_demo_fills_every_queue_of_each_role(username):
    """ROLE-2…8: the demo's story puts something in every « À faire »
    section of each demo login: steps to check, a paper signature to record,
    a convention to produce, proposals and an address to confirm, lateness;
    the head's fiche, approval and home approval; the direction's signature;
    the tutor's reports; the copies the service social and scolarité received."""
    from conventions.todo.queues import queues_for

    user = User.objects.get(username=username)
    empty = [queue.section.key for queue in queues_for(user) if not queue.total]
    # A head who also tutors sees their tutees too: only their head's sections must be filled.
    empty = [key for key in empty if not (username == "resp2ia" and key.startswith("tutor-"))]
    assert not empty, f"{username}: nothing in {empty}"


# --- The reminders' part (order 895, 896): OPCO deposits, the story's reminders ---------

@pytest.mark.django_db
def test_notif_3_demo_deposits_every_contract_but_the_last_to_start():
    """NOTIF-3: every story contract is deposited a few days after its
    start, on the timeline at that date; the last to start is not, and its
    5 days are an open obligation of the registry."""
    contracts = list(story_dossiers(AcademicYear.objects.get(start_year=2026)).filter(start_date__isnull=False)
                     .order_by("start_date", "student__user__username"))
    assert len(contracts) >= 2
    deposits = {d.dossier_id: d for d in OpcoDeposit.objects.all()}
    assert set(deposits) == {d.pk for d in contracts[:-1]}
    for dossier in contracts[:-1]:
        assert dossier.start_date < deposits[dossier.pk].deposited_on <= dossier.start_date + opco.datetime.timedelta(days=4)
        event = Event.objects.get(dossier=dossier, verb="conventions.opco_deposit.record")
        assert event.at.date() > deposits[dossier.pk].deposited_on
    open_ones = {o.dossier_id for o in deadlines.obligations_for(story_dossiers(contracts[0].year))
                 if o.key == opco.OPCO_KEY}
    assert open_ones == {contracts[-1].pk}


@pytest.mark.django_db
def test_notif_1_demo_replays_the_story_s_reminders_each_on_its_day():
    """NOTIF-1: the story's daily sweeps are replayed up to its day: the
    obligations still open had their reminders 14 and 3 days ahead and the
    day after, each sent once on its day (never before its offset's day),
    on the dossier's timeline at that moment."""
    claims = list(ReminderClaim.objects.all())
    assert claims
    assert {claim.offset for claim in claims} == {-14, -3, 1}
    for claim in claims:
        assert claim.state == ReminderClaim.State.SENT
        assert claim.day >= claim.due + datetime.timedelta(days=claim.offset)
        assert timezone.localtime(claim.sent_at).date() == claim.day
        assert Event.objects.filter(dossier=claim.dossier_id, verb="conventions.reminder.sent", at=claim.sent_at).exists()
