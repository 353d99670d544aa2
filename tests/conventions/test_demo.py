"""``manage.py demo``: the demo year, its calendar and one login per role."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from contratpro.models import User
from conventions.models import Company, CompanyContact, Dossier
from students import eligibility, programme
from students.models import AcademicYear, CalendarPeriod, Department, InfoMeeting, Student
from tests import factories

PASSWORD = "contratpro-demo"


def run_demo(**options):
    """Run the command; return its output."""
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def snapshot():
    """Row counts and last-change stamps of everything the command writes."""
    return {
        "counts": [
            m.objects.count() for m in (User, Student, Dossier, Company, CompanyContact, CalendarPeriod, InfoMeeting)
        ],
        "dossiers": sorted(Dossier.objects.values_list("pk", "updated_at")),
        "students": sorted(Student.objects.values_list(*(f.attname for f in Student._meta.concrete_fields))),
        "attendance": sorted(InfoMeeting.attendees.through.objects.values_list("pk", "infomeeting_id", "student_id")),
        "passwords": sorted(User.objects.values_list("username", "password")),
    }


@pytest.mark.django_db
def test_demo_is_idempotent():
    """A second run finds every row by its natural key: no duplicate, no write."""
    run_demo()
    first = snapshot()
    output = run_demo()
    assert snapshot() == first
    assert "Lignes créées : 0 ; mises à jour : 0 ; supprimées : 0" in output


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
    with pytest.raises(CommandError, match="DEBUG est désactivé et cette base contient d'autres comptes"):
        run_demo()
    assert not User.objects.filter(username="admin").exists()


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
        ("bureau", "/dossiers/"),  # ROLE-2
        ("direction", "/dossiers/"),  # ROLE-7
        ("social", "/dossiers/"),  # ROLE-8
        ("scolarite", "/dossiers/"),  # ROLE-8
        ("resp2ia", "/dossiers/"),  # ROLE-3
        ("tuteur", "/tutores/"),  # ROLE-4
        ("enseignant", "/bienvenue/"),  # ROLE-6, tutoring nobody
        ("eleve", "/mon-dossier/"),  # ROLE-1
    ],
)
def test_role_1_to_8_each_demo_login_lands_on_its_page(client, username, landing):
    """ROLE-1…ROLE-8: each demo login signs in with the demo password and the
    home page sends it to its role's page."""
    run_demo()
    assert client.login(username=username, password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == landing


@pytest.mark.django_db
def test_role_1_demo_student_reaches_their_complete_dossier(client):
    """ROLE-1: ``eleve``'s own page is their 2IA « Ingénierie logicielle »
    dossier, complete: company, CDD, dates and both tutors."""
    run_demo()
    dossier = Dossier.objects.get(student__user__username="eleve")
    client.login(username="eleve", password=PASSWORD)
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
    run_demo()
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
    run_demo()
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
    run_demo()
    for model in (Company, CompanyContact, Student, Dossier, AcademicYear, CalendarPeriod):
        for obj in model.objects.all():
            obj.full_clean()
    assert Company.objects.count() >= 15


@pytest.mark.django_db
def test_cal_4_demo_year_has_an_alternation_calendar():
    """CAL-1, CAL-4: the 2026/2027 year carries its dates and a calendar of
    school, Projet Entreprise, exam, holiday and PFE periods; the 7-week PE
    is shared by every track (CAL-2)."""
    run_demo()
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
    run_demo()
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
    assert "Réunions d'information : 2 (28 élèves présents, 2 absents)" in output


@pytest.mark.django_db
def test_elig_1_to_8_demo_blocked_students_have_no_contract():
    """ELIG-1…8: every student whose contract is drawn up passes the
    blocking checks; the blocked ones have no dossier or no company yet,
    one per blocking rule: missed meeting, S6 resit, mobility abroad, no
    approval from the home institution."""
    run_demo()
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
    run_demo()
    results = demo_eligibility()
    assert results["eleve22"].get("ELIG-4").status == eligibility.OK
    assert "S8" in results["eleve22"].get("ELIG-4").message
    assert results["eleve04"].get("ELIG-6").status == eligibility.OK
    assert results["eleve20"].get("ELIG-6").status == eligibility.WARNING
    assert "30/06/2027" in results["eleve20"].get("ELIG-6").message
    assert results["eleve10"].get("ELIG-7").status == eligibility.OK
    assert results["eleve15"].get("ELIG-6").status == eligibility.OK
