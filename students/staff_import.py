"""Import of the staff list (AUTH-1): teachers, department and option heads,
the direction, service social and scolarité.

The file is an Excel workbook (.xlsx) read like the scolarité's
(``students.imports``): first sheet, one header row, one row per person;
``COLUMNS`` documents each column for the page. A person is found by their
e-mail: a new one gets an account (its password unusable) and an
invitation (``contratpro.accounts.services``); a known one gets the file's
name and groups (groups are added, never removed). A department or an
option named in « Responsable de … » gets this person as its head.

AUTH-1, who is "known": only an account whose sign-in identifier is that
e-mail (``accounts.email_is_identity``: made by the office, an import or
the admin; nobody sets their own). Any other account holding the e-mail
(a login such as ``admin`` or ``demo``, whose e-mail anyone could once
type) is never linked nor given roles: the row is an error until the
office checks that account on « Personnes ». A known account above the
importer (a superuser, an admin: ``accounts.account_outranks``) is a row
error too, rather than a refusal of the whole import at apply.

``preview_file`` checks everything and writes nothing; ``import_apply``
writes a preview without error, all rows in one transaction. Importing the
same file twice changes nothing and sends no second invitation.
"""

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

from contratpro import roles
from contratpro.accounts import services as accounts

from .imports import MAX_BYTES, MAX_ROWS, FileError, _blank, read_sheet, text_key
from .models import Department, Option

SOURCE = "students.staff_import"
HEAD_VERB = "accounts.person.heads"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    help: str
    required: bool = False


COLUMNS = [
    Column("Nom", "last_name", gettext_lazy("Nom de famille."), required=True),
    Column("Prénom", "first_name", gettext_lazy("Prénom."), required=True),
    Column("E-mail", "email", gettext_lazy("Adresse e-mail de l'école : identifie la personne et lui sert "
                                          "d'identifiant de connexion."), required=True),
    Column("Fonction", "groups", gettext_lazy("« enseignant », « direction », « service social » ou « scolarité » ; "
                                              "plusieurs séparées par « ; »."), required=True),
    Column("Responsable de département", "departments",
           gettext_lazy("Facultatif : code du département dirigé (par exemple 2IA) ; plusieurs séparés par « ; »."
                        " La personne en devient responsable.")),
    Column("Responsable d'option", "options",
           gettext_lazy("Facultatif : nom de l'option dirigée, tel qu'il figure dans le portail ; plusieurs "
                        "séparées par « ; »."))
]
COLUMNS_BY_KEY = {text_key(c.header): c for c in COLUMNS}
FUNCTIONS = {
    "enseignant": roles.Group_.TEACHERS, "enseignante": roles.Group_.TEACHERS, "enseignants": roles.Group_.TEACHERS,
    "direction": roles.Group_.DIRECTION,
    "service social": roles.Group_.SOCIAL, "social": roles.Group_.SOCIAL,
    "scolarite": roles.Group_.SCOLARITE,
}


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)
    user: object = None
    groups: set = field(default_factory=set)
    departments: list = field(default_factory=list)
    options: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # French lines
    errors: list = field(default_factory=list)

    @property
    def is_new(self):
        return self.user is None


@dataclass
class Preview:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def all_errors(self):
        return [*self.errors, *(e for row in self.rows for e in row.errors)]

    @property
    def is_valid(self):
        return not self.all_errors

    @property
    def changed_rows(self):
        return [row for row in self.rows if row.changes]

    @property
    def notable_rows(self):
        return [row for row in self.rows if row.changes or row.errors]

    @property
    def summary(self):
        errors = len(self.all_errors)
        created = sum(1 for row in self.rows if row.is_new and row.changes)
        return ", ".join([
            ngettext("%(n)s ligne", "%(n)s lignes", len(self.rows)) % {"n": len(self.rows)},
            ngettext("%(n)s compte à créer", "%(n)s comptes à créer", created) % {"n": created}
            if created else _("aucun compte à créer"),
            changed_label(len(self.changed_rows) - created),
            ngettext("%(n)s erreur", "%(n)s erreurs", errors) % {"n": errors} if errors else _("aucune erreur"),
        ])


@dataclass(frozen=True)
class Result:
    rows: int
    created: int
    changed: int


def created_label(count):
    if not count:
        return _("aucun compte créé")
    return ngettext("%(n)s compte créé et invité", "%(n)s comptes créés et invités", count) % {"n": count}


def changed_label(count):
    if not count:
        return _("aucune personne modifiée")
    return ngettext("%(n)s personne modifiée", "%(n)s personnes modifiées", count) % {"n": count}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parts(value):
    return [part.strip() for part in _text(value).split(";") if part.strip()]


def preview_file(f, *, by=None):
    """What importing the staff workbook ``f`` would do, for the office
    member ``by`` (who may not manage every account); writes nothing."""
    data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Preview(errors=[_("Ce fichier dépasse %(mb)s Mo : découpez-le en plusieurs fichiers.")
                               % {"mb": MAX_BYTES // (1024 * 1024)}])
    try:
        header, lines = read_sheet(data)
        positions = _read_header(header)
    except FileError as exc:
        return Preview(errors=exc.messages)
    if not lines:
        return Preview(errors=[_("Aucune personne sous la ligne d'en-têtes : le fichier ne contient rien à importer.")])
    preview = Preview()
    emails = {_text(cells[positions["email"]]).lower() for _n, cells in lines} - {""}
    known = get_user_model().objects.annotate(email_lower=Lower("email"), username_lower=Lower("username")).filter(
        Q(email_lower__in=emails) | Q(username_lower__in=emails))
    users = {}
    for user in accounts.with_permission_flag(known).prefetch_related("groups"):
        for key in {user.email_lower, user.username_lower} & emails:
            users.setdefault(key, []).append(user)
    departments = {d.code.casefold(): d for d in Department.objects.select_related("head")}
    options = {}
    for option in Option.objects.select_related("head", "department"):
        options.setdefault(text_key(option.name), []).append(option)
    for number, cells in lines:
        preview.rows.append(_read_row(number, cells, positions, users, departments, options,
                                      by or AnonymousUser()))
    preview.errors += _conflicts(preview.rows)
    return preview


def _read_header(header):
    errors, positions = [], {}
    for index, value in enumerate(header):
        if _blank(value):
            continue
        column = COLUMNS_BY_KEY.get(text_key(value))
        if column is None:
            errors.append(_("L'en-tête « %(header)s » n'est pas une colonne connue : corrigez-le ou supprimez la "
                            "colonne (les colonnes acceptées sont décrites sur la page d'import).")
                          % {"header": str(value).strip()})
        elif column.field in positions:
            errors.append(_("La colonne « %(header)s » figure deux fois : gardez-en une seule.")
                          % {"header": column.header})
        else:
            positions[column.field] = index
    for column in COLUMNS:
        if column.required and column.field not in positions:
            errors.append(_("La colonne obligatoire « %(header)s » manque : la ligne 1 doit porter les en-têtes.")
                          % {"header": column.header})
    if errors:
        raise FileError(*errors)
    return positions


def _cell(cells, positions, name):
    index = positions.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _read_row(number, cells, positions, users, departments, options, by):
    row = Row(number=number)
    where = _("Ligne %(row)s") % {"row": number}

    def error(column, message):
        row.errors.append(_("%(where)s, colonne « %(header)s » : %(message)s")
                          % {"where": where, "header": column, "message": message})

    for name in ("last_name", "first_name", "email"):
        row.values[name] = _text(_cell(cells, positions, name))
    headers = {c.field: c.header for c in COLUMNS}
    for name in ("last_name", "first_name"):
        if not row.values[name]:
            error(headers[name], _("vide ; il est obligatoire."))
        elif len(row.values[name]) > 150:
            error(headers[name], _("au plus 150 caractères."))
        elif message := accounts.name_error(row.values[name]):
            error(headers[name], message)
    email = row.values["email"]
    if not email:
        error(headers["email"], _("vide ; l'adresse e-mail identifie la personne."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            error(headers["email"], _("« %(value)s » n'est pas une adresse e-mail valide.") % {"value": email})
        else:
            row.user = _holder(email, users.get(email.lower(), []), by, lambda message: error(headers["email"],
                                                                                            message))
    for part in _parts(_cell(cells, positions, "groups")):
        group = FUNCTIONS.get(text_key(part))
        if group is None:
            error(headers["groups"], _("« %(value)s » n'est pas une fonction connue (enseignant, direction, "
                                       "service social, scolarité).") % {"value": part})
        else:
            row.groups.add(group)
    for code in _parts(_cell(cells, positions, "departments")):
        department = departments.get(code.casefold())
        if department is None:
            error(headers["departments"], _("aucun département de code « %(value)s ».") % {"value": code})
        else:
            row.departments.append(department)
    for name in _parts(_cell(cells, positions, "options")):
        found = options.get(text_key(name), [])
        if not found:
            error(headers["options"], _("aucune option nommée « %(value)s ».") % {"value": name})
        elif len(found) > 1:
            error(headers["options"], _("plusieurs départements ont une option « %(value)s ».") % {"value": name})
        else:
            row.options.append(found[0])
    if not row.errors:
        _compare(row)
    return row


def _holder(email, holders, by, error):
    """AUTH-1: the account this row's e-mail names, or ``None`` for a new
    one; an error for an account the import must not take for this person
    (see the module's docstring) or that ``by`` may not manage."""
    if not holders:
        if message := accounts.email_identity_error(email):
            error(message)
        return None
    user = holders[0]
    if len(holders) > 1 or not accounts.email_is_identity(user):
        error(_("l'adresse %(email)s est déjà portée par le compte « %(login)s », dont l'identifiant de connexion "
                "n'est pas cette adresse : l'import ne lui donne ni nom ni rôle. Vérifiez ce compte sur la page "
                "Personnes (corrigez son adresse si elle n'est pas la sienne), ou retirez la ligne.")
              % {"email": email, "login": user.username})
        return None
    if accounts.account_outranks(user, by):
        error(_("le compte de %(email)s est celui d'un superutilisateur ou d'un administrateur : seul un "
                "superutilisateur le modifie. Retirez la ligne, ou demandez-lui de faire l'import.")
              % {"email": email})
        return None
    return user


def _compare(row):
    """The changes, as the preview lists them, in French."""
    user, values = row.user, row.values
    if user is None:
        row.changes.append(_("nouveau compte, invitation envoyée à %(email)s") % {"email": values["email"]})
    else:
        if (user.last_name, user.first_name) != (values["last_name"], values["first_name"]):
            row.changes.append(_("nom : %(before)s → %(after)s") % {
                "before": user.get_full_name(), "after": f"{values['first_name']} {values['last_name']}"})
        current = {g.name for g in user.groups.all()}
        added = sorted(str(g.label) for g in row.groups if g.value not in current)
        if added:
            row.changes.append(_("rôles ajoutés : %(groups)s") % {"groups": ", ".join(added)})
        if not user.is_active:
            row.errors.append(_("Ligne %(row)s : le compte de %(email)s est désactivé ; réactivez-le d'abord depuis "
                                "la page Personnes, ou retirez la ligne.") % {"row": row.number, "email": user.email})
    for place in [*row.departments, *row.options]:
        if user is not None and place.head_id == user.pk:
            continue
        label = place.code if isinstance(place, Department) else place.name
        if place.head_id:
            row.changes.append(_("responsable de %(place)s (à la place de %(before)s)")
                               % {"place": label, "before": place.head.get_full_name()})
        else:
            row.changes.append(_("responsable de %(place)s") % {"place": label})


def _conflicts(rows):
    """File-wide errors: one e-mail or one head's post on two rows."""
    errors, emails, heads = [], {}, {}
    for row in rows:
        if row.values.get("email"):
            emails.setdefault(row.values["email"].lower(), []).append(str(row.number))
        for place in [*row.departments, *row.options]:
            heads.setdefault((type(place).__name__, place.pk, str(place)), []).append(str(row.number))
    for email, numbers in emails.items():
        if len(numbers) > 1:
            errors.append(_("L'adresse %(email)s figure sur plusieurs lignes (%(rows)s) : gardez-en une seule.")
                          % {"email": email, "rows": ", ".join(numbers)})
    for (_kind, _pk, label), numbers in heads.items():
        if len(numbers) > 1:
            errors.append(_("%(place)s a plusieurs responsables dans le fichier (lignes %(rows)s) : gardez-en un seul.")
                          % {"place": label, "rows": ", ".join(numbers)})
    return errors


def import_apply(preview, *, by, request=None):
    """Write a checked preview: every row or none. Refuses a preview with an
    error. New people get an account and an invitation (AUTH-1)."""
    if not roles.can_manage_accounts(by):
        raise PermissionDenied(_("Seul le service Contrats pro importe la liste des personnels."))
    if not preview.is_valid:
        raise ValidationError(_("Ce fichier comporte des erreurs : corrigez-les et déposez-le à nouveau. "
                                "Rien n'a été importé."))
    created = changed = 0
    with transaction.atomic():
        for row in preview.rows:
            if not row.changes:
                continue
            values = row.values
            if row.user is None:
                user = accounts.account_create(first_name=values["first_name"], last_name=values["last_name"],
                                               email=values["email"], groups=row.groups, by=by, request=request,
                                               source=SOURCE)
                created += 1
            else:
                user = row.user
                groups = {g.name for g in user.groups.all()} | {g.value for g in row.groups}
                accounts.person_update(user=user, first_name=values["first_name"], last_name=values["last_name"],
                                       email=user.email, groups=groups, by=by)
                changed += 1
            places = [p for p in [*row.departments, *row.options] if p.head_id != user.pk]
            for place in places:
                type(place).objects.filter(pk=place.pk).update(head=user)
            if places:
                accounts.account_event_record(user, HEAD_VERB, by, heads=[str(p) for p in places])
    return Result(rows=len(preview.rows), created=created, changed=changed)


def notes():
    return [
        _("La ligne 1 porte les en-têtes ; une personne est retrouvée par son adresse e-mail, quand cette adresse "
          "est son identifiant de connexion. Un autre compte portant l'adresse n'est jamais modifié : la ligne est "
          "signalée, à vérifier sur la page Personnes."),
        _("Une personne inconnue reçoit un compte et une invitation par e-mail pour choisir son mot de passe."),
        _("Les fonctions du fichier s'ajoutent aux rôles de la personne ; aucun rôle n'est retiré."),
        _("Rien n'est enregistré tant qu'une seule ligne comporte une erreur."),
        _("Importer deux fois le même fichier ne change rien et n'envoie pas de seconde invitation."),
        _("Au plus %(rows)s lignes et %(mb)s Mo par fichier.") % {"rows": MAX_ROWS, "mb": MAX_BYTES // (1024 * 1024)},
    ]
