"""The PFE page of a dossier (DOC-2, PFE-1…3): the fiche PFE and its
review, the defence, the report deadline and deposit, the grade. Thin: each
POST resolves the dossier through ``roles``, checks the right (403), binds
its form, calls one service and comes back to the page; a refusal shows on
the form with what was typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contratpro import roles
from conventions.dossier.shortcuts import put_errors
from conventions.fiche.services import PFE_FIELDS
from conventions.fiche.wording import TITLE_MAX_WORDS, title_word_count

from . import services
from .forms import (
    DefenceForm,
    FichePfeReviewForm,
    GradeForm,
    ReportDeadlineForm,
    ReportForm,
)
from .models import Defence


def _dossier(request, pk):
    return get_object_or_404(
        roles.pfe_dossiers_for(request.user).select_related(
            "student__user", "student__department", "student__option", "year", "tuteur_ecole", "fiche_contact",
        ),
        pk=pk,
    )


def _defence(dossier):
    return Defence.objects.filter(dossier=dossier).select_related("president").prefetch_related("jury").first()


def _defence_initial(defence):
    if defence is None:
        return {}
    start, end = timezone.localtime(defence.starts_at), timezone.localtime(defence.ends_at)
    return {
        "day": start.date(), "start": start.time(), "end": end.time(), "room": defence.room,
        "jury": list(defence.jury.all()), "president": defence.president,
    }


def _page(request, dossier, *, forms=None, status=200):
    """The PFE page, with ``forms`` (bound, refused) in place of the blank ones."""
    forms = forms or {}
    user = request.user
    sheet = getattr(dossier, "fiche_contact", None)
    review = services.latest_review(dossier)
    state, review = services.fiche_pfe_state(sheet, review)
    defence = _defence(dossier)
    reports = list(defence.reports.select_related("uploaded_by")) if defence else []
    latest_day = services.defence_latest_day(dossier)
    context = {
        "dossier": dossier,
        "sheet": sheet if state != "vide" else None,
        "pfe_fields": [(sheet._meta.get_field(name).verbose_name, getattr(sheet, name)) for name in PFE_FIELDS] if state != "vide" else [],
        "title_words": title_word_count(sheet.pfe_title) if state != "vide" else 0,
        "title_max": TITLE_MAX_WORDS,
        "state": state,
        "review": review,
        "defence": defence,
        "reports": reports,
        "latest_day": latest_day,
        "report_latest": services.report_latest_day(services.defence_day(defence)) if defence else None,
        "ects": services.pfe_ects(defence.grade, services.threshold_of(dossier.year)) if defence else None,
        "end_time": _hours(defence.ends_at) if defence else "",
        "can_edit_fiche": roles.can_edit_dossier_papers(user, dossier),
    }
    if roles.can_review_fiche_pfe(user, dossier) and state != "vide":
        context["review_form"] = forms.get("review") or FichePfeReviewForm()
    if roles.can_schedule_defence(user, dossier):
        context["defence_form"] = forms.get("defence") or DefenceForm(initial=_defence_initial(defence))
    if defence is not None:
        if roles.can_set_report_deadline(user, dossier):
            context["deadline_form"] = forms.get("deadline") or ReportDeadlineForm(initial={"due": defence.report_due})
        if roles.can_upload_pfe_report(user, dossier):
            context["report_form"] = forms.get("report") or ReportForm()
        if roles.can_grade_pfe(user, dossier, defence):
            context["grade_form"] = forms.get("grade") or GradeForm(initial={"grade": defence.grade})
    return render(request, "grading/pfe/page.html", context, status=status)


@require_GET
@login_required
def pfe_dossier(request, pk):
    """DOC-2, PFE-1…3: the dossier's PFE, as the viewer may act on it."""
    return _page(request, _dossier(request, pk))


def _act(request, dossier, key, form, action, done):
    """Bind, call the service, come back to the page (or show the refusal)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            put_errors(error, [form])
        else:
            messages.success(request, done)
            return redirect(reverse("grading:pfe-dossier", args=[dossier.pk]))
    return _page(request, dossier, forms={key: form}, status=400)


@require_POST
@login_required
def fiche_pfe_review(request, pk):
    """DOC-2, step D: the tuteur école validates the fiche PFE or sends it back."""
    dossier = _dossier(request, pk)
    if not roles.can_review_fiche_pfe(request.user, dossier):
        raise PermissionDenied
    return _act(
        request, dossier, "review", FichePfeReviewForm(request.POST),
        lambda data: services.fiche_pfe_review(dossier=dossier, verdict=data["verdict"], comment=data["comment"], by=request.user),
        _("Votre avis sur la fiche PFE est enregistré."),
    )


@require_POST
@login_required
def defence_schedule(request, pk):
    """PFE-1, PFE-3: the head schedules (or moves) the defence."""
    dossier = _dossier(request, pk)
    if not roles.can_schedule_defence(request.user, dossier):
        raise PermissionDenied
    return _act(
        request, dossier, "defence", DefenceForm(request.POST),
        lambda data: services.defence_schedule(dossier=dossier, by=request.user, **data),
        _("Soutenance enregistrée : le jury la reçoit par courriel, avec son invitation d'agenda."),
    )


def _defence_or_404(dossier):
    defence = Defence.objects.filter(dossier=dossier).first()
    if defence is None:
        raise Http404
    return defence


@require_POST
@login_required
def defence_report_deadline(request, pk):
    """PFE-2: the tuteur école sets the report deadline."""
    dossier = _dossier(request, pk)
    defence = _defence_or_404(dossier)
    if not roles.can_set_report_deadline(request.user, dossier):
        raise PermissionDenied
    return _act(
        request, dossier, "deadline", ReportDeadlineForm(request.POST),
        lambda data: services.defence_report_deadline_set(defence=defence, due=data["due"], by=request.user),
        _("Date de remise du rapport enregistrée."),
    )


@require_POST
@login_required
def pfe_report_upload(request, pk):
    """PFE-2: the student deposits the PFE report."""
    dossier = _dossier(request, pk)
    defence = _defence_or_404(dossier)
    if not roles.can_upload_pfe_report(request.user, dossier):
        raise PermissionDenied
    return _act(
        request, dossier, "report", ReportForm(request.POST, request.FILES),
        lambda data: services.pfe_report_upload(defence=defence, uploaded_file=data["file"], by=request.user),
        _("Rapport de PFE déposé."),
    )


@require_GET
@login_required
def pfe_report_download(request, pk, version):
    """PFE-2: a version of the PFE report, for whoever opens the PFE page."""
    dossier = _dossier(request, pk)
    report = get_object_or_404(_defence_or_404(dossier).reports, version=version)
    name = f"rapport-pfe-v{report.version}.pdf"
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@require_POST
@login_required
def defence_grade(request, pk):
    """PFE-1: the jury's president or the head records the grade."""
    dossier = _dossier(request, pk)
    defence = _defence_or_404(dossier)
    if not roles.can_grade_pfe(request.user, dossier, defence):
        raise PermissionDenied
    return _act(
        request, dossier, "grade", GradeForm(request.POST),
        lambda data: services.defence_grade(defence=defence, grade=data["grade"], reason=data["reason"], by=request.user),
        _("Note du PFE enregistrée."),
    )


def panel_context(request, dossier):
    """The dossier page's PFE panel: a link to the PFE page, nothing read
    (the dossier page's queries stay as they are)."""
    return {"dossier": dossier}


def _hours(moment):
    local = timezone.localtime(moment)
    return f"{local.hour} h {local.minute:02d}"
