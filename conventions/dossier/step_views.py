"""The démarche on the dossier page (STEP-1…6): the step rows each viewer
sees, and the one view that moves a step, in place with htmx or by plain POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contratpro import roles

from . import steps
from .models import OPEN_STATES, DossierStep


def step_row(step_row, actors, today):
    definition = steps.BY_CODE[step_row.code]
    return {
        "row": step_row,
        "definition": definition,
        "overdue": bool(step_row.deadline and step_row.deadline < today and step_row.state in OPEN_STATES),
        "actions": [(action, steps.ACTION_LABELS[action]) for action in steps.allowed_actions(step_row, actors)],
    }


def steps_context(dossier, user):
    """Rows of the steps panel for ``user`` (reads prefetched ``steps``)."""
    actors = steps.actors_of(user, dossier)
    today = timezone.localdate()
    rows = [step_row(row, actors, today) for row in dossier.steps.all()]
    return {
        "step_rows": rows,
        "steps_done": sum(1 for r in rows if r["row"].state == "valide"),
        "steps_total": len(rows),
        "steps_overdue": sum(1 for r in rows if r["overdue"]),
    }


@require_POST
@login_required
def step_action(request, pk, code):
    """Move one step (STEP-3). With htmx, answers the updated row; without
    JavaScript, redirects back to the step on the dossier page."""
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
    if request.htmx:
        context = {
            "dossier": dossier,
            "item": step_row(row, steps.actors_of(request.user, dossier), timezone.localdate()),
            "error": error,
            "comment": comment if error else "",
        }
        return render(request, "conventions/dossier/_steps.html#step-row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Étape %(code)s : %(state)s.") % {"code": label, "state": row.get_state_display()})
    return redirect(reverse("conventions:dossier-detail", args=[dossier.pk]) + f"#etape-{code}")
