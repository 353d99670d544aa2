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

Idempotent: every row is found by its natural key (username, SIRET, start
year, student and year…) and written only when it differs, so a second run
writes nothing. With DEBUG off it refuses a database that holds accounts of
its own (production, most likely) unless ``--force``: it creates a superuser
whose password is public.
"""

import datetime
from collections import Counter, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.models import User
from conventions.models import Company, CompanyContact, Dossier
from conventions.validators import luhn_ok
from students import programme
from students.models import AcademicYear, CalendarPeriod, Department, InfoMeeting, Option, Student

PASSWORD = "contratpro-demo"
SCHOOL_DOMAIN = "mines-ales.fr"
D = datetime.date
G = roles.Group_
Kind = CalendarPeriod.Kind
CDD, CDI = Dossier.ContractType.CDD, Dossier.ContractType.CDI

# CAL-1: the seed's fixed dates plus the office's choices for 2026/2027
# (rentrée on Tuesday 1 September).
YEAR = {
    "start_year": 2026,
    "rentree": D(2026, 9, 1),
    **AcademicYear.default_dates(2026),
    "christmas_start": D(2026, 12, 19),
    "christmas_end": D(2027, 1, 3),
    "pfe_start": D(2027, 3, 1),
    "training_cost": Decimal("8000.00"),
    "sio_blocking": False,
}
LATE_START = D(2026, 9, 14)  # a contract signed a fortnight after the rentrée

# CAL-4: periods shared by every track, (kind, label, start, end). School
# weeks hold 270 h in S9 (8 weeks) and 210 h in S10 (6 weeks) (CAL-2); the
# Projet Entreprise is 7 weeks in the company. Christmas comes from YEAR and
# the PFE from each department (26 weeks, GCBD 25 after a March school week).
SHARED_PERIODS = [
    (Kind.SCHOOL, gettext_lazy("Cours du S9 (rentrée)"), D(2026, 9, 1), D(2026, 10, 2)),
    (Kind.PE, gettext_lazy("Projet Entreprise (7 semaines)"), D(2026, 10, 5), D(2026, 11, 20)),
    (Kind.SCHOOL, gettext_lazy("Cours du S9"), D(2026, 11, 23), D(2026, 12, 11)),
    (Kind.EXAM, gettext_lazy("Examens du S9"), D(2026, 12, 14), D(2026, 12, 18)),
    (Kind.SCHOOL, gettext_lazy("Cours du S10"), D(2027, 1, 4), D(2027, 2, 12)),
    (Kind.EXAM, gettext_lazy("Examens du S10"), D(2027, 2, 15), D(2027, 2, 19)),
    (Kind.COMPANY, gettext_lazy("Entreprise avant le PFE"), D(2027, 2, 22), D(2027, 2, 26)),
]

# ELIG-1: the year's information meetings, held in the spring of 2A, and
# the label each one carries.
MEETINGS = {
    1: (D(2026, 3, 12), gettext_lazy("Réunion d'information contrats pro")),
    2: (D(2026, 5, 20), gettext_lazy("Réunion d'information contrats pro (seconde session)")),
}

# School accounts: (username, first name, last name, groups, flags).
STAFF = [
    ("bureau", "Sophie", "Castanier", [G.OFFICE], {"is_staff": True}),
    ("direction", "Jeanne", "Dalmas", [G.DIRECTION], {}),
    ("social", "Nathalie", "Bouzige", [G.SOCIAL], {}),
    ("scolarite", "Karine", "Vidal", [G.SCOLARITE], {}),
    ("resp2er", "Claire", "Roumajon", [G.TEACHERS], {}),
    ("respecomap", "Laurent", "Chapon", [G.TEACHERS], {}),
    ("resp2ia", "Thomas", "Rouvière", [G.TEACHERS], {}),
    ("respgcbd", "Hélène", "Teissier", [G.TEACHERS], {}),
    ("respprism", "Mathieu", "Pradier", [G.TEACHERS], {}),
    ("respiserm", "Olivier", "Malzac", [G.TEACHERS], {}),
    ("tuteur", "Julien", "Bastide", [G.TEACHERS], {}),
    ("enseignant", "Isabelle", "Jourdan", [G.TEACHERS], {}),
    ("admin", "Marc", "Granier", [], {"is_staff": True, "is_superuser": True}),
]
HEADS = {
    "2ER": "resp2er", "ECOMAP": "respecomap", "2IA": "resp2ia",
    "GCBD": "respgcbd", "PRISM": "respprism", "ISERM": "respiserm",
}
# The logins the summary lists, with the page each one shows (ROLE-1…8).
LOGINS = [
    ("bureau", gettext_lazy("Service Contrats Pro, accès à l'administration")),
    ("direction", gettext_lazy("Direction")),
    ("social", gettext_lazy("Service social")),
    ("scolarite", gettext_lazy("Scolarité")),
    ("resp2ia", gettext_lazy("Responsable du département 2IA")),
    ("tuteur", gettext_lazy("Tuteur école")),
    ("enseignant", gettext_lazy("Enseignant sans tutoré")),
    ("eleve", gettext_lazy("Élève de 2IA, dossier complet")),
    ("admin", gettext_lazy("Superutilisateur")),
]


# siret_base: SIREN and the first 4 digits of the NIC, the Luhn key is computed;
# tutor and signatory: (first name, last name, job title).
DemoCompany = namedtuple(
    "DemoCompany", "key name siret_base naf idcc opco address postal_code city tutor signatory"
)
C = DemoCompany
COMPANIES = [
    C("cevlog", "Cévennes Logiciel", "8123456780001", "6201Z", "1486", "Atlas",
      "14 avenue Jules Guesde", "30100", "Alès",
      ("Frédéric", "Combes", "Responsable du pôle développement"), ("Anne", "Salles", "Présidente")),
    C("occidata", "Occitanie Data Conseil", "8345129870002", "6202A", "1486", "Atlas",
      "1025 rue Henri Becquerel", "34000", "Montpellier",
      ("Romain", "Chauvet", "Responsable data science"), ("Valérie", "Issartel", "Directrice générale")),
    C("hexacloud", "Hexacloud Systèmes", "7912045630003", "6311Z", "1486", "Atlas",
      "18 rue de Châteaudun", "75009", "Paris",
      ("Nicolas", "Perret", "Architecte logiciel"), ("Sandrine", "Morel", "Directrice des ressources humaines")),
    C("numlyon", "Numérique Rhône Solutions", "8526307410001", "6201Z", "1486", "Atlas",
      "40 rue de la Villette", "69003", "Lyon",
      ("Guillaume", "Berthier", "Responsable technique"), ("Isabelle", "Charvet", "Gérante")),
    C("garrigues", "Garrigues Environnement Ingénierie", "4893017260004", "7112B", "1486", "Atlas",
      "125 rue de l'Hostellerie", "30900", "Nîmes",
      ("Céline", "Fesquet", "Cheffe de projet eau et déchets"), ("Bernard", "Aubanel", "Directeur")),
    C("provrisk", "Provence Risques Industriels", "5217608930002", "7120B", "1486", "Atlas",
      "35 boulevard de Dunkerque", "13002", "Marseille",
      ("Stéphane", "Giraud", "Ingénieur sécurité des procédés"), ("Martine", "Olive", "Directrice d'agence")),
    C("compogard", "Composites du Gard", "3984512070001", "2229A", "0292", "OPCO 2i",
      "Zone industrielle", "30340", "Salindres",
      ("Cédric", "Molines", "Responsable R&D matériaux"), ("Patrick", "Bonnefoy", "Président")),
    C("aerocomp", "Aéro Composites Occitanie", "4420983150006", "3030Z", "3248", "OPCO 2i",
      "12 rue Marius Tercé", "31300", "Toulouse",
      ("Audrey", "Lacombe", "Ingénieure procédés"), ("Jean-Marc", "Cazals", "Directeur industriel")),
    C("batirdur", "Bâtir Durable Languedoc", "5031879640001", "4120B", "1597", "Constructys",
      "450 avenue Jean Prouvé", "30900", "Nîmes",
      ("Sébastien", "Reboul", "Conducteur de travaux principal"), ("Christine", "Pellet", "Gérante")),
    C("ouvrart", "Ouvrages d'Art du Sud-Est", "3562190870012", "4213A", "1702", "Constructys",
      "14 avenue du Prado", "13008", "Marseille",
      ("Damien", "Arnal", "Ingénieur structures"), ("Philippe", "Castel", "Directeur régional")),
    C("rougeo", "Cabinet Roux Géomètres-Experts", "4471236980001", "7112A", "2543", "OPCO EP",
      "22 rue Saint-Guilhem", "34000", "Montpellier",
      ("Élodie", "Roux", "Géomètre-experte associée"), ("Henri", "Roux", "Gérant")),
    C("mecaprec", "Mécanique de Précision des Cévennes", "3308716540002", "2562B", "3248", "OPCO 2i",
      "Zone artisanale de Croupillac", "30100", "Alès",
      ("Fabien", "Soulier", "Responsable méthodes"), ("Gérard", "Polge", "Président")),
    C("robolyon", "Robotique Industrielle Lyonnaise", "8047259310001", "2899B", "3248", "OPCO 2i",
      "95 cours Émile Zola", "69100", "Villeurbanne",
      ("Aurélie", "Bruyère", "Responsable bureau d'études"), ("Vincent", "Dufour", "Directeur général")),
    C("sudmaint", "Sud Maintenance Services", "5193846020003", "8110Z", "3043", "Akto",
      "18 chemin de la Flambère", "31300", "Toulouse",
      ("Kévin", "Fabregat", "Responsable maintenance"), ("Nadia", "Benaïssa", "Directrice d'exploitation")),
    C("carrieres", "Carrières et Granulats des Cévennes", "3126459870001", "0812Z", "0087", "OPCO 2i",
      "Chemin des Carrières", "30500", "Saint-Ambroix",
      ("Michel", "Teisserenc", "Chef de carrière"), ("Dominique", "Baldy", "Directeur")),
    C("geosout", "Géotechnique et Souterrains Conseil", "4839201760002", "7112B", "1486", "Atlas",
      "52 rue de Lyon", "75012", "Paris",
      ("Laure", "Michaud", "Ingénieure géotechnicienne"), ("François", "Lemaire", "Président")),
]


@dataclass(frozen=True)
class DemoStudent:
    username: str
    first_name: str
    last_name: str
    department: str
    option: str | None
    birth_date: datetime.date
    company: str | None = None  # a COMPANIES key; None: still looking
    contract: str = ""  # CDD or CDI; "": not drawn up yet
    start: datetime.date | None = None  # defaults to the rentrée when there is a contract
    tutor: str | None = None  # username of the tuteur école
    has_dossier: bool = True
    facts: dict = field(default_factory=dict)  # Student fields that differ from FACTS
    meeting: int | None = 1  # the MEETINGS key attended; None: missed both (ELIG-1)


# Every fact the demo sets, so that a re-run also undoes a hand edit.
FACTS = {
    "nationality": "française", "foreign_national": False, "sio_validated": True, "toeic_validated": True,
    "resit_s5": False, "resit_s6": False, "resit_s7": False, "resit_s8": False, "resit_threatens_3a": False,
    "international_mobility": False, "internship_2a_over_3_months": False, "permit_work_authorised": False,
    "permit_main_activity": False, "permit_expiry": None, "double_diploma_incoming": False,
    "home_institution": "", "home_approval_date": None, "scholarship_holder": False,
}
EE, RNI = "Énergie et environnement", "Risques naturels et industriels"
IA, IL = "Intelligence artificielle et science des données", "Ingénierie logicielle"
BE, IGO = "Bâtiment et Énergie", "Infrastructures et Grands Ouvrages"
SITN, ISM = "Systèmes Industriels et transition numérique", "Ingénierie des systèmes mécatroniques"
S = DemoStudent
STUDENTS = [
    S("eleve", "Léa", "Fontaine", "2IA", IL, D(2003, 5, 14), "cevlog", CDD, tutor="tuteur"),
    S("eleve02", "Hugo", "Marchand", "2IA", IA, D(2002, 11, 3), "occidata", CDI, tutor="tuteur"),
    S("eleve03", "Inès", "Benali", "2IA", IA, D(2003, 2, 21), "hexacloud", CDD, LATE_START, "resp2ia",
      facts={"toeic_validated": False}, meeting=2),
    # ELIG-6: a 2A internship over 3 months, so a permit for work as main activity.
    S("eleve04", "Yassine", "El Idrissi", "2IA", IL, D(2002, 10, 9), "numlyon", CDD, tutor="tuteur",
      facts={"nationality": "marocaine", "foreign_national": True, "internship_2a_over_3_months": True,
             "permit_work_authorised": True, "permit_main_activity": True, "permit_expiry": D(2028, 9, 30)}),
    S("eleve05", "Chloé", "Lambert", "2IA", IL, D(2004, 1, 30), facts={"scholarship_holder": True}),
    S("eleve06", "Maxime", "Girard", "2IA", IA, D(2003, 7, 12), has_dossier=False,
      facts={"international_mobility": True}),
    S("eleve07", "Manon", "Rey", "2IA", IL, D(2003, 9, 25), "cevlog", CDD),
    S("eleve08", "Lucas", "Arnaud", "2ER", EE, D(2002, 12, 17), "garrigues", CDD, tutor="tuteur"),
    S("eleve09", "Sarah", "Meunier", "2ER", RNI, D(2003, 4, 4), "provrisk", CDI, tutor="resp2er"),
    S("eleve10", "Giulia", "Romano", "2ER", EE, D(2002, 6, 18), "provrisk", facts={
        "nationality": "italienne", "double_diploma_incoming": True, "home_institution": "Politecnico di Torino",
        "home_approval_date": D(2026, 6, 15)}),
    S("eleve11", "Antoine", "Pons", "2ER", RNI, D(2003, 8, 8), facts={"sio_validated": False}, meeting=2),
    S("eleve12", "Emma", "Chabert", "2ER", EE, D(2004, 3, 27), "garrigues", CDD, LATE_START, "resp2er",
      meeting=2),
    S("eleve13", "Nathan", "Gauthier", "ECOMAP", None, D(2003, 1, 15), "compogard", CDD, tutor="tuteur"),
    S("eleve14", "Zoé", "Perrin", "ECOMAP", None, D(2003, 10, 2), "aerocomp", CDD, tutor="respecomap",
      facts={"toeic_validated": False}),
    # ELIG-7: still waiting for the home institution's approval.
    S("eleve15", "Rafael", "Carvalho", "ECOMAP", None, D(2002, 7, 5), facts={
        "nationality": "brésilienne", "foreign_national": True, "permit_work_authorised": True,
        "permit_expiry": D(2028, 1, 31), "double_diploma_incoming": True,
        "home_institution": "Universidade Federal de Minas Gerais"}),
    S("eleve16", "Clara", "Bonnet", "ECOMAP", None, D(2002, 9, 19), has_dossier=False,
      facts={"sio_validated": False, "resit_s6": True}),
    S("eleve17", "Louis", "Fabre", "GCBD", BE, D(2003, 6, 6), "batirdur", CDD, tutor="tuteur"),
    S("eleve18", "Jade", "Mercier", "GCBD", IGO, D(2002, 8, 30), "ouvrart", CDI, tutor="respgcbd"),
    S("eleve19", "Enzo", "Roussel", "GCBD", IGO, D(2003, 11, 11), "ouvrart", CDD, LATE_START,
      facts={"scholarship_holder": True}, meeting=2),
    # ELIG-6 warning: the permit expires two months before the contract ends.
    S("eleve20", "Lina", "Haddad", "GCBD", BE, D(2004, 2, 14), "rougeo",
      facts={"nationality": "tunisienne", "foreign_national": True, "permit_work_authorised": True,
             "permit_expiry": D(2027, 6, 30)}),
    S("eleve21", "Paul", "Guiraud", "GCBD", BE, D(2003, 3, 3), "batirdur", CDD, tutor="respgcbd",
      facts={"sio_validated": False}),
    S("eleve22", "Thomas", "Blanc", "PRISM", SITN, D(2003, 5, 22), "mecaprec", CDD, tutor="respprism",
      facts={"resit_s8": True}),  # ELIG-4: an S8 resit alone does not block
    S("eleve23", "Julie", "Robert", "PRISM", ISM, D(2002, 12, 1), "robolyon", CDI, tutor="respprism"),
    S("eleve24", "Mehdi", "Saïdi", "PRISM", SITN, D(2003, 9, 9), "sudmaint", CDD),
    S("eleve25", "Camille", "Dumas", "PRISM", ISM, D(2004, 4, 18), facts={"toeic_validated": False},
      meeting=None),
    S("eleve26", "Arthur", "Leroy", "PRISM", SITN, D(2003, 7, 29), "mecaprec"),
    S("eleve27", "Margaux", "Vincent", "ISERM", None, D(2003, 1, 7), "carrieres", CDD, tutor="respiserm"),
    S("eleve28", "Baptiste", "Michel", "ISERM", None, D(2002, 10, 21), "geosout", CDI, LATE_START, "respiserm",
      meeting=2),
    S("eleve29", "Océane", "Garnier", "ISERM", None, D(2003, 12, 5), has_dossier=False, meeting=None),
    S("eleve30", "Adrien", "Brun", "ISERM", None, D(2003, 6, 25), "geosout", CDD, tutor="respgcbd"),
]


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
