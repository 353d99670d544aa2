"""Dossier pages. Every view starts from ``contratpro.roles`` (ROLE-9)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contratpro import roles
from students import eligibility, programme
from students.models import AcademicYear, Event, InfoMeeting, Module
from students.views import check_badge, sees_students

from . import panels, services, steps
from .filters import DossierFilter
from .models import OPEN_STATES, DossierStep, StepState

PAGE_SIZE = 25

# What the dossier page shows of the dossier's neighbours, joined to its
# query: the department's head, who approved the contract (ELIG-9), the
# fiche contact and the CERFA's data, which several panels read.
PAGE_RELATED = ("student__department__head", "head_approval_by", "fiche_contact", "cerfa")


def read_once(dossier, key, read):
    """``read()``, memoised on ``dossier`` under ``key``: the panels of one
    page that show the same rows read them once. The dossier object lives as
    long as the request, and so does what it keeps."""
    memo = dossier.__dict__.setdefault("_page_reads", {})
    if key not in memo:
        memo[key] = read()
    return memo[key]


def already_read(dossier, key):
    """What ``read_once`` kept under ``key`` for this request, or None."""
    return dossier.__dict__.get("_page_reads", {}).get(key)


def _render_list(request, visible, *, title, intro):
    dossier_filter = DossierFilter(request.GET or None, visible=visible)
    queryset = dossier_filter.qs if dossier_filter.is_bound else visible
    rows = queryset.for_list().order_by("student__user__last_name", "student__user__first_name", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    attach_progress(page.object_list, timezone.localdate())
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


@login_required
def my_dossier(request):
    """The student's own dossier for the current year (ROLE-1)."""
    year = AcademicYear.objects.current()
    dossier = roles.dossiers_for(request.user).filter(student__user=request.user, year=year).first()
    if dossier is not None:
        return redirect("conventions:dossier-detail", pk=dossier.pk)
    return render(request, "conventions/dossier/no_dossier.html", {"year": year})


@login_required
def dossier_detail(request, pk):
    """A dossier with its eligibility risks (ELIG-2…8, 10), the department
    head's approval (ELIG-9) and the student's history (DATA-4); 404 when it
    is not the viewer's (ROLE-9)."""
    dossier = get_object_or_404(
        roles.dossiers_for(request.user)
        .for_detail()
        .select_related(*PAGE_RELATED)
        .prefetch_related("steps")
        # ELIG-1 read with the dossier: did the student attend a meeting of its year?
        .annotate(attended_info_meeting=Exists(
            InfoMeeting.objects.filter(attendees=OuterRef("student"), year=OuterRef("year"))
        )),
        pk=pk,
    )
    student = dossier.student
    # ``eligibility.evaluate`` without its read of the student's dossiers:
    # ELIG-6's contract end is this dossier's, the one of its year (one
    # dossier per student and year).
    result = eligibility.evaluate_facts(
        eligibility.facts_for(
            student, dossier.year, contract_end=dossier.end_date, attended_info_meeting=dossier.attended_info_meeting
        ),
        student.acknowledgements.all(), student.overrides.all(),
    )
    # The checks that still say something: not conforming, or conforming
    # only through an override, or whose override lapsed.
    flagged = [
        (check, check_badge(check))
        for check in result.checks
        if check.status != eligibility.OK or check.override or check.lapsed_override
    ]
    events = timeline(dossier)  # before the panels: the convention's looks in it
    return render(
        request,
        "conventions/dossier/detail.html",
        {
            "dossier": dossier,
            "student": student,
            "year": dossier.year,
            "periods": dossier.year.periods_for(student.department),
            "track": programme.track_for(student.department),
            "programme": programme,
            "modules": Module.objects.for_student(student),
            "eligibility": result,
            "flagged": flagged,
            "may_approve": roles.can_approve_contract(request.user, dossier) and not dossier.head_approval_at,
            "sees_student_page": sees_students(request.user),
            "events": events,
            "panels": panels.render_context(request, dossier),
            **steps_context(dossier, request.user),
        },
    )


def timeline(dossier):
    """The dossier's events and its student's, newest first, from the one
    event log (STEP-3, DATA-4): one query, once per request."""
    return read_once(dossier, "timeline", lambda: list(Event.objects.of_dossier(dossier)))


@require_POST
@login_required
def dossier_approve(request, pk):
    """ELIG-9: the department head approves the contract; anyone else who
    sees the dossier gets 403."""
    dossier = get_object_or_404(roles.dossiers_for(request.user).for_detail(), pk=pk)
    try:
        services.dossier_approve_contract(dossier=dossier, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Accord donné : le contrat de %(name)s est approuvé (ELIG-9).") % {"name": dossier.student.full_name},
        )
    return redirect("conventions:dossier-detail", pk=dossier.pk)


@require_POST
@login_required
def open_dossier(request):
    """Step 1: the student informs the office and their department head
    (STEP-1), allowed once no check blocks (ELIG-1…8). Lives here, not in
    students, because it opens a dossier (imports point one way)."""
    student = get_object_or_404(roles.students_for(request.user), user=request.user)
    try:
        dossier = services.dossier_open(student=student, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("students:my-eligibility")
    messages.success(
        request,
        _(
            "Étape 1 faite : le service Contrats pro et votre responsable de département ont été "
            "informés de votre projet par e-mail. Prochaine étape : la fiche contact avec votre entreprise."
        ),
    )
    return redirect("conventions:dossier-detail", pk=dossier.pk)


# --- The démarche on the dossier page (STEP-1…5), in place with htmx or by plain POST.

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
