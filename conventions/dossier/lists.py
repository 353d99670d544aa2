"""The dossier lists: the office's and the heads' (ROLE-2, ROLE-3), the
tutor's tutees (ROLE-4), with their filters, sorting and progress (STEP-3)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles

from .filters import DossierFilter
from .models import DossierStep, StepState

PAGE_SIZE = 25


def _render_list(request, visible, *, title, intro):
    today = timezone.localdate()
    dossier_filter = DossierFilter(request.GET or None, visible=visible, sees_all=roles.sees_all(request.user), today=today)
    page = Paginator(dossier_filter.qs.for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    attach_progress(page.object_list, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "conventions/dossier/list.html",
        {
            "title": title,
            "intro": intro,
            "filter": dossier_filter,
            "page": page,
            "query": query.urlencode(),
            "may_export": roles.sees_all(request.user) or roles.Role.DEPARTMENT_HEAD in roles.roles_of(request.user),
        },
    )


def attach_progress(dossiers, today):
    """STEP-3 progress of the page's dossiers in one query, whatever the
    number of rows: validated / applicable steps, and open steps past their
    deadline (STEP-2)."""
    dossiers = list(dossiers)
    progress = {
        row["dossier_id"]: row
        for row in DossierStep.objects.filter(dossier__in=dossiers)
        .values("dossier_id")
        .annotate(
            done=Count("pk", filter=Q(state=StepState.VALIDATED)),
            total=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today) & ~Q(state=StepState.VALIDATED)),
        )
        .order_by()
    }
    for dossier in dossiers:
        row = progress.get(dossier.pk, {})
        dossier.steps_done, dossier.steps_total, dossier.steps_overdue = (
            row.get("done", 0), row.get("total", 0), row.get("overdue", 0)
        )
    return dossiers


@login_required
def dossier_list(request):
    """The office's list of every dossier; a department head's list of their
    department's (ROLE-2, ROLE-3). The scope comes from ``roles``."""
    user = request.user
    visible = roles.dossiers_for(user)
    if roles.sees_all(user):
        title = _("Tous les dossiers")
        intro = _("Les contrats de professionnalisation de toutes les promotions suivies.")
    else:
        codes = ", ".join(d.code for d in roles.departments_headed_by(user))
        title = _("Dossiers du département %(codes)s") % {"codes": codes} if codes else _("Mes dossiers")
        intro = _("Les élèves de votre département en contrat de professionnalisation.")
    return _render_list(request, visible, title=title, intro=intro)


@login_required
def tutee_list(request):
    """The tuteur école's tutees (ROLE-4)."""
    visible = roles.dossiers_for(request.user).filter(tuteur_ecole=request.user)
    return _render_list(
        request,
        visible,
        title=_("Mes tutorés"),
        intro=_("Les élèves dont vous êtes le tuteur école."),
    )
