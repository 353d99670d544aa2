"""The accounts' pages (AUTH-1): the office's people page and a person's
page, the invitation link, « Mon compte »."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Exists, OuterRef, Q, Subquery, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from contratpro import roles

from . import services
from .forms import ACTIVE, DEACTIVATED, INVITED, STATES, AccountForm, PeopleFilterForm, PersonCreateForm, PersonForm
from .models import AccountEvent, Invitation

PAGE_SIZE = 25
BACKEND = "contratpro.backends.PortalBackend"
VERBS = {
    services.CREATE: gettext_lazy("Compte créé"),
    services.INVITE: gettext_lazy("Invitation envoyée"),
    services.ACCEPT: gettext_lazy("Mot de passe choisi depuis l'invitation"),
    services.DEACTIVATE: gettext_lazy("Compte désactivé"),
    services.REACTIVATE: gettext_lazy("Compte réactivé"),
    services.UPDATE: gettext_lazy("Nom, e-mail ou rôles modifiés"),
    services.SELF_UPDATE: gettext_lazy("Coordonnées ou notifications modifiées par la personne"),
}


def _office_only(request):
    # AUTH-1: the office manages the accounts (ROLE-2).
    if not roles.can_manage_accounts(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro gère les comptes."))


def people_queryset():
    """Every account with what the people page shows, in one query: its
    roles (``roles.with_role_flags``), its state and its pending invitation."""
    pending = Invitation.objects.filter(user=OuterRef("pk"), used_at__isnull=True, revoked_at__isnull=True)
    users = roles.with_role_flags(get_user_model().objects.all())
    return users.annotate(
        state=Case(
            When(is_active=False, then=Value(DEACTIVATED)),
            When(password__startswith="!", then=Value(INVITED)),  # unusable password: never chose one
            default=Value(ACTIVE),
            output_field=CharField(),
        ),
        invitation_pending=Exists(pending),
        invitation_until=Subquery(pending.values("expires_at")[:1]),
    ).select_related("deactivated_by")


def _filtered(users, data):
    q, role, state = data.get("q", "").strip(), data.get("role"), data.get("state")
    for word in q.split():
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                             | Q(email__icontains=word) | Q(username__icontains=word))
    if role == roles.Role.STUDENT:
        users = users.filter(role_student=True)
    elif role == roles.Role.DEPARTMENT_HEAD:
        users = users.filter(Q(role_heads_department=True) | Q(role_heads_option=True))
    elif role == roles.Role.TUTOR:
        users = users.filter(role_tutors=True)
    elif role == roles.Role.OFFICE:
        users = users.filter(Q(Exists(_members(roles.Group_.OFFICE))) | Q(is_superuser=True))
    elif role:
        group = {roles.Role.TEACHER: roles.Group_.TEACHERS, roles.Role.DIRECTION: roles.Group_.DIRECTION,
                 roles.Role.SOCIAL: roles.Group_.SOCIAL, roles.Role.SCOLARITE: roles.Group_.SCOLARITE}[role]
        users = users.filter(Exists(_members(group)))
    if state:
        users = users.filter(state=state)
    return users


def _members(group):
    return get_user_model().groups.through.objects.filter(user=OuterRef("pk"), group__name=group.value)


@login_required
def people(request):
    """The office's people page (AUTH-1): search, role, state; paginated in
    the database, the same number of queries whatever the rows."""
    _office_only(request)
    form = PeopleFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(_filtered(people_queryset(), data), PAGE_SIZE).get_page(request.GET.get("page"))
    for person in page:
        person.role_labels = sorted(str(r.label) for r in roles.remember_roles(person))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/people.html", {
        "form": form, "page": page, "states": dict(STATES), "query": query.urlencode(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    """The office creates one person and, by default, invites them (AUTH-1)."""
    _office_only(request)
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.person_create(
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                groups=data["groups"], by=request.user, invite=data["invite"], request=request,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if data["invite"]:
                messages.success(request, _("Compte de %(name)s créé ; l'invitation part à %(email)s.")
                                 % {"name": user.get_full_name(), "email": user.email})
            else:
                messages.success(request, _("Compte de %(name)s créé, sans invitation pour l'instant.")
                                 % {"name": user.get_full_name()})
            return redirect("accounts:person-detail", pk=user.pk)
    return render(request, "accounts/person_form.html", {"form": form}, status=400 if form.errors else 200)


def _errors_to_form(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _person(request, pk):
    _office_only(request)
    return get_object_or_404(people_queryset(), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    """A person as the office sees them: name, e-mail, roles (editable), state,
    invitations and history (AUTH-1)."""
    person = _person(request, pk)
    initial = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email,
               "groups": list(person.groups.values_list("name", flat=True))}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(user=person, first_name=data["first_name"], last_name=data["last_name"],
                                   email=data["email"], groups=data["groups"], by=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("accounts:person-detail", pk=person.pk)
    events = AccountEvent.objects.filter(user=person).select_related("actor")[:50]
    for event in events:
        event.label = VERBS.get(event.verb, event.verb)
    return render(request, "accounts/person_detail.html", {
        "person": person, "form": form, "events": events, "states": dict(STATES),
        "role_labels": sorted(str(r.label) for r in roles.remember_roles(person)),
        "invitations": person.invitations.all()[:5], "is_self": person.pk == request.user.pk,
        "outranked": services.account_outranks(person, request.user),
    }, status=400 if form.errors else 200)


def _act(request, pk, action, done):
    person = _person(request, pk)
    try:
        action(user=person, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        # PermissionDenied: an account above the office member's (AUTH-1),
        # told on the page rather than as a bare 403.
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, done % {"name": person.get_full_name() or person.username})
    return redirect("accounts:person-detail", pk=person.pk)


@login_required
@require_POST
def person_invite(request, pk):
    """Send (or send again) the invitation; the previous link stops working (AUTH-1)."""
    def invite(*, user, by):
        services.invitation_send(user=user, by=by, request=request)

    return _act(request, pk, invite, _("Invitation envoyée à %(name)s ; tout lien précédent ne fonctionne plus."))


@login_required
@require_POST
def person_deactivate(request, pk):
    return _act(request, pk, services.person_deactivate,
                _("Le compte de %(name)s est désactivé : ses sessions sont fermées, son historique est conservé."))


@login_required
@require_POST
def person_reactivate(request, pk):
    return _act(request, pk, services.person_reactivate, _("Le compte de %(name)s est réactivé."))


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The invitation link (AUTH-1): choose a password twice, then land on
    one's home, signed in. A used, replaced, expired or tampered link gets a
    page saying what to do, and changes nothing."""
    try:
        found = services.invitation_check(token)
    except services.InvitationRefused as refused:
        return _refused(request, refused)
    user = found.user
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except services.InvitationRefused as refused:
            return _refused(request, refused)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Votre mot de passe est enregistré. Bienvenue sur le portail des contrats pro."))
        return redirect(roles.home_url(user))
    return render(request, "accounts/invitation.html", {"form": form, "invited": user, "invitation": found},
                  status=400 if form.errors else 200)


def _refused(request, refused):
    status = 400 if refused.reason == "invalid" else 410
    return render(request, "accounts/invitation_refused.html", {"message": refused.message}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def my_account(request):
    """« Mon compte » (AUTH-1): phone and notification choice; the e-mail is
    shown, changed by the office only."""
    user = request.user
    form = AccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_update(user=user, phone=data["phone"], notifications=data["notifications"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Vos coordonnées sont enregistrées."))
            return redirect("accounts:my-account")
    return render(request, "accounts/my_account.html", {
        "form": form, "role_labels": sorted(str(r.label) for r in roles.roles_of(user)),
        "office_email": services.office_email(),
    }, status=400 if form.errors else 200)
