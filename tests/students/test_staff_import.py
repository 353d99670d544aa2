"""Import of the staff list (AUTH-1): teachers, heads and the direction get
accounts and invitations; the file is checked whole, row errors in French,
nothing written unless all is valid, and a second import changes nothing."""

import html
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contratpro.accounts import services as accounts
from contratpro.models import AccountEvent, Invitation, User
from students import staff_import
from students.models import Department, Option
from tests import factories

from .test_imports import private_storage, xlsx  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

HEADERS = ["Nom", "Prénom", "E-mail", "Fonction", "Responsable de département", "Responsable d'option"]
PAGE = reverse("students:staff-import")


def preview(*rows, headers=HEADERS):
    return staff_import.preview_file(io.BytesIO(xlsx(headers, *rows)))


def state():
    """What an import may write: accounts, their groups, heads, invitations."""
    return {
        "users": sorted(User.objects.values_list("email", "first_name", "last_name", "password")),
        "groups": sorted(User.groups.through.objects.values_list("user__email", "group__name")),
        "departments": sorted(Department.objects.values_list("code", "head__email")),
        "options": sorted(Option.objects.values_list("name", "head__email")),
        "invitations": Invitation.objects.count(),
        "events": AccountEvent.objects.count(),
    }


GOOD_ROWS = [
    ["Rouvière", "Thomas", "thomas.rouviere@mines-ales.fr", "enseignant", "2IA", ""],
    ["Teissier", "Hélène", "helene.teissier@mines-ales.fr", "Enseignante", "", "Bâtiment et Énergie"],
    ["Dalmas", "Jeanne", "jeanne.dalmas@mines-ales.fr", "direction", "", ""],
]


def test_auth_1_staff_import_creates_invites_and_sets_heads(office, django_capture_on_commit_callbacks, mailoutbox):
    """New people get an account (no password yet), their groups and an
    invitation; the departments and options named get them as heads."""
    with django_capture_on_commit_callbacks(execute=True):
        result = staff_import.import_apply(preview(*GOOD_ROWS), by=office)
    assert (result.rows, result.created, result.changed) == (3, 3, 0)
    thomas = User.objects.get(email="thomas.rouviere@mines-ales.fr")
    assert not thomas.has_usable_password()
    assert list(thomas.groups.values_list("name", flat=True)) == ["Enseignants"]
    assert Department.objects.get(code="2IA").head == thomas
    assert Option.objects.get(name="Bâtiment et Énergie").head.email == "helene.teissier@mines-ales.fr"
    assert list(User.objects.get(email="jeanne.dalmas@mines-ales.fr").groups.values_list("name", flat=True)) == [
        "Direction"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r[2] for r in GOOD_ROWS)
    assert Invitation.objects.filter(used_at__isnull=True, revoked_at__isnull=True).count() == 3


def test_auth_1_staff_import_twice_changes_nothing_and_sends_no_second_invitation(
        office, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        staff_import.import_apply(preview(*GOOD_ROWS), by=office)
    before, sent = state(), len(mailoutbox)
    again = preview(*GOOD_ROWS)
    assert again.is_valid and again.changed_rows == []
    with django_capture_on_commit_callbacks(execute=True):
        result = staff_import.import_apply(again, by=office)
    assert (result.created, result.changed) == (0, 0)
    assert state() == before
    assert len(mailoutbox) == sent


def test_auth_1_staff_import_finds_a_known_person_by_email_and_adds_groups(office):
    """A known person (e-mail matched whatever its case, their sign-in
    identifier) keeps their account and password; the file's function is
    added, no role removed."""
    known = factories.UserFactory(username="thomas.rouviere@mines-ales.fr", email="Thomas.Rouviere@mines-ales.fr",
                                  first_name="Thomas", last_name="Rouvière", groups=["Scolarité"])
    password = known.password
    checked = preview(GOOD_ROWS[0])
    assert checked.rows[0].changes == ["rôles ajoutés : Enseignants", "responsable de 2IA"]
    staff_import.import_apply(checked, by=office)
    known.refresh_from_db()
    assert known.password == password
    assert sorted(known.groups.values_list("name", flat=True)) == ["Enseignants", "Scolarité"]
    assert Department.objects.get(code="2IA").head == known
    assert User.objects.filter(email__iexact="thomas.rouviere@mines-ales.fr").count() == 1


def test_auth_1_staff_import_replaces_a_departments_head_and_says_so(office):
    before = factories.UserFactory(first_name="Ancien", last_name="Responsable")
    Department.objects.filter(code="2IA").update(head=before)
    checked = preview(GOOD_ROWS[0])
    assert "responsable de 2IA (à la place de Ancien Responsable)" in checked.rows[0].changes
    staff_import.import_apply(checked, by=office)
    assert Department.objects.get(code="2IA").head.email == "thomas.rouviere@mines-ales.fr"


@pytest.mark.parametrize(("row", "message"), [
    (["", "Thomas", "t.r@mines-ales.fr", "enseignant", "", ""], "Ligne 2, colonne « Nom » : vide ; il est obligatoire."),
    (["Rouvière", "Thomas", "thomas-at-mines", "enseignant", "", ""],
     "Ligne 2, colonne « E-mail » : « thomas-at-mines » n'est pas une adresse e-mail valide."),
    (["Rouvière", "Thomas", "t.r@mines-ales.fr", "jardinier", "", ""],
     "Ligne 2, colonne « Fonction » : « jardinier » n'est pas une fonction connue (enseignant, direction, "
     "service social, scolarité)."),
    (["Rouvière", "Thomas", "t.r@mines-ales.fr", "enseignant", "XYZ", ""],
     "Ligne 2, colonne « Responsable de département » : aucun département de code « XYZ »."),
    (["Rouvière", "Thomas", "t.r@mines-ales.fr", "enseignant", "", "Cuisine"],
     "Ligne 2, colonne « Responsable d'option » : aucune option nommée « Cuisine »."),
    # AUTH-1: the e-mail becomes the sign-in identifier, which Django's
    # username validator checks at apply: refused at preview instead.
    (["d'Arc", "Jeanne", "jeanne.d'arc@mines-ales.fr", "enseignant", "", ""],
     "Ligne 2, colonne « E-mail » : « jeanne.d'arc@mines-ales.fr » ne peut pas servir d'identifiant de connexion : "
     "seuls les lettres, les chiffres et les signes . @ + - _ y sont admis (pas d'apostrophe ni d'espace)."),
    (["Long", "Thomas", "t" * 140 + "@mines-ales.fr", "enseignant", "", ""],
     "Ligne 2, colonne « E-mail » : au plus 150 caractères : cette adresse est trop longue pour servir "
     "d'identifiant de connexion."),
    # A name read as a formula by the Excel exports.
    (["+cmd|' /C calc'!A0", "Thomas", "t.r@mines-ales.fr", "enseignant", "", ""],
     "Ligne 2, colonne « Nom » : un nom ne commence pas par « = », « + », « - » ni « @ »."),
    (["Rouvière", "@Thomas", "t.r@mines-ales.fr", "enseignant", "", ""],
     "Ligne 2, colonne « Prénom » : un nom ne commence pas par « = », « + », « - » ni « @ »."),
])
def test_auth_1_staff_import_row_errors_are_french_and_located(row, message):
    checked = preview(row)
    assert not checked.is_valid
    assert checked.all_errors == [message]


def test_auth_1_staff_import_a_bad_row_among_good_ones_writes_nothing(office, mailoutbox):
    before = state()
    checked = preview(*GOOD_ROWS, ["Pradier", "Mathieu", "pas-une-adresse", "enseignant", "", ""])
    assert not checked.is_valid
    with pytest.raises(ValidationError, match="Rien n'a été importé"):
        staff_import.import_apply(checked, by=office)
    assert state() == before
    assert mailoutbox == []


def test_auth_1_staff_import_file_errors(office):
    """Same e-mail twice, a post held by two people, a missing column."""
    twice = preview(GOOD_ROWS[0], ["Rouvière", "T.", "THOMAS.rouviere@mines-ales.fr", "enseignant", "", ""])
    assert "L'adresse thomas.rouviere@mines-ales.fr figure sur plusieurs lignes (2, 3) : gardez-en une seule." in \
        twice.errors
    two_heads = preview(GOOD_ROWS[0], ["Pradier", "Mathieu", "m.p@mines-ales.fr", "enseignant", "2ia", ""])
    assert any("a plusieurs responsables dans le fichier (lignes 2, 3)" in e for e in two_heads.errors)
    missing = preview(["Rouvière", "Thomas"], headers=["Nom", "Prénom"])
    assert "La colonne obligatoire « E-mail » manque : la ligne 1 doit porter les en-têtes." in missing.errors


def test_auth_1_staff_import_refuses_a_deactivated_person(office):
    gone = factories.UserFactory(username="thomas.rouviere@mines-ales.fr", email="thomas.rouviere@mines-ales.fr")
    accounts.person_deactivate(user=gone, by=office)
    checked = preview(GOOD_ROWS[0])
    assert not checked.is_valid
    assert "est désactivé ; réactivez-le d'abord" in checked.all_errors[0]


def test_auth_1_staff_import_is_the_offices_only(login):
    teacher = factories.UserFactory(groups=["Enseignants"])
    with pytest.raises(PermissionDenied):
        staff_import.import_apply(preview(*GOOD_ROWS), by=teacher)
    assert login(teacher).get(PAGE).status_code == 403


def test_auth_1_staff_import_through_the_page_previews_then_confirms(office, login, private_storage,  # noqa: F811
                                                                    django_capture_on_commit_callbacks, mailoutbox):
    client = login(office)
    assert client.get(PAGE).status_code == 200
    upload = SimpleUploadedFile("personnels.xlsx", xlsx(HEADERS, *GOOD_ROWS))
    response = client.post(PAGE, {"file": upload})
    assert response.status_code == 200
    assert not User.objects.filter(email="thomas.rouviere@mines-ales.fr").exists()
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"token": token}, follow=True)
    body = html.unescape(response.content.decode())
    assert "Import terminé : 3 lignes lues, 3 comptes créés et invités, aucune personne modifiée." in body
    assert len(mailoutbox) == 3
    assert mailoutbox[0].body.count("http://testserver/invitation/") == 1


def test_auth_1_staff_import_gives_no_role_to_an_account_that_set_the_email_itself(office):
    """The attack (AUTH-1): an account whose login is not its e-mail (the
    demo's, an admin-made one) put a head's address on itself; the staff
    list naming that address as Direction and head of 2IA must not make it
    either: a French row error, nothing written, nobody renamed."""
    intruder = factories.UserFactory(username="demo", email="nouveau.chef@mines-ales.fr", first_name="Eve",
                                     last_name="Intruse")
    row = ["Chef", "Nouveau", "nouveau.chef@mines-ales.fr", "direction", "2IA", ""]
    checked = preview(row)
    assert not checked.is_valid
    assert checked.rows[0].user is None and checked.rows[0].changes == []
    assert checked.all_errors == [
        "Ligne 2, colonne « E-mail » : l'adresse nouveau.chef@mines-ales.fr est déjà portée par le compte « demo », "
        "dont l'identifiant de connexion n'est pas cette adresse : l'import ne lui donne ni nom ni rôle. Vérifiez ce "
        "compte sur la page Personnes (corrigez son adresse si elle n'est pas la sienne), ou retirez la ligne."]
    before = state()
    with pytest.raises(ValidationError):
        staff_import.import_apply(checked, by=office)
    assert state() == before
    intruder.refresh_from_db()
    assert list(intruder.groups.all()) == [] and intruder.get_full_name() == "Eve Intruse"
    assert Department.objects.get(code="2IA").head != intruder


def test_auth_1_staff_import_an_account_whose_login_is_the_address_is_an_error_too(office):
    """A login equal to the file's address on an account holding another
    e-mail is not that person either (and would clash at apply)."""
    factories.UserFactory(username="nouveau.chef@mines-ales.fr", email="autre@exemple.fr")
    checked = preview(["Chef", "Nouveau", "nouveau.chef@mines-ales.fr", "direction", "", ""])
    assert len(checked.all_errors) == 1 and "est déjà portée par le compte" in checked.all_errors[0]


@pytest.mark.parametrize("above", [{"is_superuser": True}, {"is_staff": True}])
def test_auth_1_staff_import_a_superuser_row_is_a_row_error_for_the_office(office, login, private_storage,  # noqa: F811
                                                                           above):
    """B2: a superuser (or admin) on the list is a French row error at the
    preview when the importer is not a superuser, not a bare 403 at apply;
    a superuser importing the same file gets no error."""
    factories.UserFactory(username="marc.granier@mines-ales.fr", email="marc.granier@mines-ales.fr", **above)
    row = ["Granier", "Marc", "marc.granier@mines-ales.fr", "direction", "", ""]
    response = login(office).post(PAGE, {"file": SimpleUploadedFile("personnels.xlsx", xlsx(HEADERS, row))})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert ("Ligne 2, colonne « E-mail » : le compte de marc.granier@mines-ales.fr est celui d'un superutilisateur "
            "ou d'un administrateur : seul un superutilisateur le modifie.") in body
    assert 'name="token"' not in body
    root = factories.UserFactory(username="root", is_superuser=True)
    assert staff_import.preview_file(io.BytesIO(xlsx(HEADERS, row)), by=root).is_valid


def test_auth_1_staff_import_an_account_with_an_admin_permission_outranks_the_office(office):
    from django.contrib.auth.models import Group, Permission
    admin_group = Group.objects.create(name="Administrateurs du portail")
    admin_group.permissions.add(Permission.objects.get(codename="change_user"))
    holder = factories.UserFactory(username="p.admin@mines-ales.fr", email="p.admin@mines-ales.fr")
    holder.groups.add(admin_group)
    checked = staff_import.preview_file(io.BytesIO(xlsx(HEADERS, ["Admin", "P.", "p.admin@mines-ales.fr",
                                                                  "direction", "", ""])), by=office)
    assert len(checked.all_errors) == 1 and "seul un superutilisateur le modifie" in checked.all_errors[0]


def test_auth_1_staff_import_page_states_who_is_known(office, login):
    """The page says which account the import takes for a person (AUTH-1)."""
    body = html.unescape(login(office).get(PAGE).content.decode())
    assert "une personne est retrouvée par son adresse e-mail, quand cette adresse est son identifiant de " \
           "connexion. Un autre compte portant l'adresse n'est jamais modifié" in body
