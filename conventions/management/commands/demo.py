"""``manage.py demo``: the demo year 2026/2027, its calendar and its people.

Builds the year and its alternation calendar (CAL-1, CAL-4, with GCBD's
exception, CAL-3), one login per role (password ``contratpro-demo``), about
thirty students of the six departments in varied situations, their
companies and their dossiers, and the year's two information meetings.

The eligibility facts tell a coherent story (seed §4): the students whose
contract is drawn up pass every blocking check (ELIG-1…8); the blocked
ones have no dossier or are still looking for a company: missed meeting
(ELIG-1), S6 resit (ELIG-4), mobility abroad (ELIG-5), no approval from the
home institution (ELIG-7). Warnings appear throughout: SIO, TOEIC, permit
expiring before the contract ends (ELIG-6), scholarship.

The démarche stands as on 21 November 2026 (STEP-1…5): every dossier has
its steps with their deadlines, moved by their actors through
``step_transition`` so each change is in the timeline, stamped on the day
of the story it happened; two conventions (5') are overdue, a CERFA is
refused, an arrêt de travail brings step E, a double diploma step 3'. The
office has scored the validated steps of the contracts drawn up (SCORE-1…3).

Idempotent: every row is found by its natural key (username, SIRET, start
year, student and year…) and written only when it differs, a step moves
only when it is not in its state yet and a score is set only when its
points differ, so a second run writes nothing. With DEBUG off it refuses a database that holds accounts of
its own (production, most likely) unless ``--force``: it creates a superuser
whose password is public.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.models import User
from contratpro.workdays import add_working_days, next_working_day, previous_working_day
from conventions.companies.validators import luhn_ok
from conventions.dossier import steps
from conventions.dossier.services import dossier_approve_contract, incident_report
from conventions.models import (
    Company,
    CompanyContact,
    Dossier,
    DossierStep,
    Incident,
    StepState,
)
from grading.models import BaremeLine, StepScore
from grading.scoring import bareme_for, dossier_scoresheet, score_set
from students import programme
from students.models import (
    AcademicYear,
    CalendarPeriod,
    Department,
    Event,
    InfoMeeting,
    Option,
    Student,
)

from ._demo_data import (
    COMPANIES,
    DEMARCHE,
    FACTS,
    HANDED_IN,
    HANDED_IN_BY,
    HEAD_APPROVED,
    HEADS,
    INCIDENTS,
    LATE_SHIFT,
    LATE_STEPS,
    LOGINS,
    MEETINGS,
    PARTIAL,
    PASSWORD,
    REFUSALS,
    SCHOOL_DOMAIN,
    SHARED_PERIODS,
    STAFF,
    STUDENTS,
    TODAY,
    YEAR,
    Kind,
)


def siret(base):
    """``base`` (13 digits) followed by the key digit that makes it pass Luhn."""
    return next(base + key for key in "0123456789" if luhn_ok(base + key))


def contract_end(start):
    """A 12-month contract ends the day before its anniversary (STEP-1, step 4)."""
    return start.replace(year=start.year + 1) - datetime.timedelta(days=1)


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


def build_year(tally):
    lookup, values = {"start_year": YEAR["start_year"]}, {k: v for k, v in YEAR.items() if k != "start_year"}
    return sync(AcademicYear, lookup, values, tally)


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


def build_staff(password, tally):
    """One account per role (ROLE-2…8), department heads included (ROLE-3)."""
    groups = roles.ensure_groups()
    users = {}
    for username, first_name, last_name, group_names, flags in STAFF:
        user = sync_user(username, first_name, last_name, password, tally, **flags)
        user.groups.set([groups[name] for name in group_names])
        users[username] = user
    for code, username in HEADS.items():  # departments come from students.0002 (PROG-1)
        sync(Department, {"code": code}, {"head": users[username]}, tally)
    return users


def build_companies(tally):
    """Companies with a tutor and a signatory each; returns them by key."""
    built = {}
    for c in COMPANIES:
        company = sync(Company, {"siret": siret(c.siret_base)}, {
            "name": c.name, "naf": c.naf, "idcc": c.idcc, "opco": c.opco,
            "address": c.address, "postal_code": c.postal_code, "city": c.city,
        }, tally)
        # .example (RFC 2606): reminders to company people never reach a real mailbox.
        domain = f"{slugify(c.name)}.example"
        contacts = {}
        for role, (first_name, last_name, job_title) in (("tuteur", c.tutor), ("signataire", c.signatory)):
            email = f"{slugify(first_name)}.{slugify(last_name)}@{domain}"
            contacts[role] = sync(CompanyContact, {"company": company, "email": email}, {
                "role": role, "first_name": first_name, "last_name": last_name, "job_title": job_title,
                # Recorded by the office with the company (ROLE-5): a signing link may go to them.
                "email_confirmed_at": at(datetime.date(2026, 6, 15), 10),
            }, tally)
        built[c.key] = (company, contacts["tuteur"], contacts["signataire"])
    return built


def build_students(year, users, companies, password, tally):
    """The students, their facts and dossiers; returns the students by username."""
    departments = {d.code: d for d in Department.objects.all()}
    options = {(o.department.code, o.name): o for o in Option.objects.select_related("department")}
    built = {}
    for number, s in enumerate(STUDENTS, start=1):
        user = sync_user(s.username, s.first_name, s.last_name, password, tally)
        student = sync(Student, {"user": user}, {
            "year": year, "department": departments[s.department],
            "option": options[(s.department, s.option)] if s.option else None,
            "student_number": f"2024{number:04d}", "birth_date": s.birth_date, **FACTS, **s.facts,
        }, tally)
        built[s.username] = student
        if not s.has_dossier:
            continue
        company, tutor, signatory = companies[s.company] if s.company else (None, None, None)
        start = (s.start or year.rentree) if s.contract else None
        sync(Dossier, {"student": student, "year": year}, {
            "company": company, "contract_type": s.contract, "start_date": start,
            "end_date": contract_end(start) if start else None,
            "tuteur_ecole": users[s.tutor] if s.tutor else None,
            "tuteur_entreprise": tutor, "signataire": signatory if s.contract else None,
        }, tally)
    return built


def build_meetings(year, students, tally):
    """The information meetings and who attended (ELIG-1). Attendance rows
    count as created or deleted; those already right are left alone."""
    for key, (date, label) in MEETINGS.items():
        meeting = sync(InfoMeeting, {"year": year, "date": date}, {"label": str(label)}, tally)
        wanted = {students[s.username].pk for s in STUDENTS if s.meeting == key}
        current = set(meeting.attendees.values_list("pk", flat=True))
        if wanted - current:
            meeting.attendees.add(*(wanted - current))
            tally["created"] += len(wanted - current)
        if current - wanted:
            meeting.attendees.remove(*(current - wanted))
            tally["deleted"] += len(current - wanted)


def at(day, hour, minute=0):
    """A moment of the story in the school's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def office_day(day, working_days=0):
    """The day the school acts on something of ``day``: ``working_days``
    later, or that day if it is a working one (CAL-5); never after the last
    working day of the story."""
    day = add_working_days(day, working_days) if working_days else next_working_day(day)
    return min(day, previous_working_day(TODAY))


class Story:
    """When things happened to one demo dossier, so that its timeline reads
    like the year it went through: the n-th student's dates shift by up to
    four days, a contract signed after the rentrée draws up its CERFA and
    convention five weeks later."""

    def __init__(self, number, username, dossier):
        self.number = number
        self.jitter = datetime.timedelta(days=number % 5)
        self.username = username
        self.late = dossier.start_date is not None and dossier.start_date > dossier.year.rentree

    def handed_in(self, code):
        if (self.username, code) in HANDED_IN_BY:
            return HANDED_IN_BY[(self.username, code)]
        day = HANDED_IN.get(code, TODAY) + self.jitter
        return min(day + LATE_SHIFT if self.late and code in LATE_STEPS else day, TODAY)

    def moment(self, code, action):
        """Steps done by the office alone (6, 6', 7) are validated on their
        day; the heads take a little longer over 3 and 3'."""
        day, spread = self.handed_in(code), self.number + steps.ORDER[code]
        if action == steps.SUBMIT:
            return at(day, 8 + spread % 10, 10)
        if steps.BY_CODE[code].direct:
            return at(office_day(day), 9 + spread % 3, 20)
        return at(office_day(day, 4 if code in ("3", "3p") else 2), 14 + spread % 4, 30)

    def approval(self):
        return at(office_day(self.handed_in("3"), 2), 11)

    def scoring(self):
        return at(previous_working_day(TODAY), 17, self.number)


def backdate(moment, *rows, event=None):
    """Stamp what a service just wrote with the story's moment instead of
    the clock's: the dossier event ``event`` and ``rows``, given as
    (model, pk, field)."""
    if event is not None:
        Event.objects.filter(pk=event).update(at=moment)
    for model, pk, name in rows:
        model.objects.filter(pk=pk).update(**{name: moment})


def last_event(dossier):
    return dossier.events.order_by("-pk").values_list("pk", flat=True).first()


def sync_steps(dossier, story, tally):
    """STEP-2, STEP-5: the applicable steps with their deadlines, step E
    once the dossier's incident is reported (by the student, ABS-3)."""
    before = dict(dossier.steps.values_list("code", "deadline"))
    incident = INCIDENTS.get(story.username)
    if incident and not Incident.objects.filter(dossier=dossier, kind=incident.kind, start=incident.start).exists():
        reported = incident_report(dossier=dossier, kind=incident.kind, start=incident.start,
                                   description=str(incident.description), by=dossier.student.user)
        moment = at(incident.start + datetime.timedelta(days=1), 8, 5)
        backdate(moment, (Incident, reported.pk, "reported_at"), event=last_event(dossier))
        tally["created"] += 1
    steps.steps_sync(dossier)
    after = dict(dossier.steps.values_list("code", "deadline"))
    tally["created"] += len(after.keys() - before.keys())
    tally["deleted"] += len(before.keys() - after.keys())
    tally["updated"] += sum(1 for code in after.keys() & before.keys() if after[code] != before[code])


def approve_contract(dossier, story, tally):
    """ELIG-9: the head approves the contract before step 3 is validated."""
    wanted = story.username in HEAD_APPROVED or DEMARCHE[story.username].get("3") == StepState.VALIDATED
    if not wanted or dossier.head_approval_at:
        return
    head = dossier.student.department.head
    dossier_approve_contract(dossier=dossier, by=head)
    moment = story.approval()
    Dossier.objects.filter(pk=dossier.pk).update(head_approval_at=moment)
    dossier.head_approval_at = moment
    event = Event.objects.filter(student=dossier.student, verb="conventions.dossier.approve").latest("pk")
    backdate(moment, (Event, event.pk, "at"))
    tally["updated"] += 1


def moves(state, target, direct):
    """The transitions from ``state`` to ``target`` (STEP-3). A step found
    further on than the story wants is reopened first; one the story wants
    « à faire » stays as it is, no transition leads back there."""
    if state == target or target == StepState.TODO:
        return []
    if state == StepState.VALIDATED:
        return [steps.REOPEN, *moves(StepState.TODO, target, direct)]
    hand_in = [] if state == StepState.SUBMITTED or direct else [steps.SUBMIT]
    return hand_in + {
        StepState.SUBMITTED: [],
        StepState.VALIDATED: [steps.VALIDATE],
        StepState.REFUSED: [steps.REFUSE],
    }[target]


def actor(action, code, dossier, users):
    """Who makes the move (STEP-1): the student hands in; the head validates
    3 and 3', the direction signs 6, the tuteur école validates A, B and D,
    the office the rest."""
    if action == steps.SUBMIT:
        return dossier.student.user
    if action == steps.REOPEN:
        return users["bureau"]
    if code in ("3", "3p"):
        return dossier.student.department.head
    if code == "6":
        return users["direction"]
    if code in ("A", "B", "D"):
        return dossier.tuteur_ecole
    return users["bureau"]


def move_steps(dossier, story, users, tally):
    """Each step to the state the story gives it (STEP-3), through
    ``step_transition`` so each move is an event with its author."""
    plan = DEMARCHE[story.username]
    for row in dossier.steps.all():
        target = plan.get(row.code, StepState.TODO)
        # A step put back after a hand edit keeps the clock's time.
        in_story = row.state == StepState.TODO
        for action in moves(row.state, target, steps.BY_CODE[row.code].direct):
            comment = REFUSALS.get((story.username, row.code), "") if action == steps.REFUSE else ""
            if action == steps.REOPEN:
                comment = _("Remis dans l'état de la démonstration.")
            row = steps.step_transition(step=row, action=action, by=actor(action, row.code, dossier, users),
                                        comment=str(comment))
            if in_story:
                backdate(story.moment(row.code, action), (DossierStep, row.pk, "updated_at"),
                         event=last_event(dossier))
            tally["updated"] += 1


def score_steps(dossier, story, bareme, users, tally):
    """SCORE-1, SCORE-2: the office scores the validated steps the barème
    counts: full marks, 1 of 2 for a step done partially, 0 for a 5' handed
    in after its deadline (STEP-2)."""
    current = dict(dossier.scores.values_list("step", "points"))
    for row in dossier.steps.filter(state=StepState.VALIDATED):
        line = bareme[row.code]
        if not line.counted:
            continue
        points = line.maximum
        if (story.username, row.code) in PARTIAL:
            points = 1
        elif row.deadline and story.handed_in(row.code) > row.deadline:
            points = 0
        if current.get(row.code) == points:
            continue
        score = score_set(dossier=dossier, step=row.code, points=points, by=users["bureau"])
        backdate(story.scoring(), (StepScore, score.pk, "at"), event=last_event(dossier))
        tally["updated" if row.code in current else "created"] += 1


def build_demarche(year, users, tally):
    """The démarche of every demo dossier on 21 November 2026 (STEP-1…5,
    ELIG-9, SCORE-1…3): only the contracts drawn up are scored."""
    lines_before = BaremeLine.objects.filter(year=year).count()
    bareme = bareme_for(year)
    tally["created"] += len(bareme) - lines_before
    numbers = {s.username: number for number, s in enumerate(STUDENTS, start=1)}
    dossiers = Dossier.objects.filter(year=year, student__user__username__in=DEMARCHE).select_related(
        "year", "student__user", "student__department__head", "tuteur_ecole"
    )
    for dossier in dossiers:
        username = dossier.student.user.username
        story = Story(numbers[username], username, dossier)
        sync_steps(dossier, story, tally)
        approve_contract(dossier, story, tally)
        move_steps(dossier, story, users, tally)
        if dossier.contract_type and dossier.start_date:
            score_steps(dossier, story, bareme, users, tally)


class Command(BaseCommand):
    help = gettext_lazy("Crée ou met à jour l'année de démonstration 2026/2027 et ses comptes (idempotent).")

    def add_arguments(self, parser):
        help_text = gettext_lazy("Lancer même sans DEBUG sur une base qui a déjà des comptes (production ?).")
        parser.add_argument("--force", action="store_true", help=help_text)

    def handle(self, *args, force=False, **options):
        demo_usernames = [row[0] for row in STAFF] + [s.username for s in STUDENTS]
        if not (settings.DEBUG or force) and User.objects.exclude(username__in=demo_usernames).exists():
            raise CommandError(_(
                "DEBUG est désactivé et cette base contient d'autres comptes que ceux de la démonstration : "
                "la démonstration y créerait un superutilisateur au mot de passe public. Ajoutez --force "
                "si cette base n'est pas celle de production."
            ))
        missing = sorted(set(HEADS) - set(Department.objects.values_list("code", flat=True)))
        if missing:
            message = _("Départements absents (%(codes)s) : lancez d'abord « manage.py migrate » (PROG-1).")
            raise CommandError(message % {"codes": ", ".join(missing)})
        tally = Counter()
        with transaction.atomic():
            password = password_hash()
            year = build_year(tally)
            build_periods(year, tally)
            users = build_staff(password, tally)
            companies = build_companies(tally)
            students = build_students(year, users, companies, password, tally)
            build_meetings(year, students, tally)
            build_demarche(year, users, tally)
        self.print_summary(year, tally)

    def print_summary(self, year, tally):
        students = Student.objects.filter(year=year)
        dossiers = Dossier.objects.filter(year=year)
        out = self.stdout.write
        out(self.style.SUCCESS(_("Année de démonstration %(year)s prête.") % {"year": year.label}))
        out(_("  Périodes du calendrier : %(count)s") % {"count": year.periods.count()})
        out(_(
            "  Élèves : %(students)s (%(contracts)s contrats établis, %(found)s entreprises trouvées sans "
            "contrat, %(searching)s en recherche d'entreprise, %(none)s sans dossier)"
        ) % {
            "students": students.count(),
            "contracts": dossiers.filter(company__isnull=False).exclude(contract_type="").count(),
            "found": dossiers.filter(company__isnull=False, contract_type="").count(),
            "searching": dossiers.filter(company__isnull=True).count(),
            "none": students.exclude(dossiers__year=year).count(),
        })
        out(_("  Réunions d'information : %(meetings)s (%(present)s élèves présents, %(absent)s absents)") % {
            "meetings": year.info_meetings.count(),
            "present": students.filter(info_meetings__year=year).distinct().count(),
            "absent": students.exclude(info_meetings__year=year).count(),
        })
        out(_("  Entreprises : %(companies)s ; contacts entreprise : %(contacts)s") % {
            "companies": Company.objects.count(), "contacts": CompanyContact.objects.count()})
        self.print_demarche(year, dossiers)
        out(_("  Lignes créées : %(created)s ; mises à jour : %(updated)s ; supprimées : %(deleted)s") % {
            "created": tally["created"], "updated": tally["updated"], "deleted": tally["deleted"]})
        out("")
        out(_("Identifiants de démonstration (mot de passe : %(password)s)") % {"password": PASSWORD})
        names = {u.username: u.get_full_name() for u in User.objects.filter(username__in=dict(LOGINS))}
        for username, role in LOGINS:
            out(f"  {username:<12} {role!s:<48} {names[username]}")
        out("  " + _("%(logins)s : responsables des autres départements") % {
            "logins": ", ".join(u for u in HEADS.values() if u != "resp2ia")})
        out("  " + _("eleve02 … eleve%(last)02d : autres élèves, situations variées") % {"last": len(STUDENTS)})

    def print_demarche(self, year, dossiers):
        """Where the steps stand on the story's day (STEP-2, STEP-3) and the
        range of the conduct grades (SCORE-3)."""
        state = DossierStep.objects.filter(dossier__year=year).aggregate(
            steps=Count("pk"),
            validated=Count("pk", filter=Q(state=StepState.VALIDATED)),
            submitted=Count("pk", filter=Q(state=StepState.SUBMITTED)),
            refused=Count("pk", filter=Q(state=StepState.REFUSED)),
            overdue=Count("pk", filter=Q(deadline__lt=TODAY) & ~Q(state=StepState.VALIDATED)),
        )
        bareme = bareme_for(year)
        scored = dossiers.filter(scores__isnull=False).distinct().prefetch_related("steps", "scores")
        grades = sorted(dossier_scoresheet(dossier, bareme)["grade"] for dossier in scored)
        self.stdout.write(_(
            "  Démarche au %(today)s : %(steps)s étapes (validées : %(validated)s, soumises : %(submitted)s, "
            "refusées : %(refused)s, en retard : %(overdue)s) ; dossiers notés : %(scored)s, notes de conduite "
            "de %(low)s à %(high)s/20"
        ) % {
            **state, "today": date_format(TODAY, "SHORT_DATE_FORMAT"), "scored": len(grades),
            "low": number_format(grades[0], 2) if grades else "–",
            "high": number_format(grades[-1], 2) if grades else "–",
        })
