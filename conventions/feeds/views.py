"""« Mon agenda » (issue 15, NOTIF-1): the page where a person makes,
renews or disables their calendar's address, and the feed itself.

The page shows the address once, right after it is made: the token is kept
in the session for the redirect that follows the POST, bound to its feed,
and taken out of it at the first display. The feed answers with no session
(calendar apps have none): its token is the only key, and anything wrong
with it is a bare 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from contratpro import roles

from . import ics, services

FRESH = "feeds.fresh"  # the session key of the address just made: {"feed": pk, "token": token}
PREVIEW = 5


def _allowed(user):
    if not roles.can_subscribe_calendar(user):
        raise PermissionDenied


@require_safe
@login_required
@never_cache
def feed_page(request):
    """The feed's state and how to subscribe; the address itself only once,
    after « Créer une nouvelle adresse ». A preview of the next deadlines
    the feed carries, read as the feed reads them (a fixed number of
    queries whatever their number)."""
    _allowed(request.user)
    feed = services.active_feed(request.user)
    token = None
    if FRESH in request.session:
        fresh = request.session.pop(FRESH)
        if feed is not None and fresh.get("feed") == feed.pk:
            token = fresh.get("token")
    today = timezone.localdate()
    entries = services.feed_entries(request.user, today=today)
    coming = [e for e in entries if not e.done and e.due >= today]
    return render(request, "conventions/feeds/page.html", {
        "feed": feed, "token": token,
        "url": services.feed_url(token) if token else "", "webcal": services.webcal_url(token) if token else "",
        "count": len(entries), "coming": coming[:PREVIEW], "late": sum(1 for e in entries if e.late),
        "calendar_name": ics.calendar_name(request.user),
    })


@require_POST
@login_required
def feed_create(request):
    """« Créer une nouvelle adresse »: the previous one stops working."""
    _allowed(request.user)
    had = services.active_feed(request.user) is not None
    feed, token = services.feed_create(user=request.user, by=request.user)
    request.session[FRESH] = {"feed": feed.pk, "token": token}
    if had:
        messages.success(request, _("Nouvelle adresse créée : l'ancienne ne fonctionne plus. Remplacez-la dans votre agenda."))
    else:
        messages.success(request, _("Votre adresse d'agenda est prête : copiez-la dans votre application d'agenda."))
    return redirect("conventions:feed-page")


@require_POST
@login_required
def feed_revoke(request):
    """« Désactiver »: the address reads nothing from now on."""
    _allowed(request.user)
    if services.feed_revoke(user=request.user, by=request.user):
        messages.success(request, _(
            "Adresse désactivée : votre agenda ne reçoit plus vos échéances. Retirez aussi l'abonnement de votre "
            "application d'agenda."
        ))
    else:
        messages.info(request, _("Vous n'aviez pas d'adresse d'agenda active."))
    return redirect("conventions:feed-page")


@require_safe
def feed_ics(request, token):
    """The feed (``text/calendar``), for a calendar app with no session:
    the token checked against its stored digest; revoked, unknown or
    tampered → 404, saying nothing more."""
    feed = services.feed_resolve(token)
    if feed is None:
        # The same bare answer for every cause, no page (a calendar app
        # shows none), no session, no CSRF cookie.
        return HttpResponseNotFound(_("Adresse d'agenda inconnue ou désactivée."), content_type="text/plain; charset=utf-8")
    today = timezone.localdate()
    body = ics.feed_ics(feed.user, services.feed_entries(feed.user, today=today), today=today)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="contrats-pro.ics"'
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
