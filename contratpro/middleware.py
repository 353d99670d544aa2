"""Response headers Django has no setting for, and the door's rules that
hold on every request (AUTH-1, AUTH-2)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django_cas_ng.models import SessionTicket
from django_cas_ng.utils import get_cas_client

from . import roles
from .signin import cas, idle, otp


class PermissionsPolicyMiddleware:
    """``Permissions-Policy``: the browser features the portal never uses are
    refused to every page (and to anything a page might embed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class IdleTimeoutMiddleware:
    """AUTH-2: a session idle for ``CONTRATPRO_SESSION_IDLE_MINUTES`` ends;
    the next request is signed out and sent to the login page with a French
    message and ``next``. The stored time is refreshed at most once a minute
    (``contratpro.signin.idle``), so most requests write nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The session's own key: no user query for a page that reads no user.
        if SESSION_KEY in request.session and idle.check(request.session) == "expired":
            logout(request)
            messages.info(request, _("Votre session a pris fin après %(minutes)s minutes sans activité : reconnectez-vous.")
                          % {"minutes": settings.CONTRATPRO_SESSION_IDLE_MINUTES})
            return _to_login(request)
        return self.get_response(request)


class SecondFactorMiddleware:
    """AUTH-2: with ``CONTRATPRO_REQUIRE_SECOND_FACTOR`` on, the office and
    superusers reach nothing but the code page (or the enrolment page, with
    no device yet), the logout and static files until this session is
    verified with their TOTP app (django-otp's ``is_verified``)."""

    OPEN = ("signin:otp-verify", "signin:otp-enrol", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "CONTRATPRO_REQUIRE_SECOND_FACTOR", False) and SESSION_KEY in request.session:
            user = request.user
            if roles.needs_second_factor(user) and not user.is_verified() and not self._open(request):
                page = "signin:otp-verify" if otp.has_device(user) else "signin:otp-enrol"
                url = f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}"
                if request.headers.get("HX-Request"):
                    return HttpResponse(status=204, headers={"HX-Redirect": url})
                return redirect(url)
        return self.get_response(request)

    def _open(self, request):
        static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        return request.path_info.startswith(static) or request.path_info in {reverse(name) for name in self.OPEN}


class CASLogoutMiddleware:
    """AUTH-1: leaving the portal after a CAS sign-in also leaves the
    school's CAS. The logout form posts to the usual logout view (CSRF
    checked there); its redirect is replaced by the CAS logout URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path_info != reverse("logout") or not cas.cas_enabled():
            return self.get_response(request)
        was_cas = request.session.get(BACKEND_SESSION_KEY) == cas.BACKEND_PATH
        session_key = request.session.session_key
        response = self.get_response(request)
        if was_cas and response.status_code == 302 and SESSION_KEY not in request.session:
            SessionTicket.objects.filter(session_key=session_key).delete()
            back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
            return HttpResponseRedirect(get_cas_client(request=request).get_logout_url(back))
        return response


def _to_login(request):
    url = redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL)).url
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)
