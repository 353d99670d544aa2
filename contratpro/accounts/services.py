"""The accounts' services (AUTH-1): create, invite, accept an invitation,
deactivate, reactivate, and a person's own details. Each runs in a
transaction and records an ``AccountEvent``; mail goes out on commit.

The invitation link carries a ``django.core.signing`` token (own salt,
``max_age``); the database keeps only the token's SHA-256 on an
``Invitation`` row, which makes the link single use and revocable: a new
invitation revokes the previous one, a deactivation revokes them all.
"""

import datetime
import hashlib
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.frenchdates import long_datetime

from .models import AccountEvent, Invitation

SALT = "contratpro.accounts.invitation"
VALIDITY = datetime.timedelta(days=7)

CREATE, INVITE, ACCEPT, DEACTIVATE, REACTIVATE, UPDATE, SELF_UPDATE = (
    "accounts.person.create", "accounts.invitation.send", "accounts.invitation.accept",
    "accounts.person.deactivate", "accounts.person.reactivate", "accounts.person.update",
    "accounts.person.self_update",
)


def office_email():
    """CONTACT-1: the office's mailbox, from the school's identity (DOC-11)."""
    from contratpro.school.services import office_contact

    return office_contact()["email"]


def _office_only(by, message):
    # AUTH-1: only the office manages accounts (ROLE-2).
    if not roles.can_manage_accounts(by):
        raise PermissionDenied(message)


def account_outranks(user, by):
    """Whether ``user``'s account is above what ``by`` manages (AUTH-1): a
    superuser, an account reaching the Django admin (``is_staff``) or holding
    any admin permission, its own or through a group, is changed by a
    superuser only (else the office could move its e-mail, invite it again
    and take over its password)."""
    if by.is_superuser:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if user.pk is None:
        return False
    held = getattr(user, "holds_permission", None)  # annotated by ``with_permission_flag``
    if held is not None:
        return held
    return user.user_permissions.exists() or Permission.objects.filter(group__user=user).exists()


def with_permission_flag(users):
    """``users`` annotated with ``holds_permission`` for ``account_outranks``,
    so that a list of accounts is checked in the one query."""
    model = get_user_model()
    own = model.user_permissions.through.objects.filter(user=OuterRef("pk"))
    grouped = Permission.objects.filter(group__user=OuterRef("pk"))
    return users.annotate(holds_permission=Exists(own) | Exists(grouped))


def _not_above(user, by):
    if account_outranks(user, by):
        raise PermissionDenied(_("Seul un superutilisateur modifie le compte d'un superutilisateur ou d'un "
                                 "administrateur."))


def account_event_record(user, verb, by=None, at=None, **details):
    return AccountEvent.objects.create(user=user, actor=by, verb=verb, at=at or timezone.now(), details=details)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def username_for(email):
    """The sign-in identifier of an account the office creates: its
    institutional e-mail, lowercased (AUTH-1)."""
    return email.strip().lower()


FORMULA_STARTS = ("=", "+", "-", "@")


def email_identity_error(email):
    """Why ``email`` cannot be an account's sign-in identifier (AUTH-1), in
    French, or ``None``: the identifier is the lowercased e-mail, so it must
    pass Django's username validator (letters, digits and . @ + - _ only, no
    apostrophe) and fit its 150 characters."""
    username = username_for(email)
    if len(username) > get_user_model()._meta.get_field("username").max_length:
        return _("au plus 150 caractères : cette adresse est trop longue pour servir d'identifiant de connexion.")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return _("« %(value)s » ne peut pas servir d'identifiant de connexion : seuls les lettres, les chiffres et "
                 "les signes . @ + - _ y sont admis (pas d'apostrophe ni d'espace).") % {"value": email.strip()}
    return None


def name_error(name):
    """Why ``name`` is refused (AUTH-1), in French, or ``None``: a name
    starting like a spreadsheet formula (= + - @) would run as one in the
    portal's Excel exports."""
    if name.strip().startswith(FORMULA_STARTS):
        return _("un nom ne commence pas par « = », « + », « - » ni « @ ».")
    return None


def email_is_identity(user):
    """Whether ``user``'s e-mail identifies the person (AUTH-1): it is the
    account's sign-in identifier, which only the office, an import or the
    admin set (every account the office or an import creates), and which
    nobody changes for themselves. Only such an account is found by its
    e-mail (the imports, CAS); any other account's e-mail may have been
    typed by anyone."""
    return bool(user.email) and user.email.strip().lower() == user.username.lower()


def _check_email_free(email, exclude=None):
    users = get_user_model().objects.filter(email__iexact=email) | get_user_model().objects.filter(
        username__iexact=username_for(email))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    if users.exists():
        raise ValidationError({"email": _("Un compte porte déjà cette adresse e-mail.")})


@transaction.atomic
def person_create(*, first_name, last_name, email, groups=(), by, invite=True, request=None, now=None):
    """The office creates a school account (AUTH-1): its e-mail is its sign-in
    identifier, its password unusable until the person follows their
    invitation, sent at once unless ``invite`` is false."""
    _office_only(by, _("Seul le service Contrats pro crée des comptes."))
    return account_create(first_name=first_name, last_name=last_name, email=email, groups=groups, by=by,
                          invite=invite, request=request, now=now)


def account_create(*, first_name, last_name, email, groups=(), by, invite=True, request=None, now=None,
                   source=""):
    """The body of ``person_create``, for the imports that check the
    office's right themselves (the scolarité's students, the staff list)."""
    email = email.strip()
    _check_identity(email, first_name, last_name)
    _check_email_free(email)
    user = get_user_model()(username=username_for(email), first_name=first_name.strip(),
                            last_name=last_name.strip(), email=email)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    groups_set(user, groups)
    account_event_record(user, CREATE, by, now, groups=sorted(str(g) for g in groups), **({"source": source} if source else {}))
    if invite:
        invitation_send(user=user, by=by, request=request, now=now)
    return user


def _check_identity(email, first_name, last_name, *, username_follows=True):
    errors = {}
    if username_follows and (message := email_identity_error(email)):
        errors["email"] = message
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if message := name_error(value):
            errors[name] = message
    if errors:
        raise ValidationError(errors)


def groups_set(user, groups):
    names = [roles.Group_(g).value for g in groups]
    user.groups.set(Group.objects.filter(name__in=names))


@transaction.atomic
def person_update(*, user, first_name, last_name, email, groups, by):
    """The office corrects a person's name, e-mail and groups (AUTH-1). The
    sign-in identifier follows the e-mail when it was the e-mail."""
    _office_only(by, _("Seul le service Contrats pro modifie les comptes."))
    _not_above(user, by)
    email = email.strip()
    old_email = user.email
    follows = user.username.lower() == user.email.lower()
    _check_identity(email, first_name, last_name, username_follows=follows and email.lower() != old_email.lower())
    if email.lower() != user.email.lower():
        _check_email_free(email, exclude=user)
    before = {"nom": user.get_full_name(), "email": user.email,
              "groupes": sorted(user.groups.values_list("name", flat=True))}
    if follows:
        user.username = username_for(email)
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    user.full_clean()
    user.save()
    groups_set(user, groups)
    after = {"nom": user.get_full_name(), "email": user.email,
             "groupes": sorted(user.groups.values_list("name", flat=True))}
    if before != after:
        account_event_record(user, UPDATE, by, before=before, after=after)
    if old_email and old_email.lower() != email.lower():
        transaction.on_commit(lambda: _send_email_changed(user, old_email))
    return user


def _send_email_changed(user, old_email):
    """AUTH-1: the old address learns that the office moved the account's
    e-mail, so that a person whose account is taken over hears of it."""
    context = {"user": user, "old_email": old_email, "new_email": user.email, "office_email": office_email()}
    EmailMessage(
        subject=_("IMT Mines Alès – l'adresse e-mail de votre compte a changé"),
        body=render_to_string("accounts/email_changed.txt", context),
        to=[old_email],
        reply_to=[office_email()],
    ).send()


def _signed(user):
    return signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(16)}, salt=SALT)


def invitation_url(token, request=None):
    """The link as the mail gives it: absolute from the request, else from
    ``CONTRATPRO_PUBLIC_URL`` (a command or a task has no request)."""
    path = reverse("accounts:invitation", args=[token])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + path


@transaction.atomic
def invitation_send(*, user, by, request=None, now=None):
    """Invite ``user`` to set their password (AUTH-1): revokes any pending
    invitation, stores the new token's hash, and e-mails the link on commit.
    Returns the invitation and the token (the token exists nowhere else)."""
    _office_only(by, _("Seul le service Contrats pro envoie les invitations."))
    _not_above(user, by)
    if not user.is_active:
        raise ValidationError(_("Ce compte est désactivé : réactivez-le avant de l'inviter."))
    if not user.email:
        raise ValidationError(_("Ce compte n'a pas d'adresse e-mail : renseignez-la avant de l'inviter."))
    if user.has_usable_password():
        # AUTH-1: an invitation sets a password; one already chosen is
        # changed by its owner only, through the reset mailed to them.
        raise ValidationError(_("Cette personne a déjà choisi son mot de passe : pas d'invitation. Si elle l'a "
                                "oublié, elle choisit « Mot de passe oublié ? » sur la page de connexion."))
    now = now or timezone.now()
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one invitation at a time
    revoked = Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = _signed(user)
    invitation = Invitation.objects.create(
        user=user, token_hash=token_hash(token), created_at=now, created_by=by, expires_at=now + VALIDITY
    )
    account_event_record(user, INVITE, by, now, replaces=revoked)
    url = invitation_url(token, request)
    transaction.on_commit(lambda: _send_invitation(invitation, url))
    return invitation, token


def _send_invitation(invitation, url):
    user = invitation.user
    context = {"user": user, "url": url, "expires_at": invitation.expires_at, "office_email": office_email(),
               "login": user.username}
    EmailMessage(
        subject=_("IMT Mines Alès – votre compte sur le portail des contrats pro"),
        body=render_to_string("emails/accounts/invitation.txt", context),
        to=[user.email],
        reply_to=[office_email()],
    ).send()


def invitation_pending(user):
    return Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).exists()


@transaction.atomic
def account_email_set(*, user, email, by):
    """Give an account without e-mail the one an import read (AUTH-1)."""
    _office_only(by, _("Seul le service Contrats pro modifie les comptes."))
    _not_above(user, by)
    if user.email:
        raise ValidationError(_("Ce compte a déjà une adresse e-mail."))
    _check_email_free(email, exclude=user)
    user.email = email
    user.save(update_fields=["email"])
    account_event_record(user, UPDATE, by, before={"email": ""}, after={"email": email})
    return user


class InvitationRefused(Exception):
    """Why an invitation link does not open; ``message`` says what to do."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


def _ask_office():
    return _("Demandez une nouvelle invitation au service Contrats pro : %(email)s.") % {"email": office_email()}


def invitation_check(token, *, now=None):
    """The pending invitation ``token`` opens, or ``InvitationRefused``:
    tampered or unknown, already used, replaced, expired, or for a
    deactivated account (AUTH-1). Writes nothing."""
    now = now or timezone.now()
    invalid = InvitationRefused("invalid", " ".join([
        _("Ce lien d'invitation n'est pas valide : il est peut-être incomplet ou mal copié. "
          "Copiez l'adresse entière depuis l'e-mail reçu."), _ask_office()]))
    try:
        payload = signing.loads(token, salt=SALT, max_age=VALIDITY)
    except signing.SignatureExpired:
        raise InvitationRefused("expired", " ".join([_("Ce lien d'invitation a expiré."), _ask_office()])) from None
    except signing.BadSignature:
        raise invalid from None
    invitation = (Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first())
    if invitation is None or not isinstance(payload, dict) or payload.get("u") != invitation.user_id:
        raise invalid
    if invitation.used_at is not None:
        raise InvitationRefused("used", _(
            "Ce lien d'invitation a déjà servi : votre mot de passe est défini. Connectez-vous, ou choisissez "
            "« Mot de passe oublié ? » sur la page de connexion si vous ne vous en souvenez plus."))
    if not invitation.user.is_active:
        raise InvitationRefused("inactive", _(
            "Ce compte est désactivé. Si vous pensez que c'est une erreur, écrivez au service Contrats pro : "
            "%(email)s.") % {"email": office_email()})
    if invitation.revoked_at is not None:
        raise InvitationRefused("revoked", " ".join([_(
            "Ce lien d'invitation a été remplacé par une invitation plus récente : utilisez le dernier "
            "e-mail reçu."), _ask_office()]))
    if invitation.expires_at <= now:
        message = _("Ce lien d'invitation a expiré le %(date)s.") % {"date": long_datetime(invitation.expires_at)}
        raise InvitationRefused("expired", " ".join([message, _ask_office()]))
    return invitation


@transaction.atomic
def invitation_accept(*, token, password, now=None):
    """The invited person sets their password (AUTH-1): the invitation is
    used once, claimed by a conditional update, so that two posts of the
    same link cannot both succeed. Returns the user."""
    now = now or timezone.now()
    invitation = invitation_check(token, now=now)
    claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True).update(
        used_at=now)
    if claimed != 1:
        raise InvitationRefused("used", _("Ce lien d'invitation a déjà servi."))
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    account_event_record(user, ACCEPT, user, now)
    return user


def sessions_end(user):
    """Delete every session of ``user`` (AUTH-1, deactivation). Sessions are
    stored in the database (``cached_db``): the cached copies are removed
    through the session store, so they end at once."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def person_deactivate(*, user, by, now=None):
    """The office deactivates an account, never deletes it (AUTH-1): it can
    no longer sign in, its invitations are revoked, its sessions end; its
    name stays on its dossiers and its history is kept."""
    _office_only(by, _("Seul le service Contrats pro désactive les comptes."))
    _not_above(user, by)
    if user.pk == by.pk:
        raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."))
    if not user.is_active:
        raise ValidationError(_("Ce compte est déjà désactivé."))
    now = now or timezone.now()
    user.is_active, user.deactivated_at, user.deactivated_by = False, now, by
    user.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
    revoked = Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    ended = sessions_end(user)
    account_event_record(user, DEACTIVATE, by, now, invitations_revoked=revoked, sessions_ended=ended)
    return user


@transaction.atomic
def person_reactivate(*, user, by, now=None):
    """The office reactivates an account (AUTH-1); its password, if it had
    one, works again; otherwise send it an invitation."""
    _office_only(by, _("Seul le service Contrats pro réactive les comptes."))
    _not_above(user, by)
    if user.is_active:
        raise ValidationError(_("Ce compte est déjà actif."))
    user.is_active, user.deactivated_at, user.deactivated_by = True, None, None
    user.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
    account_event_record(user, REACTIVATE, by, now)
    return user


@transaction.atomic
def account_update(*, user, phone, notifications):
    """A person updates their own phone and notification choice (AUTH-1).
    Their e-mail is not theirs to change: only the office changes it."""
    before = {"phone": user.phone, "notifications": user.notifications}
    user.phone, user.notifications = phone.strip(), notifications
    user.full_clean()
    after = {"phone": user.phone, "notifications": user.notifications}
    if before != after:
        user.save(update_fields=["phone", "notifications"])
        account_event_record(user, SELF_UPDATE, user, before=before, after=after)
    return user
