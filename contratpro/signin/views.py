"""The door's pages (AUTH-1, AUTH-2): the lockout page, the office's list
of locks, the second factor's enrolment and verification, the CAS login."""

import logging
import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_cas_ng import views as cas_views

from contratpro import roles

from . import cas, otp, throttle
from .forms import CodeForm, UnlockForm

logger = logging.getLogger(__name__)


def _safe_next(request, default=None):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default or resolve_url("home")


# --- Throttling ---------------------------------------------------------------

def locked_out(request, response=None, credentials=None):
    """django-axes' lockout response (``AXES_LOCKOUT_CALLABLE``): in French,
    in the layout, when it unlocks and whom to ask (429)."""
    now = timezone.now()
    until = throttle.PortalAxesHandler().lock_ends(request, credentials)
    minutes = max(1, math.ceil((until - now).total_seconds() / 60)) if until else None
    return render(request, "signin/locked_out.html", {"until": until, "minutes": minutes}, status=429)


@login_required
@require_safe
def lockouts(request):
    """The office's list of locked logins and addresses (AUTH-2)."""
    if not roles.can_unlock_sign_ins(request.user):
        raise PermissionDenied
    accounts, addresses = throttle.locks()
    return render(request, "signin/lockouts.html", {
        "accounts": accounts, "addresses": addresses,
        "account_limit": settings.AXES_FAILURE_LIMIT, "address_limit": throttle.address_limit(),
        "cool_off_minutes": math.ceil(throttle.cool_off().total_seconds() / 60),
    })


@login_required
@require_POST
def unlock(request):
    """« Débloquer »: the office forgets the failures of one login or address."""
    if not roles.can_unlock_sign_ins(request.user):
        raise PermissionDenied
    form = UnlockForm(request.POST)
    if form.is_valid():
        username, address = form.cleaned_data["username"], form.cleaned_data["address"]
        throttle.unlock(username=username, address=address)
        messages.success(
            request,
            _("L'identifiant « %(key)s » est débloqué.") % {"key": username} if username
            else _("L'adresse %(key)s est débloquée.") % {"key": address},
        )
    else:
        messages.error(request, _("Rien n'a été débloqué : indiquez un identifiant ou une adresse."))
    return redirect("signin:lockouts")


# --- Second factor --------------------------------------------------------------

@login_required
def otp_verify(request):
    """After the password, the code of the user's authentication app."""
    if not roles.needs_second_factor(request.user) or request.user.is_verified():
        return redirect(_safe_next(request))
    if not otp.has_device(request.user):
        return redirect(_with_next("signin:otp-enrol", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.verify(request, form.cleaned_data["code"]):
            return redirect(_safe_next(request))
        form.add_error("code", _("Ce code n'est pas le bon (ou il a expiré). Saisissez le code affiché maintenant par votre application."))
    return render(request, "signin/otp_verify.html", {"form": form, "next": _safe_next(request, "")})


@login_required
def otp_enrol(request):
    """First sign-in of an office member: scan the QR code (or type the
    secret), then type a first code to confirm."""
    if not roles.needs_second_factor(request.user) or request.user.is_verified():
        return redirect(_safe_next(request))
    if otp.has_device(request.user):
        return redirect(_with_next("signin:otp-verify", request))
    device = otp.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.confirm_enrolment(request, device, form.cleaned_data["code"]):
            messages.success(request, _("Votre application d'authentification est enregistrée."))
            return redirect(_safe_next(request))
        form.add_error("code", _("Ce code n'est pas le bon. Vérifiez l'heure de votre téléphone et saisissez le code affiché maintenant."))
    return render(request, "signin/otp_enrol.html", {
        "form": form, "qr_svg": otp.qr_svg(device), "secret": otp.secret_in_groups(device),
        "next": _safe_next(request, ""),
    })


def _with_next(name, request):
    next_url = request.POST.get("next") or request.GET.get("next")
    url = resolve_url(name)
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    return url


# --- CAS ------------------------------------------------------------------------

class CASLoginView(cas_views.LoginView):
    """django-cas-ng's login (redirect to the school's CAS, then the ticket's
    validation), answering 404 when no CAS is configured, and a French page
    in the layout for a refused person instead of a bare 403."""

    def dispatch(self, request, *args, **kwargs):
        if not cas.cas_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        # Where to land after the CAS waits in the session (CAS_STORE_NEXT),
        # checked here: django-cas-ng would otherwise fall back on the
        # query's ``next`` unchecked (utils.get_redirect_url), another site's
        # included.
        wanted = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
            wanted = ""
        if not request.GET.get("ticket") or not request.session.get("CASNEXT"):
            request.session["CASNEXT"] = wanted or resolve_url(settings.CAS_REDIRECT_URL)
        try:
            return super().get(request)
        except cas.CASUnavailable:
            logger.warning("The school's CAS did not validate a ticket.", exc_info=True)
            return render(request, "signin/cas_refused.html", {"reason": "unavailable"}, status=503)
        except PermissionDenied:
            context = {"reason": getattr(request, "cas_refused", "ticket"), "cas_login": getattr(request, "cas_login", "")}
            return render(request, "signin/cas_refused.html", context, status=403)
