"""Pages of the company tutor's appraisal (EVAL-1, step B, ROLE-4, ROLE-5).

The link's pages need no account: the token is the credential, checked by
``links.resolve_link`` on every GET and POST (outside any transaction, so
that a refused use stays recorded); a refusal answers ``link_refused`` and
changes nothing. The read-only page and the staff's blank start from
``roles.dossiers_for`` (404) and ``roles.can_read_appraisal`` (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from contratpro import roles
from contratpro.school.services import office_contact
from conventions.dossier.shortcuts import put_errors
from conventions.links import services as links
from conventions.links.models import ExternalLink
from conventions.links.views import link_refused
from grading.s9.models import S9Evaluation

from . import pdf, services
from .criteria import rows
from .forms import AppraisalLinkForm
from .models import Appraisal
from .tasks import build_blank


def _link(request, token, action):
    try:
        return links.resolve_link(request, token, ExternalLink.Purpose.APPRAISAL, action=action), None
    except links.LinkRefused as refusal:
        return None, link_refused(request, refusal)


def _transmitted_at(dossier):
    return S9Evaluation.objects.filter(dossier=dossier).values_list("transmitted_at", flat=True).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def appraisal_link(request, token):
    """EVAL-1, ROLE-5: the company tutor, without an account, fills the
    fiche « Avant PFE » (or corrects it until the S9 grade is transmitted);
    a form refused comes back with what was typed."""
    link, refusal = _link(request, token, "evaluation" if request.method == "POST" else "ouverture")
    if refusal:
        return refusal
    dossier = link.dossier
    appraisal = Appraisal.objects.filter(dossier=dossier).first()
    transmitted_at = _transmitted_at(dossier)
    bound = request.method == "POST" and transmitted_at is None
    form = AppraisalLinkForm(request.POST if bound else None, initial=AppraisalLinkForm.initial_from(appraisal))
    if bound and form.is_valid():
        try:
            services.appraisal_fill(
                link=link, answers=services.answers_from_form(form.cleaned_data),
                grade=form.cleaned_data["grade"], overall_comment=form.cleaned_data["overall_comment"])
        except services.AppraisalTransmitted:
            transmitted_at = _transmitted_at(dossier)
        except ValidationError as exc:
            put_errors(exc, [form])
        else:
            messages.success(request, _("Merci : votre évaluation est enregistrée et transmise au tuteur école."))
            return redirect("grading:appraisal-link", token=token)
    start, end = pdf.s9_period(dossier)
    return render(request, "grading/appraisal/link.html", {
        "link": link, "token": token, "dossier": dossier, "student": dossier.student, "company": dossier.company,
        "person": link.contact, "appraisal": appraisal, "transmitted_at": transmitted_at, "form": form,
        "period_start": start, "period_end": end, "school_tutor": dossier.tuteur_ecole,
        "office": office_contact(dossier.year.start_year),
    }, status=400 if bound and form.errors else 200)


def _dossier(request, pk):
    dossier = get_object_or_404(
        roles.dossiers_for(request.user).select_related(
            "student__user", "student__department", "student__option", "year", "company", "tuteur_ecole",
            "tuteur_entreprise"),
        pk=pk,
    )
    if not roles.can_read_appraisal(request.user, dossier):
        raise PermissionDenied(_("La fiche détaillée du tuteur entreprise est réservée au tuteur école, "
                                 "au service Contrats pro et aux responsables du département."))
    return dossier


@require_safe
@login_required
def appraisal_detail(request, pk):
    """ROLE-4: the filled fiche, read-only, for the tuteur école who
    receives it, the office and the heads of the department."""
    dossier = _dossier(request, pk)
    appraisal = Appraisal.objects.filter(dossier=dossier).select_related("link").first()
    evaluation = S9Evaluation.objects.filter(dossier=dossier).first()
    step_b = dossier.steps.filter(code="B").first()
    return render(request, "grading/appraisal/detail.html", {
        "dossier": dossier, "appraisal": appraisal, "evaluation": evaluation, "step_b": step_b,
        "rows": rows(appraisal.answers if appraisal else None),
    })


def _blank_response(request, dossier, base):
    """The blank fiche's PDF once built (NOTIF-2: by its task), else a page
    that says it is being prepared, with a button to try again."""
    content = pdf.blank_cached(dossier)
    if content is None:
        build_blank.delay(dossier.pk)  # eager without a broker: then the file is there now
        content = pdf.blank_cached(dossier)
    if content is None:
        response = render(request, "grading/appraisal/preparing.html", {"base": base, "dossier": dossier}, status=202)
        add_never_cache_headers(response)
        return response
    response = HttpResponse(content, content_type="application/pdf")
    last_name = dossier.student.user.last_name.lower().replace(" ", "-") or "eleve"
    response["Content-Disposition"] = content_disposition_header(True, f"fiche-evaluation-tuteur-{last_name}.pdf")
    return response


@require_safe
@login_required
def appraisal_blank(request, pk):
    """EVAL-1: the blank fiche to print, for a company tutor who prefers paper."""
    return _blank_response(request, _dossier(request, pk), "base.html")


@never_cache
@require_safe
def appraisal_link_blank(request, token):
    """EVAL-1, ROLE-5: the same blank fiche, from the company tutor's link."""
    link, refusal = _link(request, token, "fiche vierge")
    if refusal:
        return refusal
    return _blank_response(request, link.dossier, "conventions/links/base.html")
