"""Dossier pages. Every view starts from ``contratpro.roles`` (ROLE-9)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contratpro import roles
from students import eligibility, programme
from students.models import AcademicYear, Event, InfoMeeting, Module
from students.views import check_badge

from . import page, panels, services
from .shortcuts import safe_next
from .step_views import steps_context

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
    point = page.viewpoint(request.user, roles.actors_of(request.user, dossier))
    sections = page.sections_for(point, panels.render_context(request, dossier))
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
            "sees_student_page": roles.reads_eligibility_file(request.user, dossier),
            "events": events,
            "viewpoint": point,
            "sections": sections,
            "shows_demarche": any(section["key"] == "demarche" for section in sections),
            "sees_eligibility": point in page.SEES_ELIGIBILITY,
            "summary": page.summary(dossier.steps.all(), timezone.localdate()),
            **steps_context(dossier, request.user, next_url=safe_next(request)),
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
            _("Accord donné : le contrat de %(name)s est approuvé.") % {"name": dossier.student.full_name},
        )
        target = safe_next(request)
        if target:
            return redirect(target)  # the head's queue: on to the next item
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
