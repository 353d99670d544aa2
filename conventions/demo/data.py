"""The story ``manage.py demo`` tells: the 2026/2027 year, its people, their
companies, their fiches contact and where each dossier stands on 21 November
2026 (``TODAY``).

Data only; the builders of this package write it through the project's
services. Grading's part of the story (the scores) lives in ``grading.demo``.
"""

import datetime
from collections import namedtuple
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy

from contratpro import roles
from conventions.models import Dossier, Incident, StepState
from students.models import AcademicYear, CalendarPeriod

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
    start: datetime.date | None = None  # defaults to the rentrée when there is a contract, else none
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
    # Found in the autumn: the fiche awaits the head, who has not yet approved the contract (ELIG-9).
    # Its start date agreed with the company, the contract's type not yet.
    S("eleve31", "Noé", "Lefèvre", "2IA", IA, D(2003, 4, 9), "occidata", start=D(2027, 1, 4), meeting=2),
    # ELIG-7: the home institution's approval is in; the head checks it (step 3').
    S("eleve32", "Sofia", "Marini", "2IA", IL, D(2002, 12, 12), "numlyon", facts={
        "nationality": "italienne", "double_diploma_incoming": True, "home_institution": "Politecnico di Milano",
        "home_approval_date": D(2026, 11, 6)}),
]

# The démarche on the day the demo stands (STEP-1…5, SCORE-1…3).
TODAY = D(2026, 11, 21)
A_FAIRE, SOUMIS, VALIDE, REFUSE = StepState.TODO, StepState.SUBMITTED, StepState.VALIDATED, StepState.REFUSED

# The day a step is handed in for a contract starting at the rentrée; the
# validation follows a couple of working days later. Steps 6, 6' and 7 are
# done by the office alone (no hand-in): the day is the validation's.
HANDED_IN = {
    "1": D(2026, 5, 26), "2": D(2026, 6, 8), "3": D(2026, 6, 15), "3p": D(2026, 6, 22),
    "4": D(2026, 7, 1), "4p": D(2026, 7, 9), "5": D(2026, 7, 15), "5p": D(2026, 7, 28),
    "6": D(2026, 8, 24), "6p": D(2026, 8, 26), "7": D(2026, 9, 3),
    "C": D(2026, 10, 2),  # the carnet at the end of the first school weeks
    "A": D(2026, 11, 13), "B": D(2026, 11, 13),  # the last week of the Projet Entreprise
}
# A contract signed after the rentrée (LATE_START) draws up its CERFA and
# convention five weeks later: its 5' misses the deadline of 18/08/2026.
LATE_STEPS, LATE_SHIFT = frozenset({"4", "4p", "5", "5p", "6", "6p", "7"}), datetime.timedelta(weeks=5)
HANDED_IN_BY = {
    ("eleve31", "1"): D(2026, 10, 19), ("eleve31", "2"): D(2026, 11, 9), ("eleve31", "3"): D(2026, 11, 16),
    ("eleve32", "1"): D(2026, 9, 21), ("eleve32", "2"): D(2026, 10, 12), ("eleve32", "3"): D(2026, 10, 19),
    ("eleve32", "3p"): D(2026, 11, 9),
    ("eleve07", "5p"): D(2026, 11, 17),  # the convention reached the office three months late
    ("eleve08", "E"): D(2026, 10, 13),  # the day after the arrêt de travail (INCIDENTS)
}

# STEP-3: the state each demo dossier's steps are in; a step left out is
# « à faire ». SIGNED is a contract drawn up and sent around: 1 to 7 done,
# the carnet (C) shown, the rest to come.
SIGNED = {
    **dict.fromkeys(("1", "2", "3", "4", "4p", "5", "5p", "6", "6p", "7"), VALIDE),
    "C": SOUMIS,
}
CONVENTION_MISSING = {"6": A_FAIRE, "6p": A_FAIRE, "7": A_FAIRE}
DEMARCHE = {
    # Contrat établi
    "eleve": {**SIGNED, "A": SOUMIS},
    "eleve02": {**SIGNED, "A": VALIDE, "B": VALIDE},
    "eleve03": {**SIGNED, "7": A_FAIRE},
    "eleve04": {**SIGNED, "A": SOUMIS, "B": SOUMIS},
    "eleve07": {**SIGNED, "5p": SOUMIS, **CONVENTION_MISSING},  # 5' overdue, handed in late
    "eleve08": {**SIGNED, "A": SOUMIS, "E": VALIDE},  # see INCIDENTS
    "eleve09": {**SIGNED, "6p": A_FAIRE},
    "eleve12": SIGNED,
    "eleve13": {**SIGNED, "A": SOUMIS, "B": SOUMIS},
    "eleve14": SIGNED,
    "eleve17": {**SIGNED, "7": A_FAIRE},
    "eleve18": SIGNED,
    "eleve19": {**SIGNED, "4": REFUSE, "4p": A_FAIRE, "7": A_FAIRE},  # see REFUSALS
    "eleve21": {**SIGNED, "5p": A_FAIRE, **CONVENTION_MISSING},  # 5' overdue, never sent
    "eleve22": {**SIGNED, "A": SOUMIS},
    "eleve23": {**SIGNED, "A": SOUMIS, "B": SOUMIS},
    "eleve24": SIGNED,
    "eleve27": SIGNED,
    "eleve28": {**SIGNED, "6p": A_FAIRE},
    "eleve30": {**SIGNED, "A": SOUMIS},
    # Entreprise trouvée, contrat à établir
    "eleve10": {"1": VALIDE, "2": VALIDE, "3": VALIDE, "3p": VALIDE},  # double diploma: 3' (STEP-5)
    "eleve20": {"1": VALIDE, "2": VALIDE, "3": SOUMIS},  # the head's approval is pending (ELIG-9)
    "eleve26": {"1": VALIDE, "2": SOUMIS, "3": SOUMIS},  # approved, the signed fiche awaits the head
    "eleve31": {"1": VALIDE, "2": VALIDE, "3": SOUMIS},  # the head's fiche and approval, the office's convention
    "eleve32": {"1": VALIDE, "2": VALIDE, "3": VALIDE, "3p": SOUMIS},  # the head checks the home approval
    # En recherche d'entreprise
    "eleve05": {"1": VALIDE},
    "eleve11": {"1": SOUMIS},
    "eleve15": {"1": VALIDE},  # double diploma without the home approval: 3' à faire (ELIG-7)
    "eleve25": {"1": SOUMIS},  # missed the information meeting (ELIG-1): not validated
}
# DOC-5: the company signed its convention on paper and the student deposited
# the scan; the office has yet to record the company's signature.
PAPER_PENDING = frozenset({"eleve21"})
# ELIG-9: the head approves the contract of these dossiers (and of any whose step 3 is validated).
HEAD_APPROVED = frozenset({"eleve26"})
REFUSALS = {("eleve19", "4"): gettext_lazy("Il manque le code IDCC et la rémunération brute mensuelle.")}
# ABS-3, step E (STEP-5): reported by the student the day after.
DemoIncident = namedtuple("DemoIncident", "kind start description")
INCIDENTS = {
    "eleve08": DemoIncident(
        Incident.Kind.SICK_LEAVE, D(2026, 10, 12),
        gettext_lazy(
            "Arrêt de travail de cinq jours pendant le Projet Entreprise ; certificat transmis à l'entreprise."
        ),
    ),
}

# DOC-1, DOC-12, ROLE-5: fiches contact typed in June, a week before step 2
# is handed in, through the fiche's services.
@dataclass(frozen=True)
class DemoFiche:
    student_part: datetime.date  # the day the student typed their part
    company_part: datetime.date  # the day the company's part was typed
    activities: str
    pfe_project: str
    presentation: str
    # The name the student typed for the company, when it is not the
    # company's: on a company another dossier uses, a proposal (DOC-12).
    company_name: str | None = None
    # (first name, last name, job title) of a signatory the student typed:
    # their address waits for the office's confirmation (ROLE-5).
    signatory: tuple | None = None
    # The day the office sent the company's signatory a personal link, who
    # then typed the company's part (ROLE-5); None: the student typed it.
    link_sent: datetime.date | None = None
    tutor_phone: str = ""
    tutor_experience_years: int | None = None


FICHES = {
    # Typed by Léa, then by the company itself through its personal link.
    "eleve": DemoFiche(
        student_part=D(2026, 6, 1), link_sent=D(2026, 6, 2), company_part=D(2026, 6, 4),
        activities="Développement du module de planification des tournées que l'éditeur vend aux collectivités : "
                   "conception, code Python et Django, tests automatisés, mise en production avec l'équipe.",
        pfe_project="Refonte du moteur de calcul des tournées autour d'un solveur de contraintes, "
                    "et mesure du gain pour les clients.",
        presentation="Éditeur de logiciels de gestion pour les collectivités et les PME du Gard (45 salariés) ; "
                     "le pôle développement compte douze ingénieurs.",
        tutor_phone="04 66 52 18 30", tutor_experience_years=12,
    ),
    # Arthur typed the company's usual short name and a signatory the
    # company never gave the office: both wait on the office's review page.
    "eleve26": DemoFiche(
        student_part=D(2026, 6, 2), company_part=D(2026, 6, 5),
        company_name="MPC Mécanique de Précision",
        activities="Industrialisation d'une ligne d'usinage de pièces aéronautiques : gammes de fabrication, "
                   "programmation des centres 5 axes, suivi de la qualité.",
        pfe_project="Mise en place d'un suivi numérique de la production (MES) dans l'atelier d'usinage.",
        presentation="Sous-traitant en mécanique de précision pour l'aéronautique et le médical (80 salariés).",
        signatory=("Sylvie", "Vernet", "Directrice administrative et financière"),
    ),
}
