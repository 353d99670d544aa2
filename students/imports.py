"""Import of the eligibility facts from the scolarité's spreadsheet (seed §4:
the facts ELIG-1…8 read).

The file is an Excel workbook (.xlsx): first sheet, one header row, then one
row per student. ``COLUMNS`` documents every accepted column; the parser, the
downloadable template and the import page all read it. Students are found
by their student number. The file changes only what it says: a column
absent from the file, and an empty cell, leave the fact as it is; « non »
says no, « aucune » clears a date or a text (ELIG import, issue 12: filling
some columns of the template must not reset the others). An unknown number with a first name, a last name, the
institutional e-mail and a department is a new student of the current year
(AUTH-1): their account is a new one, whose password stays unusable until
they follow the invitation mailed by ``contratpro.accounts``; or the
existing account holding that e-mail, only when it has no student record
and its sign-in identifier is that e-mail (``accounts.email_is_identity``:
an account the office, an import or the admin made, whose e-mail its owner
cannot change). Any other account holding the e-mail is never linked: the
row is an error, as it is for an account the importer may not manage (a
superuser, an admin: ``accounts.account_outranks``).

Two phases: ``preview_file`` reads and checks everything without writing and
returns a ``Preview`` (per row: the student, the changes, the errors in
French); ``import_apply`` writes it, all rows in one transaction, and refuses
a preview that holds any error. Facts go through
``services.student_facts_update``, which writes nothing and records nothing
for a student whose facts already hold the file's values: importing the same
file twice changes nothing.
"""

import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from contratpro import roles
from contratpro.accounts import services as accounts

from .models import AcademicYear, Department, InfoMeeting, Student
from .services import FACT_FIELDS, student_create, student_facts_update

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# Past these, the file is refused before openpyxl reads it: a zip that
# inflates far beyond what 2000 rows need is a zip bomb, not a roster.
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
MAX_COLUMNS = 40
MAX_SCANNED_ROWS = 10 * MAX_ROWS  # empty rows included
IMPORT_VERB = "students.facts.import"

STUDENT_NUMBER, NAME, BOOL, DATE, TEXT, MEETING = "numero", "nom", "booleen", "date", "texte", "reunion"
FIRST_NAME, EMAIL, DEPARTMENT, OPTION = "prenom", "email", "departement", "option"
CREATE_VERB = "students.student.import"
KIND_LABELS = {
    FIRST_NAME: gettext_lazy("texte"),
    EMAIL: gettext_lazy("adresse e-mail"),
    DEPARTMENT: gettext_lazy("code du département (2ER, ECOMAP, 2IA, GCBD, PRISM, ISERM)"),
    OPTION: gettext_lazy("nom de l'option, vide si aucune"),
    STUDENT_NUMBER: gettext_lazy("texte ou nombre"),
    NAME: gettext_lazy("texte"),
    BOOL: gettext_lazy("oui / non ; vide : inchangé"),
    DATE: gettext_lazy("date (jj/mm/aaaa) ; « aucune » l'efface ; vide : inchangé"),
    TEXT: gettext_lazy("texte ; « aucun » l'efface ; vide : inchangé"),
    MEETING: gettext_lazy("date (jj/mm/aaaa) ; plusieurs dates séparées par « ; » ; « aucune » : aucune réunion ; "
                          "vide : inchangé"),
}


@dataclass(frozen=True)
class Column:
    # The header is the file's vocabulary, shared with the scolarité: it is
    # matched as written (accents and case aside), never translated.
    header: str
    field: str
    kind: str
    help: str
    required: bool = False

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


COLUMNS = [
    Column("N° étudiant", "student_number", STUDENT_NUMBER,
           gettext_lazy("Identifie l'élève. Un numéro inconnu du portail crée l'élève, à condition que la ligne "
                        "porte aussi son nom, son prénom, son e-mail et son département."),
           required=True),
    Column("Nom", "last_name", NAME,
           gettext_lazy("Contrôlé contre le nom d'un élève existant : une différence est une erreur. "
                        "Obligatoire pour créer un élève.")),
    Column("SIO validé", "sio_validated", BOOL, gettext_lazy("Séjour à l'international obligatoire validé.")),
    Column("TOEIC validé", "toeic_validated", BOOL, gettext_lazy("TOEIC validé.")),
    Column("Rattrapage S5", "resit_s5", BOOL, gettext_lazy("Rattrapage en attente au S5 : bloquant.")),
    Column("Rattrapage S6", "resit_s6", BOOL, gettext_lazy("Rattrapage en attente au S6 : bloquant.")),
    Column("Rattrapage S7", "resit_s7", BOOL, gettext_lazy("Rattrapage en attente au S7 : bloquant.")),
    Column("Rattrapage S8", "resit_s8", BOOL,
           gettext_lazy("Rattrapage en attente au S8 : seul, il ne bloque pas.")),
    Column("Rattrapage menaçant le passage en 3A", "resit_threatens_3a", BOOL,
           gettext_lazy("Avis du jury : un rattrapage menace le passage en 3A ; bloquant.")),
    Column("Mobilité internationale S9/S10", "international_mobility", BOOL,
           gettext_lazy("Mobilité internationale engagée au S9 ou au S10 : bloquante.")),
    Column("Élève étranger", "foreign_national", BOOL,
           gettext_lazy("Soumis à un titre de séjour.")),
    Column("Nationalité", "nationality", TEXT,
           gettext_lazy("En toutes lettres, par exemple « française » ; ne s'efface pas. Pour un élève créé sans "
                        "elle : « française ».")),
    Column("Stage 2A > 3 mois", "internship_2a_over_3_months", BOOL,
           gettext_lazy("Le stage de 2A a dépassé 3 mois : le titre doit autoriser le travail "
                        "à titre principal.")),
    Column("Titre de séjour autorisant le travail", "permit_work_authorised", BOOL,
           gettext_lazy("Titre de séjour en cours de validité autorisant à travailler.")),
    Column("Travail à titre principal", "permit_main_activity", BOOL,
           gettext_lazy("Le titre autorise le travail à titre principal (code du travail R5221-7).")),
    Column("Fin de validité du titre de séjour", "permit_expiry", DATE,
           gettext_lazy("Avant la fin du contrat : risque signalé.")),
    Column("Double diplôme entrant", "double_diploma_incoming", BOOL,
           gettext_lazy("Élève en double diplôme entrant.")),
    Column("Établissement d'origine", "home_institution", TEXT,
           gettext_lazy("Obligatoire pour un élève en double diplôme entrant.")),
    Column("Accord établissement d'origine (date)", "home_approval_date", DATE,
           gettext_lazy("Date de l'accord de l'établissement d'origine, étape 3'.")),
    Column("Boursier", "scholarship_holder", BOOL,
           gettext_lazy("L'obtention du contrat met fin à la bourse.")),
    Column("Réunion d'information (date)", "info_meetings", MEETING,
           gettext_lazy("Date de la réunion d'information suivie, parmi celles de l'année de l'élève.")),
    # AUTH-1: what creating a student and their account needs; ignored for
    # a known student but the e-mail, checked against their account's.
    Column("Prénom", "first_name", FIRST_NAME, gettext_lazy("Obligatoire pour créer un élève.")),
    Column("E-mail", "email", EMAIL,
           gettext_lazy("Adresse e-mail de l'école : identifiant de connexion de l'élève, qui y reçoit son "
                        "invitation. Obligatoire pour créer un élève ; pour un élève existant, doit être celle de "
                        "son compte.")),
    Column("Département", "department", DEPARTMENT,
           gettext_lazy("Obligatoire pour créer un élève, inscrit dans l'année universitaire en cours.")),
    Column("Option", "option", OPTION, gettext_lazy("Option de l'élève créé, parmi celles de son département.")),
]
ACCOUNT_FIELDS = ("first_name", "email", "department", "option")
FACT_COLUMNS = [c for c in COLUMNS if c.field in FACT_FIELDS]

TRUE_WORDS = {"oui", "o", "vrai", "x", "1", "true", "yes"}
FALSE_WORDS = {"non", "n", "faux", "0", "false", "no"}
# What clears a date, a text or the meetings: an empty cell changes nothing.
CLEAR_WORDS = {"aucune", "aucun", "néant", "neant", "-", "—"}
DATE_PATTERN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def text_key(text):
    """A header or a name compared without accents, case, odd apostrophes
    or extra spaces (None reads as empty); the timetable's import uses it too."""
    text = unicodedata.normalize("NFKD", "" if text is None else str(text)).replace("’", "'")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


COLUMNS_BY_KEY = {text_key(c.header): c for c in COLUMNS}


def display(value):
    """A before/after value as the preview shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(display(v) for v in sorted(value)) or "—"
    return str(value)


@dataclass
class Change:
    header: str
    before: str
    after: str


@dataclass
class Row:
    number: int  # the spreadsheet's row number
    student_number: str = ""
    student: Student | None = None
    values: dict = field(default_factory=dict)  # fact field → value read
    meetings: list | None = None  # the meetings to attend, None: column absent
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    account: dict = field(default_factory=dict)  # name, e-mail, department, option as read (AUTH-1)
    is_new: bool = False  # ``student`` is not saved yet: the import creates it
    user: object = None  # for a new student, the existing account to link, if any


@dataclass
class Preview:
    """What an import would do; ``errors`` are about the whole file."""

    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def all_errors(self):
        return [*self.errors, *(e for row in self.rows for e in row.errors)]

    @property
    def error_count(self):
        return len(self.all_errors)

    @property
    def is_valid(self):
        return not self.error_count

    @property
    def changed_rows(self):
        return [row for row in self.rows if row.changes]

    @property
    def new_rows(self):
        return [row for row in self.rows if row.is_new]

    @property
    def notable_rows(self):
        """The rows the preview lists: those that change or fail."""
        return [row for row in self.rows if row.changes or row.errors]

    @property
    def unchanged_count(self):
        return len(self.rows) - len(self.notable_rows)

    @property
    def summary(self):
        """« N lignes, M élèves modifiés, K erreurs »."""
        return ", ".join([
            ngettext("%(n)s ligne", "%(n)s lignes", len(self.rows)) % {"n": len(self.rows)},
            *([created_label(len(self.new_rows))] if self.new_rows else []),
            changed_label(len(self.changed_rows) - len(self.new_rows)),
            ngettext("%(n)s erreur", "%(n)s erreurs", self.error_count) % {"n": self.error_count}
            if self.error_count else _("aucune erreur"),
        ])


def created_label(count):
    return ngettext("%(n)s élève créé", "%(n)s élèves créés", count) % {"n": count}


def changed_label(count):
    if not count:
        return _("aucun élève modifié")
    return ngettext("%(n)s élève modifié", "%(n)s élèves modifiés", count) % {"n": count}


@dataclass(frozen=True)
class Result:
    rows: int
    changed: int
    created: int = 0


class FileError(Exception):
    """The file as a whole cannot be imported; ``messages`` are French."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = list(messages)


def not_a_workbook():
    return FileError(_(
        "Ce fichier n'est pas un classeur Excel (.xlsx) lisible. Enregistrez-le au format "
        "« Classeur Excel (.xlsx) » puis déposez-le à nouveau."
    ))


def preview_file(f, *, by=None):
    """Read an uploaded workbook and say what importing it would change for
    the office member ``by``, writing nothing. ``f`` is any binary file
    object."""
    data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        message = _("Ce fichier dépasse %(mb)s Mo : découpez-le en plusieurs fichiers.")
        return Preview(errors=[message % {"mb": MAX_BYTES // (1024 * 1024)}])
    try:
        header, lines = read_sheet(data)
        columns, positions = _read_header(header)
    except FileError as exc:
        return Preview(errors=exc.messages)
    if not lines:
        message = _("Aucun élève sous la ligne d'en-têtes : le fichier ne contient rien à importer.")
        return Preview(columns=columns, errors=[message])
    preview = Preview(columns=columns)
    preview.errors += _check_duplicates(lines, positions)
    students = _students(lines, positions)
    numbers = {_student_number(cells[positions["student_number"]]) for _n, cells in lines} - {""}
    # Read only when the file may create students: no cost for an update.
    creation = _creation_context(lines, positions) if numbers - students.keys() and "email" in positions \
        else {"year": None, "departments": {}, "users": {}}
    creation["by"] = by or AnonymousUser()
    creation.update(_email_fill_context(lines, positions, students, creation["by"]))
    years = {s.year_id for s in students.values()} | ({creation["year"].pk} if creation["year"] else set())
    meetings = _meetings(years) if "info_meetings" in positions else {}
    for number, cells in lines:
        preview.rows.append(_read_row(number, cells, positions, students, meetings, creation))
    preview.errors += _check_duplicate_emails(preview.rows)
    return preview


def read_sheet(data):
    """The header and the non-empty rows of the first sheet, as (row number,
    cells). The content is checked before openpyxl opens it: an .xlsx is a
    zip holding a workbook, of bounded size once unzipped. Shared by the
    timetable's import (``attendance.imports``)."""
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook() from None
    names = {entry.filename for entry in entries}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise not_a_workbook()
    if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
        raise FileError(_("Ce classeur est trop volumineux une fois décompressé : découpez-le en plusieurs fichiers."))
    lines = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns on extensions it skips
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise FileError(_("Ce classeur ne contient aucune feuille."))
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # the declared size may be wrong; read what is there
                rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
                header = next(rows, ())
                for number, cells in enumerate(rows, start=2):
                    if len(lines) > MAX_ROWS:
                        break
                    if number > MAX_SCANNED_ROWS:
                        message = _(
                            "La feuille s'étend au-delà de la ligne %(max)s : supprimez les lignes vides "
                            "sous les données ou découpez le fichier."
                        )
                        raise FileError(message % {"max": MAX_SCANNED_ROWS})
                    if not all(_blank(v) for v in cells):
                        lines.append((number, cells))
            finally:
                workbook.close()
    except FileError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise not_a_workbook() from None
    if all(_blank(v) for v in header) and not lines:
        raise FileError(_("La première feuille du classeur est vide : la ligne 1 doit porter les en-têtes des colonnes."))
    if len(lines) > MAX_ROWS:
        message = _("Ce fichier compte plus de %(max)s lignes : découpez-le en plusieurs fichiers.")
        raise FileError(message % {"max": MAX_ROWS})
    return header, lines


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _read_header(header):
    """The known columns present, and the position of each field."""
    errors, columns, positions = [], [], {}
    for index, value in enumerate(header):
        if _blank(value):
            continue
        column = COLUMNS_BY_KEY.get(text_key(value))
        if column is None:
            errors.append(_(
                "Colonne %(letter)s : l'en-tête « %(header)s » n'est pas une colonne connue. Corrigez-le "
                "(les colonnes acceptées sont décrites sur la page d'import) ou supprimez la colonne."
            ) % {"letter": get_column_letter(index + 1), "header": str(value).strip()})
        elif column.field in positions:
            message = _("La colonne « %(header)s » figure deux fois : gardez-en une seule.")
            errors.append(message % {"header": column.header})
        else:
            columns.append(column)
            positions[column.field] = index
    for column in COLUMNS:
        if column.required and column.field not in positions:
            errors.append(_(
                "La colonne obligatoire « %(header)s » manque : la ligne 1 doit porter les en-têtes, "
                "dont « %(header)s »."
            ) % {"header": column.header})
    if errors:
        raise FileError(*errors)
    return columns, positions


def _student_number(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _check_duplicates(lines, positions):
    seen = {}
    for number, cells in lines:
        key = _student_number(cells[positions["student_number"]])
        if key:
            seen.setdefault(key, []).append(str(number))
    return [
        _("Le N° étudiant %(number)s figure sur plusieurs lignes (%(rows)s) : gardez-en une seule.")
        % {"number": key, "rows": ", ".join(rows)}
        for key, rows in seen.items()
        if len(rows) > 1
    ]


def _students(lines, positions):
    """The students the file names, by number, in two queries."""
    numbers = {_student_number(cells[positions["student_number"]]) for _number, cells in lines} - {""}
    queryset = Student.objects.filter(student_number__in=numbers).select_related("user", "year", "option")
    return {s.student_number: s for s in queryset.prefetch_related("info_meetings")}


def _creation_context(lines, positions):
    """What creating students needs, read once: the current year, the
    departments and options, the accounts holding the file's e-mails."""
    emails = set()
    if "email" in positions:
        emails = {str(cells[positions["email"]]).strip().lower() for _n, cells in lines
                  if not _blank(cells[positions["email"]])}
    holders = get_user_model().objects.annotate(email_lower=Lower("email"), username_lower=Lower("username")).filter(
        Q(email_lower__in=emails) | Q(username_lower__in=emails))
    users = {}
    for user in accounts.with_permission_flag(holders).select_related("student"):
        for key in {user.email_lower, user.username_lower} & emails:
            users.setdefault(key, []).append(user)
    return {
        "year": AcademicYear.objects.current(),
        "departments": {d.code.casefold(): d for d in Department.objects.prefetch_related("options")},
        "users": users,
    }


def _email_fill_context(lines, positions, students, by):
    """AUTH-1: for known students whose account has no e-mail yet (the file
    gives it), the accounts already holding those e-mails and the accounts
    ``by`` may not manage; two queries, and none when no account lacks one."""
    wanted = {}
    if "email" in positions:
        for _n, cells in lines:
            student = students.get(_student_number(cells[positions["student_number"]]))
            if student is not None and not student.user.email and not _blank(cells[positions["email"]]):
                wanted[str(cells[positions["email"]]).strip().lower()] = student.user_id
    if not wanted:
        return {"taken": {}, "outranked": set()}
    holders = get_user_model().objects.annotate(email_lower=Lower("email"), username_lower=Lower("username")).filter(
        Q(email_lower__in=wanted) | Q(username_lower__in=wanted))
    taken = {}
    for user in holders:
        for key in {user.email_lower, user.username_lower} & wanted.keys():
            if wanted[key] != user.pk:
                taken[key] = user
    users = accounts.with_permission_flag(get_user_model().objects.filter(pk__in=wanted.values()))
    return {"taken": taken, "outranked": {u.pk for u in users if accounts.account_outranks(u, by)}}


def _new_student(row, where, creation):
    """AUTH-1: an unknown number is a new student when the row says who they
    are; ``row.student`` becomes the unsaved student, ``row.user`` the
    account to link, if one holds the e-mail."""
    account = row.account
    missing = [header for name, header in (("last_name", "Nom"), ("first_name", "Prénom"), ("email", "E-mail"),
                                           ("department", "Département")) if not account.get(name)]
    if missing:
        row.errors.append(_(
            "%(where)s : N° étudiant %(number)s inconnu. Pour créer cet élève, renseignez aussi %(columns)s."
        ) % {"where": where, "number": row.student_number,
             "columns": ", ".join(f"« {header} »" for header in missing)})
        return
    errors = []
    user = None
    try:
        validate_email(account["email"])
    except ValidationError:
        errors.append(_("%(where)s, colonne « E-mail » : « %(value)s » n'est pas une adresse e-mail valide.")
                      % {"where": where, "value": account["email"]})
    else:
        user = _holder(account["email"], creation["users"].get(account["email"].lower(), []), creation["by"],
                       lambda message: errors.append(_("%(where)s, colonne « E-mail » : %(message)s")
                                                     % {"where": where, "message": message}))
    department = creation["departments"].get(account["department"].casefold())
    option = None
    if department is None:
        errors.append(_("%(where)s, colonne « Département » : aucun département de code « %(value)s ».")
                      % {"where": where, "value": account["department"]})
    elif account.get("option"):
        option = next((o for o in department.options.all() if text_key(o.name) == text_key(account["option"])), None)
        if option is None:
            errors.append(_("%(where)s, colonne « Option » : le département %(code)s n'a pas d'option « %(value)s ».")
                          % {"where": where, "code": department.code, "value": account["option"]})
    for name, header in (("last_name", "Nom"), ("first_name", "Prénom")):
        if len(account[name]) > 150:
            errors.append(_("%(where)s, colonne « %(header)s » : au plus 150 caractères.")
                          % {"where": where, "header": header})
        elif message := accounts.name_error(account[name]):
            errors.append(_("%(where)s, colonne « %(header)s » : %(message)s")
                          % {"where": where, "header": header, "message": message})
    if creation["year"] is None:
        errors.append(_("%(where)s : aucune année universitaire n'existe pour y inscrire l'élève ; créez-la "
                        "d'abord.") % {"where": where})
    if errors:
        row.errors += errors
        return
    row.is_new, row.user = True, user
    row.student = Student(year=creation["year"], department=department, option=option,
                          student_number=row.student_number)


def _holder(email, holders, by, error):
    """AUTH-1: the existing account a new student's row links (see the
    module's docstring), ``None`` for a new account, and ``error(message)``
    for an account the row must not take."""
    if not holders:
        if message := accounts.email_identity_error(email):
            error(message)
        return None
    user = holders[0]
    if hasattr(user, "student"):
        error(_("%(email)s est déjà l'adresse de l'élève %(name)s (N° étudiant %(number)s) : vérifiez le numéro "
                "ou l'adresse.") % {"email": email, "name": user.get_full_name(),
                                    "number": user.student.student_number or "—"})
    elif len(holders) > 1 or not accounts.email_is_identity(user):
        error(_("l'adresse %(email)s est déjà portée par le compte « %(login)s », dont l'identifiant de connexion "
                "n'est pas cette adresse : l'import ne le relie pas à cet élève. Le service Contrats pro vérifie ce "
                "compte sur la page Personnes (et corrige son adresse si elle n'est pas la sienne).")
              % {"email": email, "login": user.username})
    elif accounts.account_outranks(user, by):
        error(_("le compte de %(email)s est celui d'un superutilisateur ou d'un administrateur : l'import ne le "
                "relie pas à un élève.") % {"email": email})
    else:
        return user
    return None


def _check_email(row, where, creation):
    """A known student's e-mail in the file must be their account's; an
    account without one gets it (AUTH-1), unless another account holds it
    or the importer may not manage this one."""
    email = row.account.get("email", "")
    current = row.student.user.email
    if not email or email.lower() == current.lower():
        return
    if not current:
        holder = creation.get("taken", {}).get(email.lower())
        if holder is not None:
            row.errors.append(_("%(where)s, colonne « E-mail » : %(email)s est déjà l'adresse du compte « %(login)s » ; "
                                "corrigez le fichier, ou demandez au service Contrats pro de vérifier ces comptes.")
                              % {"where": where, "email": email, "login": holder.username})
        elif row.student.user_id in creation.get("outranked", ()):
            row.errors.append(_("%(where)s, colonne « E-mail » : le compte de cet élève est celui d'un "
                                "superutilisateur ou d'un administrateur : seul un superutilisateur lui donne une "
                                "adresse.") % {"where": where})
        else:
            try:
                validate_email(email)
            except ValidationError:
                row.errors.append(_("%(where)s, colonne « E-mail » : « %(value)s » n'est pas une adresse e-mail "
                                    "valide.") % {"where": where, "value": email})
            else:
                row.changes.append(Change("E-mail", "—", email))
        return
    row.errors.append(_("%(where)s, colonne « E-mail » : « %(email)s » n'est pas l'adresse du compte de l'élève "
                        "(%(current)s) ; corrigez le fichier, ou demandez au service Contrats pro de modifier "
                        "le compte.") % {"where": where, "email": email, "current": current})


def _check_duplicate_emails(rows):
    seen = {}
    for row in rows:
        if row.is_new:
            seen.setdefault(row.account["email"].lower(), []).append(str(row.number))
    return [
        _("L'adresse %(email)s figure sur plusieurs lignes (%(rows)s) : gardez-en une seule.")
        % {"email": email, "rows": ", ".join(numbers)}
        for email, numbers in seen.items() if len(numbers) > 1
    ]


def _meetings(years):
    """The information meetings of the students' years, by (year, date)."""
    return {(m.year_id, m.date): m for m in InfoMeeting.objects.filter(year__in=years)}


def _read_row(number, cells, positions, students, meetings, creation):
    row = Row(number=number, student_number=_student_number(cells[positions["student_number"]]))
    where = _("Ligne %(row)s") % {"row": number}
    for name in ("last_name", *ACCOUNT_FIELDS):
        if name in positions:
            row.account[name] = "" if _blank(cells[positions[name]]) else str(cells[positions[name]]).strip()
    if not row.student_number:
        row.errors.append(_("%(where)s : le N° étudiant est vide.") % {"where": where})
    else:
        row.student = students.get(row.student_number)
        if row.student is None:
            _new_student(row, where, creation)
        else:
            _check_email(row, where, creation)
    used = set(positions.values())
    for index, value in enumerate(cells):
        if not _blank(value) and index not in used:
            row.errors.append(_("%(where)s : une valeur figure dans la colonne %(letter)s, qui n'a pas d'en-tête.")
                              % {"where": where, "letter": get_column_letter(index + 1)})
    for column in COLUMNS:
        if column.field not in positions or column.kind == STUDENT_NUMBER or column.field in ACCOUNT_FIELDS:
            continue
        value = cells[positions[column.field]]
        if _blank(value):
            continue  # an empty cell leaves the fact as it is
        try:
            parsed = _parse(column, value)
            if column.kind == NAME:
                _check_name(row.student, parsed)
            elif column.kind == MEETING:
                row.meetings = _find_meetings(row.student, parsed, meetings)
            else:
                row.values[column.field] = parsed
        except ValidationError as exc:
            row.errors.append(
                _("%(where)s, colonne \"%(header)s\" : %(message)s")
                % {"where": where, "header": column.header, "message": exc.messages[0]}
            )
    if row.student is not None and not row.errors:
        _compare(row, where)
    return row


def _parse(column, value):
    if column.kind == BOOL:
        return _parse_bool(value)
    if isinstance(value, str) and value.strip().casefold() in CLEAR_WORDS:
        if column.field == "nationality":
            raise ValidationError(_("la nationalité ne s'efface pas : écrivez-la en toutes lettres "
                                    "(par exemple « française »), ou laissez la case vide pour la garder."))
        return [] if column.kind == MEETING else (None if column.kind == DATE else "")
    if column.kind == DATE:
        return _parse_date(value)
    if column.kind == MEETING:
        if isinstance(value, str):
            return [_parse_date(part) for part in value.split(";") if part.strip()]
        return [d for d in [_parse_date(value)] if d]
    text = "" if value is None else str(value).strip()
    if column.kind == TEXT:
        limit = Student._meta.get_field(column.field).max_length
        if len(text) > limit:
            message = _("%(count)s caractères, au plus %(max)s sont admis.")
            raise ValidationError(message % {"count": len(text), "max": limit})
    return text


def _parse_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = "" if value is None else str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("\"%(value)s\" n'est ni oui ni non.") % {"value": str(value).strip()})


def _parse_date(value):
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = DATE_PATTERN.match(str(value).strip())
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise ValidationError(_("\"%(value)s\" n'est pas une date au format jj/mm/aaaa.") % {"value": str(value).strip()})


def _check_name(student, name):
    if student is not None and student.pk and name and text_key(name) != text_key(student.user.last_name):
        raise ValidationError(
            _("« %(name)s » ne correspond pas au nom de l'élève (%(expected)s) : vérifiez le N° étudiant.")
            % {"name": name, "expected": student.user.last_name}
        )


def _find_meetings(student, dates, meetings):
    """ELIG-1: the meetings of the student's year held on ``dates``."""
    if student is None:
        return None
    found = []
    for day in dates:
        meeting = meetings.get((student.year_id, day))
        if meeting is None:
            raise ValidationError(
                _("aucune réunion d'information le %(date)s pour l'année %(year)s : "
                  "créez-la d'abord ou corrigez la date.")
                % {"date": day.strftime("%d/%m/%Y"), "year": student.year.label}
            )
        found.append(meeting)
    return found


def _compare(row, where):
    """Fill ``row.changes``, and check the result as the model would: the
    import must not fail at write time on a row the preview accepted."""
    student = row.student
    headers = {c.field: c.header for c in COLUMNS}
    for name, value in row.values.items():
        before = getattr(student, name)
        if before != value:
            row.changes.append(Change(headers[name], display(before), display(value)))
    if row.meetings is not None:
        before = [] if row.is_new else [m for m in student.info_meetings.all() if m.year_id == student.year_id]
        if {m.pk for m in before} != {m.pk for m in row.meetings}:
            row.changes.append(Change(headers["info_meetings"], display([m.date for m in before]),
                                      display([m.date for m in row.meetings])))
    if row.is_new:
        account = row.account
        row.changes.insert(0, Change(_("Nouvel élève"), "—", _("%(name)s, %(email)s, %(place)s%(account)s") % {
            "name": f"{account['first_name']} {account['last_name']}", "email": account["email"],
            "place": " – ".join(str(p) for p in (student.department.code, student.option) if p),
            "account": _(" (compte existant)") if row.user else _(" ; invitation envoyée"),
        }))
    if row.changes:
        candidate = Student(**{f.attname: getattr(student, f.attname) for f in Student._meta.concrete_fields})
        candidate.option = student.option
        for name, value in row.values.items():
            setattr(candidate, name, value)
        try:
            candidate.clean_fields(exclude=[f.name for f in Student._meta.fields if f.name not in FACT_FIELDS])
            candidate.clean()
        except ValidationError as exc:
            row.errors += [_("%(where)s : %(message)s") % {"where": where, "message": m} for m in exc.messages]


def import_apply(preview, *, by, request=None):
    """Write a checked preview: every row or none (one transaction). Refuses
    a preview with any error. Returns how many rows were read, how many
    students were created (their accounts invited, AUTH-1) and how many
    changed; a student whose facts already match is left alone and gets no
    history entry."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro importe la situation des élèves."))
    if not preview.is_valid:
        raise ValidationError(
            _("Ce fichier comporte des erreurs : corrigez-les et déposez-le à nouveau. Rien n'a été importé.")
        )
    changed = created = 0
    with transaction.atomic():
        for row in preview.rows:
            if row.is_new:
                student = _create(row, by=by, request=request)
                created += 1
            else:
                student = row.student
            meetings = None
            if row.meetings is not None:
                other_years = [] if row.is_new else [
                    m for m in student.info_meetings.all() if m.year_id != student.year_id]
                meetings = [*other_years, *row.meetings]
            fields = student_facts_update(
                student=student, values=row.values, by=by, verb=IMPORT_VERB, attended_meetings=meetings
            )
            email = row.account.get("email", "")
            if not row.is_new and email and not student.user.email:
                accounts.account_email_set(user=student.user, email=email, by=by)
                fields = [*fields, "email"]
            changed += bool(fields) and not row.is_new
    return Result(rows=len(preview.rows), changed=changed, created=created)


def _create(row, *, by, request):
    """AUTH-1: the new student's account (linked, or created and invited),
    then the student."""
    account, user = row.account, row.user
    if user is None:
        user = accounts.account_create(first_name=account["first_name"], last_name=account["last_name"],
                                       email=account["email"], by=by, request=request, source=CREATE_VERB)
    elif not user.has_usable_password() and not accounts.invitation_pending(user):
        accounts.invitation_send(user=user, by=by, request=request)
    draft = row.student
    return student_create(user=user, year=draft.year, department=draft.department, option=draft.option,
                          student_number=draft.student_number, by=by, verb=CREATE_VERB)


def template_workbook():
    """The empty workbook the office hands to the scolarité: the header row
    on the first sheet, each column documented on the « Aide » sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Élèves"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F1")
    last_row = MAX_ROWS + 1
    yes_no = DataValidation(type="list", formula1='"oui,non"', allow_blank=True)
    sheet.data_validations.append(yes_no)
    header = []
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(len(column.header) + 4, 40))
        if column.kind == BOOL:
            yes_no.add(f"{letter}2:{letter}{last_row}")
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # The header says, where the scolarité types, what the column takes
        # and that an empty cell changes nothing.
        cell.comment = Comment(header_comment(column), _("Service Contrats pro"), width=320, height=140)
        header.append(cell)
    sheet.append(header)

    help_sheet = workbook.create_sheet(_("Aide"))
    for letter, width in zip("ABCD", (38, 12, 34, 90)):
        help_sheet.column_dimensions[letter].width = width
    titles = [_("Colonne"), _("Obligatoire"), _("Contenu attendu"), _("Rôle")]
    help_sheet.append([_bold(help_sheet, title, bold) for title in titles])
    for column in COLUMNS:
        required = _("oui") if column.required else _("non")
        help_sheet.append([column.header, required, str(column.kind_label), str(column.help)])
    help_sheet.append([])
    for line in notes():
        help_sheet.append([str(line)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def header_comment(column):
    """The template's note on a column's header: its content and its role."""
    kind = str(column.kind_label)
    required = _("Obligatoire.") if column.required else ""
    return " ".join(part for part in (f"{kind[:1].upper()}{kind[1:]}.", str(column.help), required) if part)


def _bold(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def notes():
    """The rules of the import, as the page and the template's « Aide » sheet state them."""
    return [
        _("La ligne 1 porte les en-têtes. Le fichier ne change que ce qu'il dit : une colonne absente ou une case "
          "vide laisse la donnée inchangée ; « non » dit non ; « aucune » efface une date ou un texte."),
        _("L'import met à jour les élèves retrouvés par leur N° étudiant ; un numéro inconnu crée l'élève dans "
          "l'année en cours si la ligne porte son nom, son prénom, son e-mail et son département, et son "
          "compte reçoit une invitation par e-mail."),
        _("Un compte existant n'est relié à un nouvel élève que si son identifiant de connexion est cette adresse "
          "e-mail ; sinon la ligne est signalée, à vérifier sur la page Personnes."),
        _("Rien n'est enregistré tant qu'une seule ligne comporte une erreur."),
        _("Importer deux fois le même fichier ne change rien."),
        _("Au plus %(rows)s lignes et %(mb)s Mo par fichier.") % {"rows": MAX_ROWS, "mb": MAX_BYTES // (1024 * 1024)},
    ]
