"""Scores on the dossier page and the barème workbooks (SCORE-1…4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contratpro import roles
from conventions.dossier import proposals
from conventions.dossier.filters import DossierFilter
from conventions.dossier.steps import BY_CODE

from . import scoring
from .excel import CLASS_COLUMNS, bareme_workbook
from .excel import class_workbook as class_workbook_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def panel_context(request, dossier):
    """The "Barème et note de conduite" panel: every viewer of the dossier
    sees the barème and the points (barème transparent); the office scores."""
    if not dossier.steps.all():
        return None
    sheet = scoring.dossier_scoresheet(dossier, *scoring.bareme_and_points(dossier))
    can_score = roles.can_manage_dossiers(request.user)
    asked = request.GET.get("proposition")
    for row in sheet["rows"]:
        # A proposed score (SCORE-1) loads from the step's points URL (htmx),
        # so the dossier page reads nothing more; without htmx the link
        # ``?proposition=<code>`` reads it in the page.
        row["proposed"] = can_score and proposals.proposes(row["code"])
        if row["proposed"] and asked == row["code"]:
            row["proposal"] = _proposal_view(dossier, row["code"], row["maximum"], row["points"])
    return {"dossier": dossier, "sheet": sheet, "can_score": can_score}


def _proposal_view(dossier, code, maximum, current):
    return {
        "dossier_pk": dossier.pk, "code": code, "display_code": BY_CODE[code].display_code, "maximum": maximum,
        "current": current, "proposal": proposals.proposal_for(code, dossier, maximum=maximum),
    }


@require_http_methods(["GET", "POST"])
@login_required
def score_set(request, pk, code):
    """The office sets a step's points; with htmx the panel is re-rendered.
    GET: the points a room proposes for the step (``score_proposal``)."""
    if request.method == "GET":
        return score_proposal(request, pk, code)
    dossier = get_object_or_404(roles.dossiers_for(request.user).for_detail().prefetch_related("steps"), pk=pk)
    error = None
    try:
        points = int(request.POST.get("points", ""))
    except ValueError:
        error = _("Choisissez un nombre de points.")
    else:
        try:
            scoring.score_set(dossier=dossier, step=code, points=points, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx:
        context = panel_context(request, dossier)
        context["error"] = error
        return render(request, "grading/_panel.html", {"panel": context})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Points enregistrés."))
    return redirect(reverse("conventions:dossier-detail", args=[dossier.pk]) + "#bareme")


def score_proposal(request, pk, code):
    """SCORE-1: the points a room proposes for a step (step C from the
    carnet), for the office, beside the step in the barème panel with one
    click to confirm them; nothing is scored until the office does."""
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro note la démarche."))
    dossier = get_object_or_404(roles.dossiers_for(request.user).select_related("student", "year"), pk=pk)
    line = scoring.bareme_for(dossier.year).get(code)
    if line is None or not line.counted or not proposals.proposes(code):
        raise Http404(_("Aucune proposition pour cette étape."))
    if not request.htmx:
        return redirect(reverse("conventions:dossier-detail", args=[dossier.pk]) + f"?proposition={code}#bareme")
    current = dossier.scores.filter(step=code).values_list("points", flat=True).first()
    return render(request, "grading/_panel.html#proposal",
                  {"pr": _proposal_view(dossier, code, line.maximum, current)})


def _xlsx_response(data, filename):
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_scores(queryset):
    return queryset.for_list().prefetch_related("steps", "scores")


@login_required
def dossier_workbook(request, pk):
    """SCORE-4: one student's barème workbook, for whoever sees the dossier."""
    dossier = get_object_or_404(_with_scores(roles.dossiers_for(request.user)), pk=pk)
    data = bareme_workbook([dossier], title=_("Barème de %(name)s") % {"name": dossier.student.full_name})
    return _xlsx_response(data, f"bareme-{slugify(dossier.student.full_name)}.xlsx")


@login_required
def class_workbook(request):
    """SCORE-4: the workbook of a class — the dossier list with its filters
    and order — for the office and heads: one sheet, a row per student,
    streamed from a temporary file."""
    user = request.user
    if not (roles.sees_all(user) or roles.Role.DEPARTMENT_HEAD in roles.roles_of(user)):
        raise PermissionDenied
    dossier_filter = DossierFilter(request.GET or None, visible=roles.dossiers_for(user), sees_all=roles.sees_all(user))
    rows = dossier_filter.qs.values_list(*CLASS_COLUMNS)
    valid = dossier_filter.is_bound and dossier_filter.form.is_valid()
    department = dossier_filter.form.cleaned_data.get("department") if valid else None
    title = _("Barème de conduite de la démarche – %(what)s") % {"what": department.code if department else _("tous les élèves")}
    filename = f"bareme-{slugify(department.code) if department else 'promotion'}.xlsx"
    return FileResponse(class_workbook_file(rows, title=title), as_attachment=True, filename=filename, content_type=XLSX)
