"""Accounts (AUTH-1): the office creates and invites people, the invitation
link sets a password once, password reset by e-mail, deactivation, the
people page and « Mon compte »."""

import datetime
import html
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django.contrib.auth.hashers import make_password

from contratpro import demo
from contratpro.accounts import demo as accounts_demo
from contratpro.accounts import services
from contratpro.frenchdates import long_datetime
from contratpro.models import AccountEvent, Invitation, User
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = "Cerisier-Garrigue-2026"
LINK = re.compile(r"(?:https?://testserver)?(/invitation/[^/\s]+/)")
RESET_LINK = re.compile(r"https?://testserver(/mot-de-passe/nouveau/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def invited(office, django_capture_on_commit_callbacks, mailoutbox):
    """A teacher the office has just created: an unusable password, one
    invitation mailed; returns (user, link path)."""
    with django_capture_on_commit_callbacks(execute=True):
        user = services.person_create(first_name="Anne", last_name="Sabatier", email="Anne.Sabatier@mines-ales.fr",
                                      groups=["Enseignants"], by=office)
    path = LINK.search(mailoutbox[-1].body).group(1)
    return user, path


def text(response):
    """The page as a reader sees it: entities decoded."""
    return html.unescape(response.content.decode())


def unusable(user):
    """``user`` as an account whose person has chosen no password yet."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def set_password(client, path, password=GOOD):
    return client.post(path, {"new_password1": password, "new_password2": password})


# --- creation and the invitation mail -------------------------------------------------------------


def test_auth_1_office_creates_a_person_with_an_unusable_password_and_an_invitation(invited, mailoutbox):
    """The new account signs in with its e-mail, has no password until the
    person chooses one, and gets a French mail with the link, its French
    expiry date and the office's contact."""
    user, path = invited
    assert user.username == "anne.sabatier@mines-ales.fr"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["Enseignants"]
    mail = mailoutbox[-1]
    assert mail.to == ["Anne.Sabatier@mines-ales.fr"]
    assert mail.subject == "IMT Mines Alès – votre compte sur le portail des contrats pro"
    expires = Invitation.objects.get(user=user).expires_at
    assert expires - Invitation.objects.get(user=user).created_at == datetime.timedelta(days=7)
    assert f"Ce lien est valable jusqu'au {long_datetime(expires)} et ne sert qu'une fois." in mail.body
    assert "contrats-pro@mines-ales.fr" in mail.body


def test_auth_1_the_token_is_stored_as_its_hash_only(invited):
    """A copy of the database opens no account: the row keeps the SHA-256."""
    user, path = invited
    token = path.split("/")[2]
    row = Invitation.objects.get(user=user)
    assert row.token_hash == services.token_hash(token)
    assert token not in row.token_hash


def test_auth_1_only_the_office_creates_people(db):
    teacher = factories.UserFactory(groups=["Enseignants"])
    with pytest.raises(PermissionDenied):
        services.person_create(first_name="A", last_name="B", email="a.b@mines-ales.fr", by=teacher)
    assert not User.objects.filter(email="a.b@mines-ales.fr").exists()


def test_auth_1_an_email_already_used_is_refused_in_french(invited, office):
    with pytest.raises(ValidationError, match="Un compte porte déjà cette adresse e-mail."):
        services.person_create(first_name="A", last_name="B", email="anne.sabatier@MINES-ALES.fr", by=office)


# --- the invitation link ----------------------------------------------------------------------------


def test_auth_1_invitation_sets_the_password_signs_in_and_lands_home(invited):
    """Two equal passwords: saved, signed in, on the role's home."""
    user, path = invited
    client = Client()
    assert client.get(path).status_code == 200
    response = set_password(client, path)
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:my-sessions")  # a teacher who tutors nobody yet (ROLE-6)
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert AccountEvent.objects.filter(user=user, verb=services.ACCEPT).count() == 1


def test_auth_1_invitation_checks_the_password_with_djangos_validators_in_french(invited):
    """A weak or mismatched password is refused in French, nothing changes."""
    user, path = invited
    response = set_password(Client(), path, "12345678")
    assert response.status_code == 400
    assert "Ce mot de passe est entièrement numérique." in text(response)
    response = Client().post(path, {"new_password1": GOOD, "new_password2": GOOD + "x"})
    assert "Les deux mots de passe ne correspondent pas." in text(response)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert Invitation.objects.get(user=user).used_at is None


def test_auth_1_invitation_link_used_twice_is_refused(invited):
    """The second use says the password is already set, and changes nothing."""
    user, path = invited
    set_password(Client(), path)
    user.refresh_from_db()
    stored = user.password
    client = Client()
    response = client.get(path)
    assert response.status_code == 410
    assert "Ce lien d'invitation a déjà servi" in text(response)
    response = set_password(client, path, "Autre-Mot-De-Passe-99")
    assert response.status_code == 410
    user.refresh_from_db()
    assert user.password == stored
    assert SESSION_KEY not in client.session


def test_auth_1_invitation_link_expired_is_refused(invited):
    """Past its expiry (the row moved back in time), the link says it
    expired on a French date and to ask the office; nothing is set."""
    user, path = invited
    Invitation.objects.filter(user=user).update(
        created_at=timezone.now() - datetime.timedelta(days=8), expires_at=timezone.now() - datetime.timedelta(days=1))
    response = set_password(Client(), path)
    assert response.status_code == 410
    body = text(response)
    assert "Ce lien d'invitation a expiré le " in body
    assert "Demandez une nouvelle invitation au service Contrats pro" in body
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_auth_1_invitation_expiry_follows_the_clock_passed_in(invited):
    """The day before the expiry the link opens, the moment after it does not."""
    user, path = invited
    token = path.split("/")[2]
    expires = Invitation.objects.get(user=user).expires_at
    assert services.invitation_check(token, now=expires - datetime.timedelta(days=1)).user == user
    with pytest.raises(services.InvitationRefused) as refused:
        services.invitation_check(token, now=expires + datetime.timedelta(seconds=1))
    assert refused.value.reason == "expired"


def test_auth_1_invitation_link_tampered_is_refused(invited):
    """A changed character breaks the signature: a French page, nothing set."""
    user, path = invited
    token = path.split("/")[2]
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    response = set_password(Client(), reverse("accounts:invitation", args=[tampered]))
    assert response.status_code == 400
    assert "Ce lien d'invitation n'est pas valide" in text(response)
    forged = services.signing.dumps({"u": user.pk, "n": "x"}, salt="autre-usage")
    assert set_password(Client(), reverse("accounts:invitation", args=[forged])).status_code == 400
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_auth_1_a_validly_signed_token_without_its_row_is_refused(invited):
    """The signature alone opens nothing: the row must exist (revocation)."""
    user, _path = invited
    token = services.signing.dumps({"u": user.pk, "n": "inconnu"}, salt=services.SALT)
    with pytest.raises(services.InvitationRefused) as refused:
        services.invitation_check(token)
    assert refused.value.reason == "invalid"


def test_auth_1_a_new_invitation_revokes_the_previous_one(invited, office, django_capture_on_commit_callbacks,
                                                         mailoutbox):
    user, first = invited
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(user=user, by=office)
    second = LINK.search(mailoutbox[-1].body).group(1)
    response = set_password(Client(), first)
    assert response.status_code == 410
    assert "remplacé par une invitation plus récente" in text(response)
    assert set_password(Client(), second).status_code == 302
    assert Invitation.objects.filter(user=user, revoked_at__isnull=False).count() == 1


def test_auth_1_a_deactivated_person_cannot_use_their_invitation(invited, office):
    user, path = invited
    services.person_deactivate(user=user, by=office)
    response = set_password(Client(), path)
    assert response.status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()


# --- password reset ---------------------------------------------------------------------------------


def reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_auth_1_reset_sends_a_french_mail_whose_link_works_once(mailoutbox):
    """The mail's link sets a new password once; a second use is refused."""
    user = factories.UserFactory(email="paul.roux@mines-ales.fr")
    response = reset(Client(), "Paul.Roux@mines-ales.fr")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "IMT Mines Alès – réinitialisation de votre mot de passe"
    assert mail.to == ["paul.roux@mines-ales.fr"]
    link = RESET_LINK.search(mail.body).group(1)
    client = Client()
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD})
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(GOOD)
    again = Client().get(link, follow=True)
    assert "Ce lien de réinitialisation a déjà servi, a expiré ou est incomplet." in text(again)


def test_auth_1_reset_says_the_same_thing_for_an_unknown_address(mailoutbox):
    """No account enumeration: same redirect, same page, no mail."""
    factories.UserFactory(email="paul.roux@mines-ales.fr")
    known = Client().post(reverse("password_reset"), {"email": "paul.roux@mines-ales.fr"}, follow=True)
    unknown = Client().post(reverse("password_reset"), {"email": "personne@mines-ales.fr"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    def page(response):  # the CSP nonce and the CSRF token change with each response
        return re.sub(r'nonce="[^"]*"|"X-CSRFToken": "[^"]*"', "", text(response))

    assert page(known) == page(unknown)
    assert len(mailoutbox) == 1


def test_auth_1_reset_sends_nothing_to_a_deactivated_account(office, mailoutbox):
    user = factories.UserFactory(email="paul.roux@mines-ales.fr")
    services.person_deactivate(user=user, by=office)
    response = reset(Client(), "paul.roux@mines-ales.fr")
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_auth_1_reset_page_tells_whoever_never_chose_a_password_to_ask_for_an_invitation(office, mailoutbox):
    """An expired invitation leaves an unusable password, to which Django
    mails no reset: the "sent" page says, for every address alike, that
    such a person asks the office for a new invitation."""
    user = unusable(factories.UserFactory(username="anne@mines-ales.fr", email="anne@mines-ales.fr"))
    response = Client().post(reverse("password_reset"), {"email": user.email}, follow=True)
    assert mailoutbox == []
    assert ("Vous n'avez encore jamais choisi de mot de passe, par exemple parce que votre invitation a expiré ? "
            "Aucun lien ne part dans ce cas : demandez une nouvelle invitation au service Contrats pro.") \
        in text(response)


def test_auth_1_login_page_offers_the_password_reset():
    body = Client().get(reverse("login")).content.decode()
    assert "Mot de passe oublié ?" in body
    assert reverse("password_reset") in body


# --- deactivation -----------------------------------------------------------------------------------


def test_auth_1_deactivation_ends_sessions_and_sign_in_keeps_the_account(office):
    """Deactivated: not deleted, who and when recorded, sessions deleted,
    the login form refuses the password; reactivated: it works again."""
    user = factories.UserFactory(username="paul", email="paul.roux@mines-ales.fr")
    signed_in = Client()
    signed_in.force_login(user)
    assert Session.objects.count() == 1
    services.person_deactivate(user=user, by=office)
    user.refresh_from_db()
    assert not user.is_active and user.deactivated_by == office and user.deactivated_at is not None
    assert Session.objects.count() == 0
    assert signed_in.get(reverse("home"))["Location"].startswith(reverse("login"))
    response = Client().post(reverse("login"), {"username": "paul", "password": "motdepasse-de-test"})
    assert response.status_code == 200  # the form again, not a redirect
    assert User.objects.filter(pk=user.pk).exists()
    services.person_reactivate(user=user, by=office)
    response = Client().post(reverse("login"), {"username": "paul", "password": "motdepasse-de-test"})
    assert response.status_code == 302
    verbs = list(AccountEvent.objects.filter(user=user).values_list("verb", flat=True))
    assert verbs == [services.REACTIVATE, services.DEACTIVATE]


def test_auth_1_a_deactivated_student_keeps_their_name_on_their_dossier(office, year):
    student = factories.StudentFactory(year=year)
    services.person_deactivate(user=student.user, by=office)
    student.refresh_from_db()
    assert student.full_name == student.user.get_full_name()


def test_auth_1_the_office_cannot_deactivate_itself(office):
    with pytest.raises(ValidationError, match="Vous ne pouvez pas désactiver votre propre compte."):
        services.person_deactivate(user=office, by=office)


def test_auth_1_deactivate_and_reactivate_through_the_page(office, login):
    user = factories.UserFactory(groups=["Enseignants"])
    client = login(office)
    response = client.post(reverse("accounts:person-deactivate", args=[user.pk]), follow=True)
    assert "est désactivé : ses sessions sont fermées, son historique est conservé." in text(response)
    user.refresh_from_db()
    assert not user.is_active
    client.post(reverse("accounts:person-reactivate", args=[user.pk]))
    user.refresh_from_db()
    assert user.is_active


# --- the office's pages -----------------------------------------------------------------------------


def test_auth_1_office_creates_a_person_through_the_page(office, login, django_capture_on_commit_callbacks,
                                                          mailoutbox):
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:person-create"), {
            "first_name": "Luc", "last_name": "Fabre", "email": "luc.fabre@mines-ales.fr",
            "groups": ["Direction"], "invite": "on"})
    user = User.objects.get(email="luc.fabre@mines-ales.fr")
    assert response["Location"] == reverse("accounts:person-detail", args=[user.pk])
    assert len(mailoutbox) == 1
    page = text(client.get(response["Location"]))
    assert "Invité" in page and "Compte créé" in page and "Invitation envoyée" in page
    assert Invitation.objects.get(user=user).token_hash not in page


def test_auth_1_the_create_form_keeps_what_was_typed_on_error(office, login):
    client = login(office)
    response = client.post(reverse("accounts:person-create"), {
        "first_name": "Luc", "last_name": "Fabre", "email": "pas-une-adresse"})
    assert response.status_code == 400
    body = text(response)
    assert 'value="Fabre"' in body and 'value="pas-une-adresse"' in body


@pytest.mark.parametrize("groups", [["Enseignants"], ["Direction"], ["Scolarité"], []])
def test_auth_1_people_pages_are_the_offices_only(login, groups):
    """Every other role gets 403 on the people page, a person's page and its actions."""
    other = factories.UserFactory(groups=groups)
    target = factories.UserFactory()
    client = login(other)
    for name in ("accounts:people", "accounts:person-create"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("accounts:person-detail", args=[target.pk])).status_code == 403
    for name in ("accounts:person-invite", "accounts:person-deactivate", "accounts:person-reactivate"):
        assert client.post(reverse(name, args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.is_active and not Invitation.objects.filter(user=target).exists()


def test_auth_1_people_page_sends_anonymous_people_to_the_login():
    response = Client().get(reverse("accounts:people"))
    assert response["Location"].startswith(reverse("login"))


def test_auth_1_a_missing_person_is_404_for_the_office(office, login):
    assert login(office).get(reverse("accounts:person-detail", args=[999999])).status_code == 404


def test_auth_1_people_page_filters_by_search_role_and_state(office, login, year):
    invited_user = services.person_create(first_name="Anne", last_name="Sabatier",
                                          email="anne.sabatier@mines-ales.fr", groups=["Enseignants"], by=office)
    gone = factories.UserFactory(first_name="Rémi", last_name="Vidal", groups=["Direction"])
    services.person_deactivate(user=gone, by=office)
    student = factories.StudentFactory(year=year, user=factories.UserFactory(first_name="Léa", last_name="Noir"))
    client = login(office)

    def names(**query):
        page = client.get(reverse("accounts:people"), query).context["page"]
        return {p.last_name for p in page}

    assert names(state="invite") == {"Sabatier"}
    assert names(state="desactive") == {"Vidal"}
    assert names(role="eleve") == {student.user.last_name}
    assert names(role="direction") == {"Vidal"}
    assert names(role="bureau") == {"Bureau"}
    assert names(q="sabat") == {"Sabatier"}
    body = text(client.get(reverse("accounts:people"), {"state": "invite"}))
    assert "en cours, valable jusqu'au" in body
    assert invited_user.pk and "Enseignant" in body


@pytest.mark.parametrize("rows", [2, 20])
def test_auth_1_people_page_query_count_does_not_grow_with_rows(office, login, rows, year,
                                                                 django_assert_num_queries):
    """The page reads in the same number of queries for 2 and 20 people."""
    for n in range(rows):
        user = unusable(factories.UserFactory(groups=["Enseignants"]))
        if n % 2:
            factories.StudentFactory(year=year, user=factories.UserFactory())
        services.invitation_send(user=user, by=office)
    client = login(office)
    client.get(reverse("accounts:people"))  # warm the session cache
    # session, the viewer with their roles, the count, the page of people
    # (roles, state and invitation annotated in the same query), the
    # footer's office contact (the school's identity, CONTACT-1)
    with django_assert_num_queries(5):
        response = client.get(reverse("accounts:people"))
    assert response.status_code == 200


# --- « Mon compte » ---------------------------------------------------------------------------------


def test_auth_1_a_person_edits_their_phone_and_notifications(login):
    user = factories.UserFactory(username="anne.sabatier@mines-ales.fr", email="anne.sabatier@mines-ales.fr")
    client = login(user)
    response = client.post(reverse("accounts:my-account"), {
        "email": "autre@exemple.fr", "phone": "04 66 00 00 00", "notifications": "quotidien"})
    assert response["Location"] == reverse("accounts:my-account")
    user.refresh_from_db()
    assert user.phone == "04 66 00 00 00"
    assert user.notifications == User.Notifications.DIGEST
    assert user.email == "anne.sabatier@mines-ales.fr"  # the sign-in e-mail stays: only the office changes it


@pytest.mark.parametrize("account", [
    {"username": "demo", "email": "demo@mines-ales.org"},  # a login that is not the e-mail (demo, admin-made)
    {"username": "paul", "email": ""},  # no e-mail at all
    {"username": "anne.sabatier@mines-ales.fr", "email": "anne.sabatier@mines-ales.fr"},
])
def test_auth_1_nobody_sets_their_own_email_on_my_account(login, account, django_capture_on_commit_callbacks):
    """V2: « Mon compte » never changes the e-mail, whatever the account (the
    imports and CAS read it as who the person is): a posted e-mail is
    ignored, the page shows the e-mail and says the office changes it."""
    user = factories.UserFactory(**account)
    client = login(user)
    response = client.post(reverse("accounts:my-account"), {
        "email": "nouveau.chef@mines-ales.fr", "phone": "04 66 00 00 00", "notifications": "immediat"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == account["email"]
    assert user.phone == "04 66 00 00 00"
    page = text(client.get(reverse("accounts:my-account")))
    assert 'name="email"' not in page
    assert "Seul le service Contrats pro la modifie : écrivez-lui à" in page and "mailto:contrats-pro@mines-ales.fr" \
        in page
    assert not User.objects.filter(email="nouveau.chef@mines-ales.fr").exists()


def test_auth_1_my_account_keeps_what_was_typed_on_error(login):
    user = factories.UserFactory(username="paul", email="paul@mines-ales.org")
    response = login(user).post(reverse("accounts:my-account"), {"phone": "0466" * 10, "notifications": "quotidien"})
    assert response.status_code == 400
    body = text(response)
    assert 'value="' + "0466" * 10 + '"' in body


def test_auth_1_my_account_needs_a_sign_in():
    assert Client().get(reverse("accounts:my-account"))["Location"].startswith(reverse("login"))


# --- the demo's part ----------------------------------------------------------------------------------


def test_auth_1_demo_shows_a_pending_invitation_and_a_deactivated_account(office, login):
    """The accounts' demo builder: Claire Fabre invited, Rémi Vidal
    deactivated, both on the office's people page; a second run writes nothing."""
    context = demo.DemoContext(users={"bureau": office}, password=make_password("contratpro-demo"))
    accounts_demo.build_people(context)
    assert context.tally["created"] > 0
    again = demo.DemoContext(users={"bureau": office}, password=context.password)
    accounts_demo.build_people(again)
    assert sum(again.tally.values()) == 0
    client = login(office)
    invited = text(client.get(reverse("accounts:people"), {"state": "invite"}))
    assert "FABRE Claire" in invited and "en cours, valable jusqu'au" in invited
    deactivated = text(client.get(reverse("accounts:people"), {"state": "desactive"}))
    assert "VIDAL Rémi" in deactivated and "depuis le 2 octobre 2026" in deactivated


def test_auth_1_the_office_cannot_take_over_a_superusers_account(office):
    """Moving a superuser's e-mail (then resetting its password), inviting or
    deactivating it is a superuser's act only."""
    admin = factories.UserFactory(username="admin", email="admin@mines-ales.fr", is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.person_update(user=admin, first_name="A", last_name="B", email="moi@exemple.fr", groups=[], by=office)
    with pytest.raises(PermissionDenied):
        services.invitation_send(user=admin, by=office)
    with pytest.raises(PermissionDenied):
        services.person_deactivate(user=admin, by=office)
    admin.refresh_from_db()
    assert admin.email == "admin@mines-ales.fr" and admin.is_active
    other = factories.UserFactory(username="root2", is_superuser=True)
    services.person_deactivate(user=admin, by=other)
    admin.refresh_from_db()
    assert not admin.is_active


def test_auth_1_the_office_cannot_reactivate_a_superuser(office):
    """V3: reactivating is changing the account too: a superuser's is a
    superuser's act only."""
    root = factories.UserFactory(username="root2", is_superuser=True)
    admin = factories.UserFactory(username="admin", email="admin@mines-ales.fr", is_superuser=True)
    services.person_deactivate(user=admin, by=root)
    with pytest.raises(PermissionDenied):
        services.person_reactivate(user=admin, by=office)
    admin.refresh_from_db()
    assert not admin.is_active
    services.person_reactivate(user=admin, by=root)
    admin.refresh_from_db()
    assert admin.is_active


def test_auth_1_no_invitation_for_an_account_with_a_password(office, login):
    """V4: an invitation sets a password; someone who chose one resets it
    through the mail sent to them, so moving their e-mail then inviting
    them takes nothing over. The page offers no invitation button."""
    teacher = factories.UserFactory(username="t.r@mines-ales.fr", email="t.r@mines-ales.fr", groups=["Enseignants"])
    with pytest.raises(ValidationError, match=re.escape("Cette personne a déjà choisi son mot de passe : pas "
                                                        "d'invitation. Si elle l'a oublié, elle choisit « Mot de "
                                                        "passe oublié ? »")):
        services.invitation_send(user=teacher, by=office)
    assert not Invitation.objects.filter(user=teacher).exists()
    client = login(office)
    page = text(client.get(reverse("accounts:person-detail", args=[teacher.pk])))
    assert reverse("accounts:person-invite", args=[teacher.pk]) not in page
    assert "Cette personne a choisi son mot de passe." in page
    response = client.post(reverse("accounts:person-invite", args=[teacher.pk]), follow=True)
    assert "Cette personne a déjà choisi son mot de passe" in text(response)
    assert not Invitation.objects.filter(user=teacher).exists()


@pytest.mark.parametrize("above", ["staff", "own permission", "group permission"])
def test_auth_1_the_office_does_not_manage_an_admins_account(office, above):
    """V4: an account reaching the admin (is_staff) or holding an admin
    permission, its own or a group's, is changed by a superuser only."""
    from django.contrib.auth.models import Group, Permission
    admin = unusable(factories.UserFactory(username="p@mines-ales.fr", email="p@mines-ales.fr",
                                           is_staff=above == "staff"))
    permission = Permission.objects.get(codename="change_user")
    if above == "own permission":
        admin.user_permissions.add(permission)
    elif above == "group permission":
        group = Group.objects.create(name="Admins")
        group.permissions.add(permission)
        admin.groups.add(group)
    assert services.account_outranks(admin, office)
    for act in (services.invitation_send, services.person_deactivate):
        with pytest.raises(PermissionDenied):
            act(user=admin, by=office)
    with pytest.raises(PermissionDenied):
        services.person_update(user=admin, first_name="A", last_name="B", email="x@exemple.fr", groups=[], by=office)
    root = factories.UserFactory(username="root", is_superuser=True)
    assert not services.account_outranks(admin, root)
    services.invitation_send(user=admin, by=root)


def test_auth_1_the_old_address_is_told_when_the_office_moves_an_email(office, django_capture_on_commit_callbacks,
                                                                      mailoutbox):
    """V4: the office moving an account's e-mail mails the old address a
    French notice, once the change is committed."""
    user = factories.UserFactory(username="anne@mines-ales.fr", email="anne@mines-ales.fr", first_name="Anne",
                                 last_name="Sabatier")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.person_update(user=user, first_name="Anne", last_name="Sabatier", email="anne.s@mines-ales.fr",
                               groups=[], by=office)
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mailoutbox] == [["anne@mines-ales.fr"]]
    mail = mailoutbox[0]
    assert mail.subject == "IMT Mines Alès – l'adresse e-mail de votre compte a changé"
    assert "les messages du portail partent désormais à anne.s@mines-ales.fr" in mail.body
    assert "écrivez sans attendre au service Contrats pro : contrats-pro@mines-ales.fr" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        services.person_update(user=user, first_name="Anne", last_name="Sabatier-Roux", email="anne.s@mines-ales.fr",
                               groups=[], by=office)
    assert len(mailoutbox) == 1  # no notice when the e-mail stays


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "jeanne.d'arc@mines-ales.fr", "« jeanne.d'arc@mines-ales.fr » ne peut pas servir d'identifiant de "
                                           "connexion : seuls les lettres, les chiffres et les signes . @ + - _ y "
                                           "sont admis (pas d'apostrophe ni d'espace)."),
    ("email", "j" * 140 + "@mines-ales.fr", "au plus 150 caractères : cette adresse est trop longue pour servir "
                                            "d'identifiant de connexion."),
    ("last_name", "=HYPERLINK(\"http://x\")", "un nom ne commence pas par « = », « + », « - » ni « @ »."),
    ("first_name", "@Jeanne", "un nom ne commence pas par « = », « + », « - » ni « @ »."),
])
def test_auth_1_the_person_form_refuses_what_the_account_cannot_hold(office, login, field, value, message):
    """B3 and the exports' formulas: a French error on the field, no account."""
    data = {"first_name": "Jeanne", "last_name": "Darc", "email": "jeanne.darc@mines-ales.fr", "invite": ""}
    data[field] = value
    response = login(office).post(reverse("accounts:person-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert not User.objects.filter(first_name="Jeanne").exists()
    with pytest.raises(ValidationError):
        services.person_create(**{k: v for k, v in data.items() if k != "invite"}, by=office)


def test_auth_1_a_superusers_page_says_the_office_cannot_act_on_it(office, login):
    """The office sees a superuser's page without its buttons, and a posted
    reactivation or edit is told in French (no bare 403), changing nothing."""
    root = factories.UserFactory(username="root2", is_superuser=True)
    admin = factories.UserFactory(username="admin", email="admin@mines-ales.fr", is_superuser=True)
    services.person_deactivate(user=admin, by=root)
    client = login(office)
    url = reverse("accounts:person-detail", args=[admin.pk])
    page = text(client.get(url))
    assert "seul un superutilisateur le modifie, l'invite, le désactive ou le réactive." in page
    assert reverse("accounts:person-reactivate", args=[admin.pk]) not in page
    response = client.post(reverse("accounts:person-reactivate", args=[admin.pk]), follow=True)
    assert response.status_code == 200
    assert "Seul un superutilisateur modifie le compte d'un superutilisateur ou d'un administrateur." in text(response)
    response = client.post(url, {"first_name": "A", "last_name": "B", "email": "moi@exemple.fr"})
    assert response.status_code == 400
    admin.refresh_from_db()
    assert not admin.is_active and admin.email == "admin@mines-ales.fr"
