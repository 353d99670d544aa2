"""A school's worth of dossiers, built in bulk for the benchmarks.

Factories create one row and its relations at a time (seconds for a
hundred dossiers); ``build_school`` writes each table with ``bulk_create``
so 5 000 students with their dossiers, steps and scores take seconds. The
rows look like the year's: students spread over every department, most
with a company, a contract for the older ones, steps validated in order
up to where each dossier stands, points for the validated steps.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from contratpro.roles import Group_
from conventions.companies.models import Company
from conventions.dossier.models import Dossier, DossierStep, StepState
from conventions.dossier.steps import CATALOGUE, ORDER, deadline_of
from grading.models import StepScore
from grading.scoring import bareme_for
from students.models import Department, Student
from tests import factories

NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier")
FIRST = ("Alex", "Camille", "Léa", "Hugo", "Inès", "Louis", "Manon", "Nathan", "Chloé", "Jules")
PREFIX = "bench"


def build_school(size, *, start_year=2026):
    """``size`` students of ``start_year``, each with a dossier and its
    steps; an office account and the head of 2IA. Returns a dict of them."""
    User = get_user_model()
    year = factories.AcademicYearFactory(start_year=start_year)
    bareme = bareme_for(year)
    departments = list(Department.objects.order_by("code").prefetch_related("options"))
    office = User.objects.create(username=f"{PREFIX}-bureau", first_name="Nadia", last_name="Bureau")
    office.groups.add(Group.objects.get_or_create(name=Group_.OFFICE.value)[0])
    head = User.objects.create(username=f"{PREFIX}-resp2ia", first_name="Hélène", last_name="Garnier")
    ia = next(d for d in departments if d.code == "2IA")
    ia.head = head
    ia.save(update_fields=["head"])

    users = User.objects.bulk_create(
        User(
            username=f"{PREFIX}-{n}",
            first_name=FIRST[n % len(FIRST)],
            last_name=f"{NAMES[n % len(NAMES)]}{n // len(NAMES):04d}",
            email=f"{PREFIX}{n}@mines-ales.org",
            password="!",
        )
        for n in range(size)
    )
    students = []
    for n, user in enumerate(users):
        department = departments[n % len(departments)]
        options = list(department.options.all())
        students.append(
            Student(
                user=user, year=year, department=department, option=options[n % len(options)] if options else None,
                student_number=f"B{start_year}{n:06d}", sio_validated=n % 7 != 0, toeic_validated=n % 5 != 0,
                resit_s6=n % 11 == 0, foreign_national=n % 13 == 0, permit_work_authorised=n % 26 != 0,
                permit_expiry=datetime.date(start_year + 1, 6, 30) if n % 13 == 0 else None,
                scholarship_holder=n % 9 == 0,
            )
        )
    students = Student.objects.bulk_create(students)
    companies = Company.objects.bulk_create(
        Company(name=f"Entreprise {n:03d}", siret=factories.valid_siret(900000 + n), city="Alès")
        for n in range(max(1, size // 25))
    )
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            student=student, year=year,
            company=companies[n % len(companies)] if n % 6 else None,
            contract_type=Dossier.ContractType.CDD if n % 6 and n % 3 else "",
            start_date=year.rentree if n % 6 and n % 3 else None,
            end_date=year.contract_end if n % 6 and n % 3 else None,
        )
        for n, student in enumerate(students)
    )
    applicable = [s for s in CATALOGUE if s.code not in ("3p", "E")]
    deadlines = {s.code: deadline_of(s, year) for s in applicable}
    steps, scores = [], []
    for n, dossier in enumerate(dossiers):
        done = n % (len(applicable) + 1)  # validated steps, in order
        for index, step in enumerate(applicable):
            state = StepState.VALIDATED if index < done else (StepState.SUBMITTED if index == done and n % 2 else StepState.TODO)
            steps.append(DossierStep(dossier=dossier, code=step.code, order=ORDER[step.code], state=state,
                                     deadline=deadlines[step.code]))
            line = bareme[step.code]
            if state == StepState.VALIDATED and line.counted:
                scores.append(StepScore(dossier=dossier, step=step.code, points=line.maximum - n % 2 * (line.maximum - 1),
                                        maximum=line.maximum, by=office))
    DossierStep.objects.bulk_create(steps, batch_size=5000)
    StepScore.objects.bulk_create(scores, batch_size=5000)
    # Statistics and visibility, as a settled database has them (PostgreSQL's
    # autovacuum; SQLite's ANALYZE): the planner reads them to walk the name index.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"year": year, "office": office, "head": head, "size": size}


def destroy_school():
    """Remove what ``build_school`` wrote (the shipped programme stays)."""
    from students.models import AcademicYear, Event

    User = get_user_model()
    bench_users = User.objects.filter(username__startswith=PREFIX)
    Event.objects.all()._raw_delete(Event.objects.db)
    StepScore.objects.all()._raw_delete(StepScore.objects.db)
    DossierStep.objects.all()._raw_delete(DossierStep.objects.db)
    Dossier.objects.all()._raw_delete(Dossier.objects.db)
    Student.info_meetings.through.objects.all()._raw_delete(Student.objects.db)
    Student.objects.all().delete()
    Company.objects.all()._raw_delete(Company.objects.db)
    Department.objects.update(head=None)
    bench_users.delete()
    AcademicYear.objects.all().delete()
