"""The office's page of the reminders (NOTIF-1): the last ones sent and
those that failed, with « Relancer » for a failed one. The page only reads
and queues: nothing is sent in the request (NOTIF-2)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from contratpro import roles

from . import services, tasks
from .models import ReminderClaim

PAGE_SIZE = 50
_FILTERS = {
    "": None,
    "echecs": ReminderClaim.State.FAILED,
    "envoyees": ReminderClaim.State.SENT,
}


@require_safe
@login_required
def reminder_list(request):
    """The last reminders, newest first, paginated in the database; one
    query for the page's rows whatever their number."""
    if not roles.can_retry_reminders(request.user):
        raise PermissionDenied
    shown = request.GET.get("etat", "")
    state = _FILTERS.get(shown)
    claims = ReminderClaim.objects.select_related("dossier__student__user", "user", "contact").order_by("-claimed_at", "-pk")
    if state is not None:
        claims = claims.filter(state=state)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "conventions/reminders/list.html", {
        "page": page, "shown": shown if shown in _FILTERS else "",
        "failed": ReminderClaim.State.FAILED, "filters": (
            ("", _("Toutes")), ("echecs", _("En échec")), ("envoyees", _("Envoyées")),
        ),
    })


@require_POST
@login_required
def reminder_retry(request, pk):
    """« Relancer »: a failed reminder queued again, on the same claim."""
    if not roles.can_retry_reminders(request.user):
        raise PermissionDenied
    claim = get_object_or_404(ReminderClaim, pk=pk)
    try:
        services.reminder_retry(claim=claim, by=request.user, queue=tasks.send_reminder.delay)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La relance est remise en file d'envoi : elle part dans quelques instants."))
    return redirect("conventions:reminder-list")
