"""Pages of the sessions and carnets (ATT-1, ATT-2): thin, every object
through ``contratpro.roles``, every write through ``services``."""

import base64
import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contratpro import roles
from conventions.documents.models import Document, DocumentKind, PdfJob
from conventions.documents.pdf import job_in_progress
from conventions.dossier.shortcuts import put_errors
from conventions.models import Dossier
from students.models import AcademicYear, Student

from . import imports, services
from .forms import CorrectionForm, SessionForm
from .models import Presence, Session

PAGE_SIZE = 50
MY_SESSIONS_LIMIT = 30
# ``?semaine=`` outside these years is the current week: the list's previous
# and next weeks stay dates, whatever a link says.
WEEK_YEARS = (2000, 2100)
STUDENT_ID = re.compile(r"[0-9]{1,10}")


def _office_only(request):
    if not roles.can_manage_sessions(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro gère les séances et les carnets."))


def _monday(value):
    try:
        day = datetime.date.fromisoformat(value) if value else None
    except (ValueError, OverflowError):
        day = None
    if day is None or not WEEK_YEARS[0] <= day.year <= WEEK_YEARS[1]:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def _posted_ids(request):
    """The student ids ticked in ``present``, or None when one is not an
    id (ASCII digits only: ``int`` would take « ² » for a digit and fail)."""
    values = request.POST.getlist("present")
    if not all(STUDENT_ID.fullmatch(value) for value in values):
        return None
    return [int(value) for value in values]


# --- The office: sessions by week, the form ----------------------------------

@require_GET
@login_required
def session_list(request):
    """The office's timetable, one week at a time (``?semaine=`` a day of
    it), paginated in the database."""
    _office_only(request)
    monday = _monday(request.GET.get("semaine"))
    sessions = (
        roles.sessions_for(request.user).for_list()
        .filter(date__gte=monday, date__lt=monday + datetime.timedelta(days=7))
        .order_by("date", "start", "module__name", "pk")
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "attendance/session_list.html", {
        "page": page, "monday": monday, "sunday": monday + datetime.timedelta(days=6),
        "previous": monday - datetime.timedelta(days=7), "next": monday + datetime.timedelta(days=7),
        "query": f"semaine={monday.isoformat()}",
    })


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request, pk=None):
    """Enter a session, or change one not yet signed (ATT-1)."""
    _office_only(request)
    session = get_object_or_404(roles.sessions_for(request.user), pk=pk) if pk else None
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ("module", "kind", "date", "start", "end", "room",
                                                             "teacher")}
        try:
            saved = services.session_save(
                session=session, values=values, options=list(form.cleaned_data["options"]), by=request.user
            )
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Séance enregistrée."))
            return redirect(reverse("attendance:session-list") + f"?semaine={saved.date.isoformat()}")
    return render(request, "attendance/session_form.html", {"form": form, "session": session},
                  status=400 if form.errors else 200)


# --- The teacher: « Mes séances », one session, its signature -----------------

@require_GET
@login_required
def my_sessions(request):
    """ROLE-6: the teacher's sessions, made for a phone: today's first, then
    those still to sign, then the coming week."""
    today = timezone.localdate()
    mine = roles.sessions_for(request.user).filter(teacher=request.user).for_list()
    signed = Exists(Session.objects.filter(pk=OuterRef("pk"), signature__isnull=False))
    return render(request, "attendance/my_sessions.html", {
        # ATT-1: « À signer » once a session has begun, not before.
        "today": today, "now_time": timezone.localtime().time(),
        "today_sessions": list(mine.filter(date=today).order_by("start")[:MY_SESSIONS_LIMIT]),
        "to_sign": list(mine.filter(date__lt=today).exclude(signed).order_by("-date", "-start")[:MY_SESSIONS_LIMIT]),
        "coming": list(mine.filter(date__gt=today, date__lte=today + datetime.timedelta(days=7))
                       .order_by("date", "start")[:MY_SESSIONS_LIMIT]),
    })


def _session_context(request, session):
    signature = getattr(session, "signature", None) if _has_signature(session) else None
    if signature is not None:
        lines = list(session.presences.select_related("student__user").order_by(
            "student__user__last_name", "student__user__first_name"))
        corrections = list(signature.corrections.select_related("by"))
    else:
        lines = [{"student": student, "present": False} for student in services.expected_students(session)]
        corrections = []
    may_sign = signature is None and roles.can_sign_session(request.user, session)
    started = services.session_started(session)
    return {
        "session": session, "signature": signature, "lines": lines, "corrections": corrections,
        "can_sign": may_sign and started,
        # ATT-1: its teacher sees the sheet, its button disabled until it begins.
        "sign_wait": str(services.NOT_STARTED) if may_sign and not started else "",
        "can_correct": signature is not None and roles.can_correct_attendance(request.user),
        "intact": signature is not None and services.signature_intact(signature),
        "correction_form": CorrectionForm(),
    }


def _has_signature(session):
    try:
        session.signature
    except Session.signature.RelatedObjectDoesNotExist:
        return False
    return True


def _session(request, pk, *, to_sign=False):
    return get_object_or_404(roles.sessions_for(request.user, to_sign=to_sign).for_list(), pk=pk)


@require_GET
@login_required
def session_detail(request, pk):
    """One session: the expected students to tick and sign (its teacher),
    or its signed lines and their corrections (the office)."""
    session = _session(request, pk)
    return render(request, "attendance/session_detail.html", _session_context(request, session))


@require_POST
@login_required
def session_sign(request, pk):
    """ATT-1: sign once for all; another teacher's session answers 403."""
    session = _session(request, pk, to_sign=True)
    if not roles.can_sign_session(request.user, session):
        raise PermissionDenied(_("Seul l'enseignant de cette séance peut la signer."))
    present = _posted_ids(request)
    if present is None:
        messages.error(request, _("Un élève coché n'est pas reconnu : la feuille n'est pas signée."))
        return redirect("attendance:session-detail", pk=session.pk)
    try:
        services.session_sign(session=session, present=present, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Feuille de présence signée."))
    return redirect("attendance:session-detail", pk=session.pk)


@require_POST
@login_required
def session_correct(request, pk):
    """ATT-1: the office corrects a signed session, with a written reason."""
    session = _session(request, pk)
    if not roles.can_correct_attendance(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro corrige une séance signée."))
    form = CorrectionForm(request.POST)
    present = _posted_ids(request)
    if present is None:
        messages.error(request, _("Un élève coché n'est pas reconnu : rien n'a été corrigé."))
    elif form.is_valid():
        try:
            services.presence_correct(session=session, present=present, reason=form.cleaned_data["reason"],
                                      by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Correction enregistrée."))
            return redirect("attendance:session-detail", pk=session.pk)
    context = _session_context(request, session)
    context["correction_form"] = form
    # What was posted stays ticked, with the reason typed (the bound form).
    ticked = {int(value) for value in request.POST.getlist("present") if STUDENT_ID.fullmatch(value)}
    for line in context["lines"]:
        line.present = line.student_id in ticked
    return render(request, "attendance/session_detail.html", context, status=400)


# --- Carnets and totals (ATT-2) ---------------------------------------------

def _carnet_context(student):
    lines = (
        Presence.objects.filter(student=student, session__signature__isnull=False)
        .select_related("session__module", "session__teacher", "session__signature__signed_by")
        .order_by("session__date", "session__start")
    )
    return lines, services.totals(services.signed_minutes(Presence.objects.filter(student=student)))


def _carnet_dossier(request, student):
    """The student's dossier of their year, as the viewer sees it (ROLE-9), or None."""
    return (roles.dossiers_for(request.user).select_related("student__user", "student__department",
                                                            "student__option", "year")
            .filter(student=student, year=student.year_id).first())


def _document_context(request, student, dossier, *, own):
    """ATT-1, ATT-3, NOTIF-2: the carnet as the dossier's document — its
    latest versions and the last production asked (pending, failed with
    « Relancer »): two queries."""
    if dossier is None:
        return {"student": student, "dossier": None, "own": own}
    job = PdfJob.objects.filter(dossier=dossier, kind=DocumentKind.CARNET).order_by("-requested_at", "-pk").first()
    versions = list(Document.objects.filter(dossier=dossier, kind=DocumentKind.CARNET).order_by("-version")[:4])
    pending = job is not None and job_in_progress(job)
    return {
        "student": student, "dossier": dossier, "own": own, "job": job, "pending": pending,
        "failed": job is not None and job.status == PdfJob.Status.FAILED,
        "latest": versions[0] if versions else None, "older": versions[1:],
        "may_produce": roles.can_produce_carnet(request.user, dossier),
    }


def _carnet(request, student, *, own):
    lines, rows = _carnet_context(student)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "attendance/carnet.html", {
        "student": student, "page": page, "totals": rows, "own": own,
        "unsigned_count": services.expected_sessions(student).filter(
            signature__isnull=True, date__lte=timezone.localdate()).count(),
        "document": _document_context(request, student, _carnet_dossier(request, student), own=own),
    })


@require_GET
@login_required
def my_carnet(request):
    """ROLE-1: the student's own carnet (« Mon carnet ») and totals."""
    student = Student.objects.with_programme().filter(user=request.user).first()
    if student is None:
        raise Http404(_("Vous n'avez pas de carnet de présence."))
    return _carnet(request, student, own=True)


@require_GET
@login_required
def carnet_detail(request, pk):
    """One student's carnet, for whoever sees the student (ROLE-9)."""
    student = get_object_or_404(roles.students_for(request.user).with_programme(), pk=pk)
    return _carnet(request, student, own=False)


@require_GET
@login_required
def carnet_list(request):
    """ATT-2: the office's list of the year's contrat-pro students with their
    hours signed per semester, paginated in the database."""
    _office_only(request)
    year = AcademicYear.objects.current()
    if year is None:
        raise Http404(_("Aucune année universitaire n'est encore saisie."))
    students = services.with_totals(
        roles.students_for(request.user).with_programme()
        .filter(Exists(Dossier.objects.filter(student=OuterRef("pk"), year=OuterRef("year"))), year=year)
    ).order_by("user__last_name", "user__first_name", "pk")
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("page"))
    for student in page.object_list:
        student.totals = services.totals({"s9": student.s9_minutes, "s10": student.s10_minutes})
    return render(request, "attendance/carnet_list.html", {"page": page, "year": year})


def _carnet_page(student, own):
    return reverse("attendance:my-carnet") if own else reverse("attendance:carnet-detail", args=[student.pk])


@require_GET
@login_required
def carnet_document(request, pk):
    """The carnet document's part of the carnet page (htmx polls it while
    the PDF is being built), for whoever sees the student (ROLE-9)."""
    student = get_object_or_404(roles.students_for(request.user).with_programme(), pk=pk)
    own = student.user_id == request.user.pk
    if not request.htmx:
        return redirect(_carnet_page(student, own))
    context = _document_context(request, student, _carnet_dossier(request, student), own=own)
    return render(request, "attendance/_carnet_document.html", {"document": context})


@require_POST
@login_required
def carnet_produce(request, pk):
    """ATT-1, ATT-3: « Produire le carnet » — the office, or the student
    from « Mon carnet »: a PDF job (NOTIF-2), its state shown on the page."""
    student = get_object_or_404(roles.students_for(request.user).with_programme(), pk=pk)
    dossier = _carnet_dossier(request, student)
    if dossier is None:
        raise Http404(_("Cet élève n'a pas de dossier de contrat pro cette année."))
    if not roles.can_produce_carnet(request.user, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro produisent le carnet de présence."))
    services.carnet_request(dossier=dossier, by=request.user)
    own = student.user_id == request.user.pk
    if request.htmx:
        context = _document_context(request, student, dossier, own=own)
        return render(request, "attendance/_carnet_document.html", {"document": context})
    messages.success(request, _("Production du carnet demandée : il rejoint les documents du dossier dès qu'il est prêt."))
    return redirect(_carnet_page(student, own) + "#carnet-document")


# --- The dossier's Présence panel -------------------------------------------

def panel_context(request, dossier):
    """The dossier page's Présence panel: its body comes from its own URL
    (``dossier_panel``), so the dossier page reads nothing more."""
    return {"dossier": dossier, "office": roles.can_manage_sessions(request.user)}


@require_GET
@login_required
def dossier_panel(request, pk):
    """ATT-2: the totals of a dossier's student, for whoever sees the dossier:
    a fixed number of queries whatever the rows."""
    dossier = get_object_or_404(roles.dossiers_for(request.user).select_related("student__user", "year"), pk=pk)
    rows = services.totals(services.signed_minutes(
        Presence.objects.filter(student=dossier.student_id, session__year=dossier.year_id)))
    return render(request, "attendance/_panel_body.html", {"dossier": dossier, "totals": rows})


# --- The timetable's import (ATT-1) -----------------------------------------

IMPORT_SALT = "attendance.import.confirm"
IMPORT_MAX_AGE = 60 * 60


class TimetableForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Emploi du temps (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


@require_http_methods(["GET", "POST"])
@login_required
def session_import(request):
    """GET: the columns; POST a file: its preview, nothing written; POST the
    preview's token: write it, all rows or none."""
    _office_only(request)
    context = {"columns": imports.COLUMNS, "form": TimetableForm(), "max_rows": imports.MAX_ROWS}
    if request.method == "POST" and "token" in request.POST:
        try:
            payload = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
        except signing.BadSignature:
            payload = None
        if not payload or payload.get("user") != request.user.pk:
            messages.error(request, _("Cette confirmation a expiré : déposez le fichier à nouveau."))
            return redirect("attendance:session-import")
        preview = imports.preview_file(base64.b64decode(payload["data"]), by=request.user)
        try:
            written = imports.import_apply(preview, by=request.user)
        except ValidationError as exc:
            context.update(preview=preview, error=" ".join(exc.messages))
            return render(request, "attendance/import.html", context, status=400)
        messages.success(request, _("Emploi du temps importé : %(count)s séances créées ou modifiées.") % {
            "count": len(written)})
        return redirect("attendance:session-list")
    if request.method == "POST":
        form = TimetableForm(request.POST, request.FILES)
        if not form.is_valid():
            context["form"] = form
            return render(request, "attendance/import.html", context, status=400)
        data = form.cleaned_data["file"].read(imports.MAX_BYTES + 1)
        preview = imports.preview_file(data, by=request.user)
        context["preview"] = preview
        if preview.is_valid and preview.to_write:
            context["token"] = signing.dumps(
                {"user": request.user.pk, "data": base64.b64encode(data).decode()}, salt=IMPORT_SALT, compress=True)
    return render(request, "attendance/import.html", context)
