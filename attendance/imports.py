"""Import of the timetable (.xlsx) into sessions (ATT-1).

First sheet, one header row, one row per session; ``COLUMNS`` documents
each column (the page lists them). Like the scolarité's import
(``students.imports``), at a smaller scale: ``preview_file`` reads and
checks every row without writing and says, per row, what it would do or
what is wrong in French; ``import_apply`` writes a preview only when no row
holds an error, all rows in one transaction. A session is found by its
natural key (module, date, start): a row the portal already holds as it is
changes nothing, so importing the same file twice writes nothing; a signed
session no longer changes (the row is an error).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from students.imports import FileError, read_sheet, text_key
from students.models import Department, Module, Option

from . import services
from .models import Session

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1500


@dataclass(frozen=True)
class Column:
    header: str  # the file's vocabulary: matched as written, accents and case aside
    key: str
    help: str
    required: bool = True


COLUMNS = [
    Column("Date", "date", gettext_lazy("Jour de la séance : une date Excel ou jj/mm/aaaa.")),
    Column("Début", "start", gettext_lazy("Heure de début : une heure Excel ou hh:mm (9:00, 13:30).")),
    Column("Fin", "end", gettext_lazy("Heure de fin, après le début.")),
    Column("Département", "department", gettext_lazy("Code du département du module : 2ER, ECOMAP, 2IA, GCBD, "
                                                     "PRISM ou ISERM.")),
    Column("Module", "module", gettext_lazy("Intitulé du module, tel que le programme le nomme.")),
    Column("Nature", "kind", gettext_lazy("cours, TD ou projet.")),
    Column("Enseignant", "teacher", gettext_lazy("Identifiant ou adresse e-mail du compte de l'enseignant.")),
    Column("Salle", "room", gettext_lazy("Facultative."), required=False),
    Column("Options", "options", gettext_lazy("Facultatif : noms des options séparés par « ; » ; vide : tout le "
                                              "département (ou l'option du module)."), required=False),
]
KINDS = {"cours": Session.Kind.COURS, "td": Session.Kind.TD, "projet": Session.Kind.PROJET}


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)
    options: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    session: object = None  # the existing session of the same natural key
    action: str = ""  # "new", "change", "same"

    @property
    def label(self):
        v = self.values
        if not {"date", "start", "module"} <= v.keys():
            return ""
        return f"{v['module'].name} – {v['date']:%d/%m/%Y} {v['start']:%H:%M}"


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    error: str = ""

    @property
    def is_valid(self):
        return not self.error and not any(row.errors for row in self.rows)

    @property
    def to_write(self):
        return [row for row in self.rows if row.action in ("new", "change")]

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)


def preview_file(data, *, by):
    """Read ``data`` (the file's bytes) and check every row; writes nothing."""
    if not roles.can_manage_sessions(by):
        raise PermissionDenied(_("Seul le service Contrats pro importe l'emploi du temps."))
    if len(data) > MAX_BYTES:
        return Preview(error=_("Le fichier dépasse %(mb)s Mo.") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        # The scolarité import's reader: content checked, size bounded.
        header, body = read_sheet(data)
    except FileError as exc:
        return Preview(error=" ".join(str(message) for message in exc.messages))
    positions, missing = _header(header)
    if missing:
        return Preview(error=_("Colonnes obligatoires absentes : %(columns)s.") % {"columns": ", ".join(missing)})
    if len(body) > MAX_ROWS:
        return Preview(error=_("Le fichier dépasse %(rows)s lignes.") % {"rows": MAX_ROWS})
    lookups = _lookups()
    rows = [_row(number, cells, positions, lookups) for number, cells in body]
    _check_duplicates(rows)
    _compare(rows)
    return Preview(rows=rows)


def _header(cells):
    by_key = {text_key(column.header): column for column in COLUMNS}
    positions = {}
    for index, cell in enumerate(cells):
        column = by_key.get(text_key(cell))
        if column is not None and column.key not in positions:
            positions[column.key] = index
    missing = [column.header for column in COLUMNS if column.required and column.key not in positions]
    return positions, missing


def _lookups():
    teachers = get_user_model().objects.filter(is_active=True, groups__name=roles.Group_.TEACHERS.value)
    people = {}
    for user in teachers:
        people[text_key(user.username)] = user
        if user.email:
            people.setdefault(text_key(user.email), user)
    return {
        "departments": {text_key(d.code): d for d in Department.objects.all()},
        "modules": {(m.department_id, text_key(m.name)): m for m in Module.objects.select_related("option")},
        "options": {(o.department_id, text_key(o.name)): o for o in Option.objects.all()},
        "teachers": people,
    }


def _cell(cells, positions, key):
    index = positions.get(key)
    value = cells[index] if index is not None and index < len(cells) else None
    return value.strip() if isinstance(value, str) else value


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _time(value):
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    text = str(value or "").strip().lower().replace("h", ":").replace(" ", "")
    if text.endswith(":"):
        text += "00"
    try:
        return datetime.datetime.strptime(text, "%H:%M").time()
    except ValueError:
        return None


def _row(number, cells, positions, lookups):
    row = Row(number=number)
    error = row.errors.append
    get = lambda key: _cell(cells, positions, key)  # noqa: E731
    day = _date(get("date"))
    if day is None:
        error(_("Date illisible : écrivez-la jj/mm/aaaa."))
    start, end = _time(get("start")), _time(get("end"))
    if start is None:
        error(_("Heure de début illisible : écrivez-la hh:mm."))
    if end is None:
        error(_("Heure de fin illisible : écrivez-la hh:mm."))
    if start and end and end <= start:
        error(_("La fin doit suivre le début."))
    department = lookups["departments"].get(text_key(get("department")))
    module = None
    if department is None:
        error(_("Département « %(value)s » inconnu.") % {"value": get("department") or ""})
    else:
        module = lookups["modules"].get((department.pk, text_key(get("module"))))
        if module is None:
            error(_("Le département %(department)s n'a pas de module « %(value)s ».") % {
                "department": department.code, "value": get("module") or ""})
    kind = KINDS.get(text_key(get("kind")))
    if kind is None:
        error(_("Nature « %(value)s » inconnue : cours, TD ou projet.") % {"value": get("kind") or ""})
    teacher = lookups["teachers"].get(text_key(get("teacher")))
    if teacher is None:
        error(_("Aucun enseignant n'a pour identifiant ou e-mail « %(value)s ».") % {"value": get("teacher") or ""})
    options = []
    for name in filter(None, (part.strip() for part in str(get("options") or "").split(";"))):
        option = lookups["options"].get((department.pk if department else None, text_key(name)))
        if option is None:
            error(_("Option « %(value)s » inconnue dans ce département.") % {"value": name})
        else:
            options.append(option)
    if module is not None and module.option_id and any(o.pk != module.option_id for o in options):
        error(_("Ce module est celui de l'option « %(option)s » : la séance est pour elle seule.") % {
            "option": module.option.name})
    if day is not None and services.year_of(day) is None:
        error(_("Cette date n'appartient à aucune année universitaire du portail."))
    row.values = {"date": day, "start": start, "end": end, "module": module, "kind": kind,
                  "room": str(get("room") or "")[:60], "teacher": teacher}
    row.options = options
    return row


def _check_duplicates(rows):
    seen = {}
    for row in rows:
        if row.errors:
            continue
        key = (row.values["module"].pk, row.values["date"], row.values["start"])
        if key in seen:
            row.errors.append(_("Même module, même jour, même heure que la ligne %(line)s.") % {"line": seen[key]})
        else:
            seen[key] = row.number


def _compare(rows):
    """What each valid row would do, against the sessions the portal holds."""
    valid = [row for row in rows if not row.errors]
    days = {row.values["date"] for row in valid}
    existing = {
        (s.module_id, s.date, s.start): s
        for s in Session.objects.filter(date__in=days).select_related("signature").prefetch_related("options")
    }
    for row in valid:
        v = row.values
        session = existing.get((v["module"].pk, v["date"], v["start"]))
        row.session = session
        if session is None:
            row.action = "new"
            continue
        same = (session.end == v["end"] and session.kind == v["kind"] and session.room == v["room"]
                and session.teacher_id == v["teacher"].pk
                and {o.pk for o in session.options.all()} == {o.pk for o in row.options})
        if same:
            row.action = "same"
        elif _signed(session):
            row.errors.append(_("Cette séance est signée : elle ne peut plus être modifiée."))
        else:
            row.action = "change"


def _signed(session):
    try:
        return session.signature is not None
    except Session.signature.RelatedObjectDoesNotExist:
        return False


@transaction.atomic
def import_apply(preview, *, by):
    """Write ``preview``'s new and changed sessions, all or nothing; a
    preview holding an error is refused whole."""
    if not preview.is_valid:
        raise ValidationError(_("Le fichier contient des erreurs : rien n'a été importé."))
    written = []
    for row in preview.to_write:
        written.append(services.session_save(session=row.session, values=row.values, options=row.options, by=by))
    return written
