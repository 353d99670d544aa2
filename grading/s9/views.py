"""Pages of tutors and the S9 Projet Entreprise (ROLE-3, ROLE-4, EVAL-1…3):
thin, every object through ``contratpro.roles``, every write through
``services``; a refused form comes back with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contratpro import roles
from contratpro.roles import Role
from conventions.dossier.models import StepState
from conventions.dossier.shortcuts import put_errors

from . import report, services
from .forms import AppraisalForm, ReportGradeForm, ReportHandInForm, TutorForm

PAGE_SIZE = 50


def _dossier(request, pk):
    return get_object_or_404(
        roles.dossiers_for(request.user).select_related(
            "student__user", "student__department", "student__option", "year", "company", "tuteur_ecole",
            "tuteur_entreprise"),
        pk=pk,
    )


# --- ROLE-3: « Tuteurs à nommer » --------------------------------------------

@require_GET
@login_required
def tutor_queue(request):
    """ROLE-3: the head's dossiers (every dossier for the office), those
    without a tuteur école first, paginated in the database."""
    if not roles.can_see_tutor_queue(request.user):
        raise PermissionDenied(_("Cette file est celle des responsables de département."))
    dossiers = roles.dossiers_for(request.user)
    if Role.OFFICE not in roles.roles_of(request.user):
        dossiers = dossiers.filter(Q(student__department__head=request.user) | Q(student__option__head=request.user))
    dossiers = dossiers.select_related(
        "student__user", "student__department", "student__option", "company", "tuteur_ecole", "year"
    ).order_by(F("tuteur_ecole").asc(nulls_first=True), "student__user__last_name", "student__user__first_name", "pk")
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grading/s9/tutor_queue.html", {
        "page": page, "missing": dossiers.filter(tuteur_ecole__isnull=True).count()})


@require_http_methods(["GET", "POST"])
@login_required
def tutor_name(request, pk):
    """ROLE-3: name (or replace) the dossier's tuteur école among the
    teachers, the department's own first."""
    dossier = _dossier(request, pk)
    if not roles.can_name_tutor(request.user, dossier):
        raise PermissionDenied(_("Seul le responsable du département de l'élève nomme son tuteur école."))
    form = TutorForm(request.POST or None, candidates=services.tutor_candidates(dossier.student.department),
                     initial={"tutor": dossier.tuteur_ecole_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.tutor_name(dossier=dossier, tutor=form.cleaned_data["tutor"], by=request.user)
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Tuteur école nommé : %(name)s, prévenu par courriel.") % {
                "name": dossier.tuteur_ecole.get_full_name() or dossier.tuteur_ecole.username})
            return redirect("grading:tutor-queue")
    return render(request, "grading/s9/tutor_form.html", {"form": form, "dossier": dossier})


# --- ROLE-4: the tuteur école's page ------------------------------------------

def defence_of(dossier):
    """The dossier's PFE defence, read with it (``select_related("defence")``),
    or None. Read through the relation's name only: pfe builds on s9, so s9
    never imports pfe (no cycle), and the page pays no query for it."""
    try:
        return dossier.defence
    except ObjectDoesNotExist:
        return None


def _hours(moment):
    moment = timezone.localtime(moment)
    return f"{moment.hour} h {moment.minute:02d}"


def pfe_dates(dossier, steps_by_code):
    """ROLE-4, PFE-1…3, DOC-2: what the tutor must know of the tutee's PFE:
    the defence (day, hours, room) once scheduled, the PFE report's deadline
    (the tutor sets it, PFE-2) and whether the report is in, and the fiche
    contact PFE (step D, by the end of S9)."""
    defence = defence_of(dossier)
    step_d = steps_by_code.get("D")
    return {
        "defence": defence,
        "starts": timezone.localtime(defence.starts_at) if defence else None,
        "hours": f"{_hours(defence.starts_at)} – {_hours(defence.ends_at)}" if defence else "",
        "step_d": step_d,
    }


def awaiting(dossier, grade, evaluation):
    """What awaits the tuteur école for one tutee (ROLE-4, EVAL-2), with
    the steps' dates (A and B: before the Christmas holidays; D: by the end
    of S9), then the PFE's (PFE-2: the report deadline to set)."""
    steps = {s.code: s for s in dossier.steps.all()}
    items = []
    if grade.report is None:
        step = steps.get("A")
        items.append({"label": _("Rapport à noter"), "due": step.deadline if step else None,
                      "note": _("rapport remis") if step and step.state in ("soumis", "valide") else _("rapport pas encore remis")})
    if grade.appraisal is None:
        step = steps.get("B")
        items.append({"label": _("Évaluation du tuteur entreprise attendue"), "due": step.deadline if step else None,
                      "note": ""})
    if not items and not (evaluation and evaluation.transmitted_at):
        items.append({"label": _("Note du S9 à transmettre à la scolarité"), "due": None, "note": ""})
    step_d = steps.get("D")
    if step_d is not None and step_d.state == StepState.SUBMITTED:
        items.append({"label": _("Fiche contact PFE à relire"), "due": step_d.deadline, "note": _("remise par l’élève")})
    defence = defence_of(dossier)
    if defence is not None and defence.report_due is None:
        items.append({"label": _("Date limite du rapport de PFE à fixer"), "due": None,
                      "note": _("au plus tard 15 jours avant la soutenance")})
    return items


@require_GET
@login_required
def s9_tutees(request):
    """ROLE-4: the tuteur école's tutees, each with what awaits them and its
    date, the S9 grade with its three parts, and the PFE's dates (defence,
    report deadline and report, fiche contact PFE). A fixed number of
    queries whatever the tutees (the page with each defence, its count,
    steps, scores, barème, thresholds)."""
    dossiers = roles.dossiers_for(request.user).filter(tuteur_ecole=request.user).select_related(
        "student__user", "student__department", "company", "year", "s9_evaluation", "defence",
    ).prefetch_related("steps", "scores").order_by("student__user__last_name", "student__user__first_name", "pk")
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    grades = services.grades_for(rows)
    tutees = []
    for dossier in rows:
        evaluation = services.evaluation_of(dossier)
        grade = grades[dossier.pk]
        tutees.append({"dossier": dossier, "grade": grade, "evaluation": evaluation,
                       "awaiting": awaiting(dossier, grade, evaluation),
                       "pfe": pfe_dates(dossier, {s.code: s for s in dossier.steps.all()})})
    return render(request, "grading/s9/tutees.html", {"page": page, "tutees": tutees})


def _grade_page(request, dossier, form, *, title, template="grading/s9/grade_form.html", with_report=False):
    grade, evaluation = services.grade_of(dossier)
    context = {"form": form, "dossier": dossier, "grade": grade, "evaluation": evaluation, "title": title}
    if with_report:
        # EVAL-2: the report's current version and the four parts as the student declared them.
        versions = report.report_versions(dossier)
        current = versions[0] if versions else None
        context.update({"report": current, "parts": report.parts_of(current), "with_report": True})
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def s9_report(request, pk):
    """EVAL-1, ROLE-4: the tuteur école grades the report (/20, comment)."""
    dossier = _dossier(request, pk)
    if not roles.can_grade_report(request.user, dossier):
        raise PermissionDenied(_("Seul le tuteur école de l'élève note le rapport."))
    evaluation = services.evaluation_of(dossier)
    initial = {"grade": evaluation.report_grade, "comment": evaluation.report_comment} if evaluation else {}
    form = ReportGradeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_grade_set(dossier=dossier, grade=form.cleaned_data["grade"],
                                      comment=form.cleaned_data["comment"], reason=form.cleaned_data["reason"],
                                      by=request.user)
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Note du rapport enregistrée."))
            return redirect("grading:s9-tutees")
    return _grade_page(request, dossier, form, title=_("Noter le rapport de Projet Entreprise"), with_report=True)


@require_http_methods(["GET", "POST"])
@login_required
def s9_report_hand_in(request, pk):
    """EVAL-2, step A: the student's one form — the PDF report and its four
    expected parts ticked. Refused, the form comes back with the boxes as
    they were ticked; once handed in, the page shows what was handed in."""
    dossier = _dossier(request, pk)
    if not roles.can_hand_in_report(request.user, dossier):
        raise PermissionDenied(_("Seul l'élève remet son rapport de Projet Entreprise."))
    row = report.step_a(dossier)
    open_to_hand_in = report.hand_in_open(row, request.user, dossier)
    form = ReportHandInForm(request.POST or None, request.FILES or None) if open_to_hand_in else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            document = report.report_hand_in(dossier=dossier, uploaded_file=form.cleaned_data["file"],
                                             parts=form.ticked(), by=request.user)
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Rapport remis (version %(version)s) : votre tuteur école le reçoit.") % {
                "version": document.version})
            return redirect(reverse("conventions:dossier-detail", args=[dossier.pk]) + "#etape-A")
    versions = report.report_versions(dossier)
    current = versions[0] if versions else None
    return render(request, "grading/s9/report_hand_in.html", {
        "dossier": dossier, "form": form, "step": row, "report": current, "parts": report.parts_of(current),
    })


@require_http_methods(["GET", "POST"])
@login_required
def s9_appraisal(request, pk):
    """EVAL-1, step B: the paper appraisal typed in, marked as such."""
    dossier = _dossier(request, pk)
    if not roles.can_type_appraisal(request.user, dossier):
        raise PermissionDenied(_("Seuls le tuteur école et le service Contrats pro saisissent la fiche papier."))
    evaluation = services.evaluation_of(dossier)
    form = AppraisalForm(request.POST or None, initial={"grade": evaluation.appraisal_grade} if evaluation else {})
    if request.method == "POST" and form.is_valid():
        try:
            services.appraisal_from_paper(dossier=dossier, grade=form.cleaned_data["grade"],
                                          reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Évaluation du tuteur entreprise enregistrée (saisie depuis la fiche papier)."))
            return redirect("conventions:dossier-detail", pk=dossier.pk)
    return _grade_page(request, dossier, form, title=_("Saisir la fiche d'évaluation papier du tuteur entreprise"))


@require_POST
@login_required
def s9_transmit(request, pk):
    """EVAL-2: the tuteur école transmits the complete S9 grade to the scolarité."""
    dossier = _dossier(request, pk)
    if not roles.can_transmit_s9(request.user, dossier):
        raise PermissionDenied(_("Seul le tuteur école de l'élève transmet la note du S9."))
    try:
        services.s9_transmit(dossier=dossier, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Note du S9 transmise à la scolarité."))
    return redirect("grading:s9-tutees")


# --- The dossier page's « Évaluation » panel -------------------------------------

def panel_context(request, dossier):
    """EVAL-1: the S9 grade and its three parts on the dossier page, for
    whoever sees the dossier (its history names the grades already). Two
    queries, whatever the dossier (``services.grade_of``)."""
    user = request.user
    grade, evaluation = services.grade_of(dossier)
    return {
        "dossier": dossier, "grade": grade, "evaluation": evaluation,
        "may_grade": roles.can_grade_report(user, dossier),
        "may_type": roles.can_type_appraisal(user, dossier),
        "may_name": roles.can_name_tutor(user, dossier),
        "may_read_appraisal": roles.can_read_appraisal(user, dossier),
        # EVAL-2: the student's way to step A's form while it is open (its steps are prefetched: no query).
        "may_hand_in": roles.can_hand_in_report(user, dossier) and any(
            s.code == report.STEP and s.state in (StepState.TODO, StepState.REFUSED) for s in dossier.steps.all()),
    }
