"""The office's page of the reminders (NOTIF-1): the last ones sent and
those that failed, with « Relancer » for a failed one. The page only reads
and queues: nothing is sent in the request (NOTIF-2). And the contract's
deposit with the OPCO (NOTIF-3): its page and its dossier panel."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contratpro import roles
from conventions.dossier.shortcuts import detail_url, put_errors, visible_dossier

from . import opco, services, tasks
from .models import OpcoDeposit, ReminderClaim

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


# --- The contract's deposit with the OPCO (NOTIF-3) --------------------------------

class OpcoDepositForm(forms.Form):
    deposited_on = forms.DateField(
        label=_lazy("Contrat déposé à l'OPCO le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_lazy("Le jour du dépôt sur le service en ligne de l'OPCO (accusé de réception de l'OPCO, ou ce que dit l'employeur)."),
    )


def _opco_context(dossier, deposit):
    return {
        "dossier": dossier, "deposit": deposit, "due": opco.opco_due(dossier.start_date) if dossier.start_date else None,
        "late": deposit is None and dossier.start_date is not None
        and timezone.localdate() > opco.opco_due(dossier.start_date),
    }


@require_http_methods(["GET", "POST"])
@login_required
def opco_deposit(request, pk):
    """NOTIF-3: the contract's deposit with the OPCO — when it is due, the day
    recorded; the office records it or corrects it (403 for anyone else)."""
    dossier = visible_dossier(request, pk)
    if not roles.can_record_opco_deposit(request.user):
        raise PermissionDenied
    deposit = OpcoDeposit.objects.filter(dossier=dossier).select_related("recorded_by").first()
    form = OpcoDepositForm(
        request.POST or None, initial={"deposited_on": deposit.deposited_on if deposit else timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            opco.opco_deposit_record(dossier=dossier, deposited_on=form.cleaned_data["deposited_on"], by=request.user)
        except ValidationError as error:
            put_errors(error, [form])
        else:
            messages.success(request, _("Le dépôt du contrat à l'OPCO est enregistré."))
            return redirect(detail_url(dossier, "opco"))
    return render(request, "conventions/reminders/opco_deposit.html", {**_opco_context(dossier, deposit), "form": form})


def opco_panel_context(request, dossier):
    """The dossier page's « Dépôt à l'OPCO » panel, for the office, once the
    dossier has a contract start: its deposit read (one query)."""
    if dossier.start_date is None or not roles.can_record_opco_deposit(request.user):
        return None
    deposit = OpcoDeposit.objects.filter(dossier=dossier).first()
    return _opco_context(dossier, deposit)
