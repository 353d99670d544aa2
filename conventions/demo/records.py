"""The demo's year, calendar, accounts, companies, students and meetings.

Every row is found by its natural key (username, SIRET, start year,
student and year…) and written only when it differs (``sync``), so a second
run writes nothing.
"""

import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.models import User
from conventions.companies.validators import luhn_ok
from conventions.models import Company, CompanyContact, Dossier
from students import programme
from students.models import (
    AcademicYear,
    CalendarPeriod,
    Department,
    InfoMeeting,
    Option,
    Student,
)

from .data import (
    COMPANIES,
    FACTS,
    FICHES,
    HEADS,
    MEETINGS,
    PASSWORD,
    SCHOOL_DOMAIN,
    SHARED_PERIODS,
    STAFF,
    STUDENTS,
    YEAR,
    Kind,
)


def at(day, hour, minute=0):
    """A moment of the story in the school's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def siret(base):
    """``base`` (13 digits) followed by the key digit that makes it pass Luhn."""
    return next(base + key for key in "0123456789" if luhn_ok(base + key))


def contract_end(start):
    """A 12-month contract ends the day before its anniversary (STEP-1, step 4)."""
    return start.replace(year=start.year + 1) - datetime.timedelta(days=1)


def company_email(company_name, first_name, last_name):
    """A company person's address; .example (RFC 2606): reminders to company
    people never reach a real mailbox."""
    return f"{slugify(first_name)}.{slugify(last_name)}@{slugify(company_name)}.example"


def sync(model, lookup, values, tally):
    """Make the row ``lookup`` finds hold ``values``: created or updated
    after ``full_clean()``, left untouched when it already does."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj, outcome = model(**lookup, **values), "created"
    else:
        changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if not changed:
            return obj
        for name, value in changed.items():
            setattr(obj, name, value)
        outcome = "updated"
    obj.full_clean()
    obj.save()
    tally[outcome] += 1
    return obj


def password_hash():
    """One hash for every demo account: the password is public, so a shared
    salt costs nothing, and reusing the stored hash while it still matches
    keeps a re-run from rewriting (and re-hashing) every account."""
    stored = User.objects.filter(username="bureau").values_list("password", flat=True).first()
    return stored if stored and check_password(PASSWORD, stored) else make_password(PASSWORD)


def sync_user(username, first_name, last_name, password, tally, **flags):
    email = f"{slugify(first_name)}.{slugify(last_name)}@{SCHOOL_DOMAIN}"
    values = {"first_name": first_name, "last_name": last_name, "email": email, "password": password,
              "is_active": True, "is_staff": False, "is_superuser": False, **flags}
    return sync(User, {"username": username}, values, tally)


def pfe_start(year, department):
    """CAL-2: the PFE starts with the year's PFE phase; CAL-3: after the
    March school week for a department that has one (GCBD)."""
    if department.march_school_week:
        friday = programme.first_week_of_march(year.start_year + 1)[1]
        return friday + datetime.timedelta(days=3)
    return year.pfe_start


def build_periods(year, tally):
    """The alternation calendar (CAL-4). Each PFE belongs to its department,
    so that no track sees two PFEs of different lengths; periods of the
    year missing from the list are removed."""
    rows = [(None, *period) for period in SHARED_PERIODS]
    rows.append((None, Kind.HOLIDAY, _("Congés de Noël"), year.christmas_start, year.christmas_end))
    for department in Department.objects.all():
        start = pfe_start(year, department)
        end = start + datetime.timedelta(weeks=department.pfe_weeks, days=-1)
        rows.append((department, Kind.PFE, _("Projet de fin d'études"), start, end))
        if department.march_school_week:
            monday, friday = programme.first_week_of_march(year.start_year + 1)
            rows.append((department, Kind.SCHOOL, _("Semaine de cours de mars"), monday, friday))
    kept = [
        sync(CalendarPeriod, {"year": year, "department": dept, "kind": kind, "start": start},
             {"label": str(label), "end": end}, tally).pk
        for dept, kind, label, start, end in rows
    ]
    tally["deleted"] += year.periods.exclude(pk__in=kept).delete()[0]


def build_year(context):
    """The year 2026/2027 with its dates (CAL-1) and its alternation calendar (CAL-4)."""
    lookup, values = {"start_year": YEAR["start_year"]}, {k: v for k, v in YEAR.items() if k != "start_year"}
    context.year = sync(AcademicYear, lookup, values, context.tally)
    build_periods(context.year, context.tally)


def build_staff(context):
    """One account per role (ROLE-2…8), department heads included (ROLE-3)."""
    context.password = password_hash()
    groups = roles.ensure_groups()
    for username, first_name, last_name, group_names, flags in STAFF:
        user = sync_user(username, first_name, last_name, context.password, context.tally, **flags)
        user.groups.set([groups[name] for name in group_names])
        context.users[username] = user
    for code, username in HEADS.items():  # departments come from students.0002 (PROG-1)
        sync(Department, {"code": code}, {"head": context.users[username]}, context.tally)


def tutor_phone(company):
    """The company tutor's phone: the one the fiche gives (``FICHES``), else
    one of the company's own exchange."""
    typed = {FICHES[s.username].tutor_phone for s in STUDENTS if s.company == company.key and s.username in FICHES}
    typed.discard("")
    if typed:
        return typed.pop()
    return f"0{4 if company.postal_code[:2] in ('13', '30', '34', '31') else 1} 00 00 {int(company.siret_base[-4:]) % 90 + 10:02d} 00"


def build_companies(context):
    """Companies with a tutor and a signatory each, by key."""
    tally = context.tally
    for c in COMPANIES:
        company = sync(Company, {"siret": siret(c.siret_base)}, {
            "name": c.name, "naf": c.naf, "idcc": c.idcc, "opco": c.opco,
            "address": c.address, "postal_code": c.postal_code, "city": c.city,
        }, tally)
        contacts = {}
        for role, (first_name, last_name, job_title) in (("tuteur", c.tutor), ("signataire", c.signatory)):
            email = company_email(c.name, first_name, last_name)
            contacts[role] = sync(CompanyContact, {"company": company, "email": email}, {
                "role": role, "first_name": first_name, "last_name": last_name, "job_title": job_title,
                # Recorded by the office with the company (ROLE-5): a signing link may go to them.
                "email_confirmed_at": at(datetime.date(2026, 6, 15), 10),
                # The tutor's phone, as the fiche contact gives it (DOC-1).
                **({"phone": tutor_phone(c)} if role == "tuteur" else {}),
            }, tally)
        context.companies[c.key] = (company, contacts["tuteur"], contacts["signataire"])


def build_students(context):
    """The students, their facts and dossiers, by username."""
    year, tally = context.year, context.tally
    departments = {d.code: d for d in Department.objects.all()}
    options = {(o.department.code, o.name): o for o in Option.objects.select_related("department")}
    for number, s in enumerate(STUDENTS, start=1):
        user = sync_user(s.username, s.first_name, s.last_name, context.password, tally)
        student = sync(Student, {"user": user}, {
            "year": year, "department": departments[s.department],
            "option": options[(s.department, s.option)] if s.option else None,
            "student_number": f"2024{number:04d}", "birth_date": s.birth_date, **FACTS, **s.facts,
        }, tally)
        context.students[s.username] = student
        if not s.has_dossier:
            continue
        company, tutor, signatory = context.companies[s.company] if s.company else (None, None, None)
        # A contract drawn up starts at the rentrée unless told otherwise; a
        # planned start may be known before the contract's type is settled.
        start = s.start or (year.rentree if s.contract else None)
        values = {
            "company": company, "contract_type": s.contract, "start_date": start,
            "end_date": contract_end(start) if start else None,
            "tuteur_entreprise": tutor, "signataire": signatory if s.company else None,
        }
        if s.tutor:
            # ROLE-3: a tutor the story names; the others are named by their
            # head through grading's service (its demo builder), and left alone here.
            values["tuteur_ecole"] = context.users[s.tutor]
        fiche = FICHES.get(s.username)
        if fiche is not None and fiche.signatory:
            del values["signataire"]  # the signatory the student typed in the fiche (fiches.py)
        sync(Dossier, {"student": student, "year": year}, values, tally)


def build_meetings(context):
    """The information meetings and who attended (ELIG-1). Attendance rows
    count as created or deleted; those already right are left alone."""
    tally = context.tally
    for key, (date, label) in MEETINGS.items():
        meeting = sync(InfoMeeting, {"year": context.year, "date": date}, {"label": str(label)}, tally)
        wanted = {context.students[s.username].pk for s in STUDENTS if s.meeting == key}
        current = set(meeting.attendees.values_list("pk", flat=True))
        if wanted - current:
            meeting.attendees.add(*(wanted - current))
            tally["created"] += len(wanted - current)
        if current - wanted:
            meeting.attendees.remove(*(current - wanted))
            tally["deleted"] += len(current - wanted)
