"""The démarche on the dossier page (STEP-1…6): the step rows each viewer
sees, and the one view that moves a step, in place with htmx or by plain POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from contratpro import roles

from . import steps
from .models import OPEN_STATES, DossierStep
from .shortcuts import safe_next


def step_row(step_row, actors, today, evidence, user):
    """One row of the steps panel: the actions ``actors`` have the right to
    make now, each with the reason it is not yet possible (STEP-6: shown
    disabled), and the links to what the step attests."""
    definition = steps.BY_CODE[step_row.code]
    actions = [
        {"action": action, "label": steps.ACTION_LABELS[action],
         "reason": steps.blocking_reason(step_row.code, action, evidence)}
        for action in steps.allowed_actions(step_row, actors)
    ]
    return {
        "row": step_row,
        "definition": definition,
        "overdue": bool(step_row.deadline and step_row.deadline < today and step_row.state in OPEN_STATES),
        "actions": actions,
        "links": steps.evidence_links(step_row.code, evidence, user),
    }


def steps_context(dossier, user, next_url=None):
    """Rows of the steps panel for ``user`` (reads prefetched ``steps``;
    the evidence of every step is read once, up front: a fixed number of
    queries whatever the rows). ``next_url``, already checked safe, goes
    with each action (a work queue's next item)."""
    actors = steps.actors_of(user, dossier)
    today = timezone.localdate()
    step_rows = list(dossier.steps.all())
    evidence = steps.evidence_of(dossier)
    if step_rows:
        evidence.read_all()
    rows = [step_row(row, actors, today, evidence, user) for row in step_rows]
    done = sum(1 for r in rows if r["row"].state == "valide")
    return {
        "step_rows": rows,
        "steps_done": done,
        "steps_total": len(rows),
        "steps_progress": ngettext(
            "%(done)s étape validée sur %(total)s", "%(done)s étapes validées sur %(total)s", done
        ) % {"done": done, "total": len(rows)},
        "steps_overdue": sum(1 for r in rows if r["overdue"]),
        "next": next_url,
    }


@require_POST
@login_required
def step_action(request, pk, code):
    """Move one step (STEP-3, STEP-6: the service refuses a move without its
    evidence). With htmx, answers the updated row; without JavaScript,
    redirects to a safe ``next`` when the form sent one (a work queue's next
    item), else back to the step on the dossier page."""
    dossier = get_object_or_404(roles.dossiers_for(request.user).for_detail(), pk=pk)
    row = get_object_or_404(DossierStep, dossier=dossier, code=code)
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "")
    error = None
    try:
        row = steps.step_transition(step=row, action=action, by=request.user, comment=comment)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    label = steps.BY_CODE[code].display_code
    target = safe_next(request)
    if request.htmx and target and not error:
        # Opened from a work queue: the decision made, on to the next item.
        messages.success(request, _("Étape %(code)s : %(state)s.") % {"code": label, "state": row.get_state_display()})
        return HttpResponseClientRedirect(target)
    if request.htmx:
        context = {
            "dossier": dossier,
            "item": step_row(
                row, steps.actors_of(request.user, dossier), timezone.localdate(), steps.Evidence(dossier), request.user
            ),
            "error": error,
            "comment": comment if error else "",
        }
        return render(request, "conventions/dossier/_steps.html#step-row", context)
    back = reverse("conventions:dossier-detail", args=[dossier.pk]) + f"#etape-{code}"
    if error:
        messages.error(request, error)
        return redirect(back)
    messages.success(request, _("Étape %(code)s : %(state)s.") % {"code": label, "state": row.get_state_display()})
    return redirect(target or back)
