"""Pages of absences and incidents (ABS-1…3, NOTIF-3): thin, every object
through ``contratpro.roles``, every write through ``services``; a refused
form comes back with what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contratpro import roles
from conventions.documents.files import clean_name
from conventions.documents.models import private_storage
from conventions.dossier import services as dossier_services
from conventions.dossier.models import Incident
from conventions.dossier.shortcuts import put_errors

from . import services
from .forms import (
    AbsenceRequestForm,
    DecisionForm,
    IncidentForm,
    MakeupForm,
    SickLeaveForm,
)
from .models import AbsenceState, ExceptionalAbsence, RuptureDeclaration, SickLeave

PAGE_SIZE = 50
RUPTURES_SHOWN = 50


def _dossier(request, pk):
    return get_object_or_404(
        roles.dossiers_for(request.user).select_related(
            "student__user", "student__department", "student__option", "year", "company"),
        pk=pk,
    )


def _absences(user):
    return ExceptionalAbsence.objects.filter(dossier__in=roles.dossiers_for(user)).select_related(
        "dossier__student__user", "dossier__student__department", "dossier__student__option", "dossier__year",
        "decided_by", "makeup_done_by",
    )


def panel_context(request, dossier):
    """The dossier page's « Absences et incidents »: where to report, for
    whoever sees the dossier; read from the dossier's own relations."""
    return {"dossier": dossier, "may_report": roles.can_report_incident(request.user, dossier)}


# --- ABS-1: the arrêt de travail -------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def sick_leave_declare(request, pk):
    """ABS-1: the student (or the office for them) declares an arrêt with its file."""
    dossier = _dossier(request, pk)
    if not roles.can_request_absence(request.user, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro déclarent un arrêt de travail."))
    form = SickLeaveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            leave = services.sick_leave_declare(
                dossier=dossier, start=form.cleaned_data["start"], end=form.cleaned_data["end"],
                employer_told_at=form.cleaned_data["employer_told_at"], uploaded_file=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            if leave.told_late:
                messages.warning(request, _(
                    "Arrêt enregistré et transmis au service Contrats pro. L'employeur a été prévenu plus de "
                    "48 heures après le début de l'arrêt : c'est noté dans le dossier."))
            else:
                messages.success(request, _("Arrêt enregistré et transmis au service Contrats pro."))
            return redirect(_back(request, dossier))
    return render(request, "attendance/absences/sick_leave_form.html", {
        "form": form, "dossier": dossier, "file_again": request.method == "POST",
    }, status=400 if form.errors else 200)


def _back(request, dossier):
    if dossier.student.user_id == request.user.pk:
        return "attendance:my-absences"
    return reverse("attendance:incident-report", args=[dossier.pk])


@require_GET
@login_required
def sick_leave_file(request, pk):
    """ABS-1: the arrêt itself, to its student and the office only (a
    health document); 404 for whoever does not see the dossier."""
    leave = get_object_or_404(
        SickLeave.objects.filter(dossier__in=roles.dossiers_for(request.user)).select_related(
            "dossier__student", "dossier__student__department", "dossier__student__option"), pk=pk)
    if not roles.can_read_sick_leave(request.user, leave.dossier):
        raise PermissionDenied(_("L'arrêt de travail n'est lu que par l'élève et le service Contrats pro."))
    try:
        handle = private_storage().open(leave.file_name, "rb")
    except FileNotFoundError:
        raise Http404(_("Ce fichier est introuvable.")) from None
    name = clean_name(leave.original_name or f"arret-{leave.start:%Y-%m-%d}", leave.content_type)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=leave.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def absence_list(request):
    """ABS-1, ABS-3: the office's list of the arrêts (paginated in the
    database, the late notices flagged) and of the ruptures whose
    declaration to the OPCO is still awaited."""
    if not roles.can_record_rupture_declaration(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro suit les arrêts et les incidents."))
    leaves = SickLeave.objects.filter(dossier__in=roles.dossiers_for(request.user)).select_related(
        "dossier__student__user", "dossier__student__department", "dossier__company")
    late_only = request.GET.get("tardifs") == "1"
    if late_only:
        leaves = leaves.filter(told_late=True)
    page = Paginator(leaves.order_by("-start", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    ruptures = list(
        Incident.objects.filter(dossier__in=roles.dossiers_for(request.user), kind=Incident.Kind.RUPTURE)
        .exclude(Exists(RuptureDeclaration.objects.filter(incident=OuterRef("pk"))))
        .select_related("dossier__student__user", "dossier__student__department", "dossier__company")
        .order_by("start", "pk")[:RUPTURES_SHOWN]
    )
    for incident in ruptures:
        incident.due = services.rupture_due(incident)
    return render(request, "attendance/absences/absence_list.html", {
        "page": page, "late_only": late_only, "ruptures": ruptures,
        "query": "tardifs=1" if late_only else "",
    })


@require_GET
@login_required
def my_absences(request):
    """ROLE-1: the student's own arrêts, requests and incidents, and the ways to declare them."""
    dossier = (
        roles.dossiers_for(request.user).filter(student__user=request.user)
        .select_related("student__user", "student__department", "year").order_by("-year__start_year").first()
    )
    if dossier is None:
        raise Http404(_("Vous n'avez pas de dossier de contrat pro."))
    return render(request, "attendance/absences/my_absences.html", {
        "dossier": dossier,
        "leaves": list(dossier.sick_leaves.order_by("-start", "-pk")[:PAGE_SIZE]),
        "absences": list(dossier.exceptional_absences.select_related("decided_by").order_by("-day", "-pk")[:PAGE_SIZE]),
        "incidents": list(dossier.incidents.exclude(kind=Incident.Kind.SICK_LEAVE).order_by("-start")[:PAGE_SIZE]),
    })


# --- ABS-2: the exceptional absence ------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def absence_request(request, pk):
    """ABS-2: ask for one day away from class, with the company's reason."""
    dossier = _dossier(request, pk)
    if not roles.can_request_absence(request.user, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro demandent une absence exceptionnelle."))
    form = AbsenceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            absence = services.absence_request(
                dossier=dossier, day=form.cleaned_data["day"], reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            if absence.state == AbsenceState.REFUSED:
                messages.error(request, absence.decision_comment)
            else:
                messages.success(request, _("Demande transmise au responsable de département."))
            return redirect("attendance:absence-detail", pk=absence.pk)
    return render(request, "attendance/absences/absence_request.html", {"form": form, "dossier": dossier},
                  status=400 if form.errors else 200)


@require_GET
@login_required
def absence_queue(request):
    """ABS-2: the head's requests to decide and the make-ups to follow
    (their departments' and options'); the office sees every one."""
    if not roles.can_see_absence_queue(request.user):
        raise PermissionDenied(_("Cette file est celle des responsables de département et du service Contrats pro."))
    absences = _absences(request.user).filter(
        Q(state=AbsenceState.REQUESTED) | Q(state=AbsenceState.ACCEPTED, makeup_done_at__isnull=True))
    if not roles.can_record_rupture_declaration(request.user):
        # A head decides for their department or option, not for a tutee elsewhere.
        absences = absences.filter(Q(dossier__student__department__head=request.user)
                                   | Q(dossier__student__option__head=request.user))
    page = Paginator(absences.order_by("state", "day", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "attendance/absences/absence_queue.html", {"page": page})


def _detail_context(request, absence, **forms):
    dossier = absence.dossier
    decide = absence.state == AbsenceState.REQUESTED and roles.can_decide_absence(request.user, dossier)
    follow = absence.makeup_pending and roles.can_follow_makeup(request.user, dossier)
    return {
        "absence": absence, "dossier": dossier, "sessions": services.sessions_on(absence),
        "may_decide": decide, "may_follow": follow,
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "makeup_form": forms.get("makeup_form") or MakeupForm(initial={
            "what": absence.makeup_what, "planned_on": absence.makeup_planned_on}),
    }


@require_http_methods(["GET", "POST"])
@login_required
def absence_detail(request, pk):
    """ABS-2: one request, the sessions of its day; POST: the head's
    decision (403 for anyone else, a head of another department included)."""
    absence = get_object_or_404(_absences(request.user), pk=pk)
    if request.method == "GET":
        return render(request, "attendance/absences/absence_detail.html", _detail_context(request, absence))
    if not roles.can_decide_absence(request.user, absence.dossier):
        raise PermissionDenied(_("Seul le responsable du département de l'élève décide d'une absence exceptionnelle."))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.absence_decide(
                absence=absence, accept=form.cleaned_data["decision"] == "accept", by=request.user,
                comment=form.cleaned_data["comment"], makeup_what=form.cleaned_data["makeup_what"],
                makeup_planned_on=form.cleaned_data["makeup_planned_on"],
            )
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect("attendance:absence-queue")
    return render(request, "attendance/absences/absence_detail.html",
                  _detail_context(request, absence, decision_form=form), status=400)


@require_POST
@login_required
def absence_makeup(request, pk):
    """ABS-2: plan the make-up (``what``, ``planned_on``) or mark it done (``done``)."""
    absence = get_object_or_404(_absences(request.user), pk=pk)
    if not roles.can_follow_makeup(request.user, absence.dossier):
        raise PermissionDenied(_("Seuls le service Contrats pro et le responsable de département suivent un rattrapage."))
    form = MakeupForm(request.POST)
    try:
        if "done" in request.POST:
            services.makeup_done(absence=absence, by=request.user)
            messages.success(request, _("Rattrapage noté comme fait."))
            return redirect("attendance:absence-queue")
        if form.is_valid():
            services.makeup_plan(absence=absence, what=form.cleaned_data["what"],
                                 planned_on=form.cleaned_data["planned_on"], by=request.user)
            messages.success(request, _("Rattrapage enregistré."))
            return redirect("attendance:absence-detail", pk=absence.pk)
    except ValidationError as exc:
        put_errors(exc, [form])
    absence.refresh_from_db()
    return render(request, "attendance/absences/absence_detail.html",
                  _detail_context(request, absence, makeup_form=form), status=400)


# --- ABS-3: incidents and the rupture ---------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def incident_report(request, pk):
    """ABS-3, step E: the dossier's incidents; the student and the office
    report one (an arrêt through its own form); a rupture shows its 30 days."""
    dossier = _dossier(request, pk)
    may_report = roles.can_report_incident(request.user, dossier)
    if request.method == "POST" and not may_report:
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro signalent un incident."))
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_declare(dossier=dossier, kind=form.cleaned_data["kind"], start=form.cleaned_data["start"],
                                      description=form.cleaned_data["description"], by=request.user)
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Incident signalé au service Contrats pro."))
            return redirect("attendance:incident-report", pk=dossier.pk)
    incidents = list(dossier.incidents.select_related("reported_by", "rupture_declaration", "sick_leave")
                     .order_by("-start", "-pk"))
    for incident in incidents:
        if incident.kind == Incident.Kind.RUPTURE:
            incident.due = services.rupture_due(incident)
    return render(request, "attendance/absences/incident_form.html", {
        "form": form, "dossier": dossier, "incidents": incidents, "may_report": may_report,
        "may_record": roles.can_record_rupture_declaration(request.user),
        "may_read_leave": roles.can_read_sick_leave(request.user, dossier),
    }, status=400 if form.errors else 200)


@require_POST
@login_required
def rupture_declared(request, pk):
    """NOTIF-3: the office records that the employer declared the rupture."""
    incident = get_object_or_404(
        Incident.objects.filter(dossier__in=roles.dossiers_for(request.user), kind=Incident.Kind.RUPTURE), pk=pk)
    if not roles.can_record_rupture_declaration(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro enregistre la déclaration de la rupture."))
    try:
        services.rupture_declaration_record(incident=incident, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Déclaration de la rupture enregistrée."))
    return redirect("attendance:incident-report", pk=incident.dossier_id)


def _rupture(request, pk):
    return get_object_or_404(
        Incident.objects.filter(dossier__in=roles.dossiers_for(request.user), kind=Incident.Kind.RUPTURE), pk=pk)


@require_POST
@login_required
def rupture_confirm(request, pk):
    """ABS-3: the office confirms a rupture the student reported: the steps
    not yet validated close."""
    incident = _rupture(request, pk)
    if not roles.can_confirm_rupture(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro confirme une rupture."))
    try:
        dossier_services.rupture_confirm(incident=incident, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Rupture confirmée : les étapes restantes de la démarche sont closes."))
    return redirect("attendance:incident-report", pk=incident.dossier_id)


@require_POST
@login_required
def rupture_dismiss(request, pk):
    """ABS-3: the office sets aside a rupture reported by mistake, with a
    written reason kept in the history."""
    incident = _rupture(request, pk)
    if not roles.can_confirm_rupture(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro écarte un signalement de rupture."))
    try:
        dossier_services.rupture_dismiss(incident=incident, reason=request.POST.get("reason", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Signalement de rupture écarté ; le motif figure dans l'historique du dossier."))
    return redirect("attendance:incident-report", pk=incident.dossier_id)
