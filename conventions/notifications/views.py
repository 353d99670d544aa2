"""The inbox (issue 15): a person's notifications, newest first, unread
marked, paginated in the database; opening one marks it read and goes to
the place to act. Every school account has one; it reads only its own
(``roles.notifications_for``: another's answers 404, ROLE-9)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from contratpro import roles

from . import services

PAGE_SIZE = 25


@require_safe
@login_required
def inbox(request):
    """The person's notifications; the header's counter is checked against
    the unread rows here and set right if it drifted."""
    mine = roles.notifications_for(request.user)
    unread = mine.unread().count()
    services.unread_recount(request.user, unread)
    page = Paginator(mine.order_by("-created_at", "-pk").only(
        "pk", "title", "body", "url", "created_at", "read_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "conventions/notifications/inbox.html", {"page": page, "unread": unread})


@require_POST
@login_required
def notification_open(request, pk):
    """Open one notification (a POST: it changes the row, CSRF-checked):
    marked read, then to the place it names."""
    notification = get_object_or_404(roles.notifications_for(request.user), pk=pk)
    services.notification_read(notification=notification, by=request.user)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(url)
    return redirect("conventions:notification-list")


@require_POST
@login_required
def notification_read_all(request):
    """« Tout marquer comme lu »."""
    count = services.notifications_read_all(by=request.user)
    if count:
        messages.success(request, ngettext(
            "%(n)s notification marquée comme lue.", "%(n)s notifications marquées comme lues.", count) % {"n": count})
    else:
        messages.info(request, _("Aucune notification non lue."))
    return redirect("conventions:notification-list")
