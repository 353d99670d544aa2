"""The fiche contact and the CERFA 12434 on the dossier page and their own
pages (DOC-1, DOC-2, DOC-7, DOC-9, DOC-10; steps 2, 3, 3', 4, 4', D).

Every page starts from ``roles.dossiers_for`` (404 when not the viewer's);
writing is for the student and the office (403 otherwise). The company's
part is also reached through a personal link, without an account (ROLE-5).
The CERFA's own pages are in ``conventions.cerfa.views``; the panel shows
both, as the two papers of the contract.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from contratpro import roles
from contratpro.school.services import office_contact
from conventions.cerfa import services as cerfa
from conventions.companies.models import Company
from conventions.documents.models import DocumentKind, PdfJob
from conventions.documents.views import documents_of_kind, latest_jobs
from conventions.dossier import steps
from conventions.dossier.shortcuts import detail_url, put_errors, safe_next, say_proposals_pending, visible_dossier
from conventions.dossier.views import already_read
from conventions.links import views as views_links
from conventions.links.models import ExternalLink
from conventions.links.services import LinkRefused, resolve_link

from . import services as fiche
from .forms import CompanyForm, FicheCompanyForm, FichePfeForm, FicheStudentForm, StudentContactForm
from .models import FicheContact
from .visa import content_fingerprint, fiche_content, fiche_visa_sign, visa_state

PANEL_KINDS = (DocumentKind.FICHE_CONTACT, DocumentKind.FICHE_PFE, DocumentKind.CERFA)
PANEL_DOCUMENTS = (*PANEL_KINDS, DocumentKind.CERFA_SIGNE, DocumentKind.ACCORD_ORIGINE)
PRINTABLE = {DocumentKind.FICHE_CONTACT: gettext_lazy("la fiche contact"), DocumentKind.FICHE_PFE: gettext_lazy("la fiche PFE")}


def _dossier(request, pk):
    return visible_dossier(request, pk)


def _editable_dossier(request, pk):
    dossier = _dossier(request, pk)
    if not roles.can_edit_dossier_papers(request.user, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro remplissent la fiche contact et le CERFA."))
    return dossier


def _detail(dossier, anchor="fiche"):
    return detail_url(dossier, anchor)


def _upload_url(dossier, kind, step):
    """The documents panel with the kind and step chosen (steps 3', 4')."""
    query = urlencode({"kind": kind, "step": step})
    return reverse("conventions:dossier-detail", args=[dossier.pk]) + f"?{query}#documents"


def _jobs(dossier):
    """The last PDF job of each printable kind, and its document."""
    jobs = latest_jobs(dossier)
    return [jobs[kind] for kind in PANEL_KINDS if kind in jobs]


def _jobs_context(dossier):
    jobs = _jobs(dossier)
    return {
        "dossier": dossier,
        "jobs": jobs,
        "polling": any(job.status in (PdfJob.Status.PENDING, PdfJob.Status.RUNNING) for job in jobs),
    }


def panel_context(request, dossier):
    """The fiche contact and the CERFA on the dossier page: where each part
    stands, who may write, what keeps the CERFA from being produced, the
    PDF jobs and the documents of steps 3' and 4'."""
    # ``fiche.fiche_of`` and ``cerfa.cerfa_of`` as the dossier page joined them.
    sheet = getattr(dossier, "fiche_contact", None) or FicheContact(dossier=dossier)
    data = getattr(dossier, "cerfa", None)
    latest = {kind: versions[0] for kind in PANEL_DOCUMENTS if (versions := documents_of_kind(dossier, kind))}
    step_rows = {row.code: row for row in dossier.steps.all()}
    student = dossier.student
    events = already_read(dossier, "timeline")  # the dossier page's timeline: the visas without a query
    share = None
    if data is not None and dossier.start_date and dossier.end_date:
        share = cerfa.training_share(dossier, data.weekly_hours)
    return {
        **_jobs_context(dossier),
        "sheet": sheet,
        "parts": fiche.fiche_state(sheet),
        "cerfa": data,
        "share": share,
        "over_25": share is not None and share.percent > cerfa.TRAINING_MAX_SHARE,
        "problems": (
            cerfa.cerfa_problems(dossier, cerfa=data, sheet=sheet if sheet.pk else None) if dossier.company_id else []
        ),
        "official": cerfa.official_model() is not None,
        "may_edit": roles.can_edit_dossier_papers(request.user, dossier),
        "may_read": roles.can_read_fiche(request.user, dossier),
        "is_office": roles.can_manage_dossiers(request.user),
        "step3": step_rows.get("3"),
        "step3p": step_rows.get("3p"),
        "visa": visa_state(dossier, sheet, events=events, with_versions=False),
        "home": fiche.home_approval(dossier, events=events),
        "double_diploma": student.double_diploma_incoming,
        "student": student,
        "documents": latest,
        "accord": latest.get(DocumentKind.ACCORD_ORIGINE),
        "signed_cerfa": latest.get(DocumentKind.CERFA_SIGNE),
        "upload_accord_url": _upload_url(dossier, DocumentKind.ACCORD_ORIGINE, "3p"),
        "upload_cerfa_url": _upload_url(dossier, DocumentKind.CERFA_SIGNE, "4p"),
    }


@login_required
def fiche_jobs(request, pk):
    """The PDF jobs' block, polled by htmx while a job runs (NOTIF-2)."""
    dossier = _dossier(request, pk)
    return render(request, "conventions/fiche/_panel.html#jobs", {"panel": _jobs_context(dossier)})


def _read_section(sheet, names):
    """``[(label, value)]`` of a part of the fiche, as typed."""
    return [(FicheContact._meta.get_field(name).verbose_name, getattr(sheet, name)) for name in names]


def fiche_read(request, dossier):
    """DOC-1, STEP-6: the fiche contact read-only, with its PDF, for who
    reads it without typing it: the department head signs it off at step 3,
    the tuteur école follows the PFE subject (``roles.can_read_fiche``)."""
    if request.method != "GET" or not roles.can_read_fiche(request.user, dossier):
        raise PermissionDenied(_("Seuls l'élève, le service Contrats pro, le responsable de département et le tuteur école lisent la fiche contact."))
    sheet = fiche.fiche_of(dossier)
    pdfs = {kind: versions[0] for kind in PRINTABLE if (versions := documents_of_kind(dossier, kind))}
    prefetch_related_objects([dossier], "steps")  # read by step 3, the visa and step 3'
    step3 = next((row for row in dossier.steps.all() if row.code == "3"), None)
    # DOC-1: the head signs off here the version they read (its fingerprint goes with the form).
    may_sign = step3 is not None and steps.VALIDATE in steps.allowed_actions(step3, steps.actors_of(request.user, dossier))
    return render(request, "conventions/fiche/read.html", {
        "may_sign": may_sign,
        "sign_blocked": steps.blocking_reason("3", steps.VALIDATE, steps.Evidence(dossier)) if may_sign else None,
        "fingerprint": content_fingerprint(fiche_content(sheet, dossier.company)) if may_sign else "",
        "next": safe_next(request),
        "dossier": dossier,
        "sheet": sheet,
        "company": dossier.company,
        "parts": fiche.fiche_state(sheet),
        "student_part": _read_section(sheet, fiche.STUDENT_FIELDS),
        "company_part": _read_section(sheet, fiche.COMPANY_FIELDS),
        "pfe_part": _read_section(sheet, fiche.PFE_FIELDS),
        "fiche_pdf": pdfs.get(DocumentKind.FICHE_CONTACT),
        "pfe_pdf": pdfs.get(DocumentKind.FICHE_PFE),
        "step3": step3,
        "visa": visa_state(dossier, sheet),
        "home": fiche.home_approval(dossier),
        "people": fiche.people_of(dossier, sheet),
        "office": office_contact(dossier.year.start_year),
    })


@require_POST
@login_required
def fiche_visa(request, pk):
    """DOC-1, step 3: the department head signs off the version of the fiche
    they read; a fiche changed since is refused, to be read again."""
    dossier = _dossier(request, pk)
    try:
        fiche_visa_sign(dossier=dossier, fingerprint=request.POST.get("empreinte", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("conventions:fiche-edit", pk=dossier.pk)
    messages.success(request, _("Fiche contact visée : l'étape 3 est validée sur la version que vous avez lue."))
    return redirect(safe_next(request) or _detail(dossier, "etape-3"))


@login_required
def fiche_edit(request, pk):
    """DOC-1, step 2: the student's part and the employer's identity; for
    the head and the tuteur école, the fiche read-only (``fiche_read``)."""
    dossier = _dossier(request, pk)
    if not roles.can_edit_dossier_papers(request.user, dossier):
        return fiche_read(request, dossier)
    sheet = fiche.fiche_of(dossier)
    company = dossier.company or Company()
    form = FicheStudentForm(request.POST or None, instance=sheet, prefix="eleve")
    contact_form = StudentContactForm(request.POST or None, instance=dossier.student, prefix="coordonnees")
    company_form = CompanyForm(request.POST or None, instance=company, prefix="entreprise")
    if request.method == "POST" and all([form.is_valid(), contact_form.is_valid(), company_form.is_valid()]):
        try:
            fiche.fiche_save_student_part(
                dossier=dossier, data=form.cleaned_data, company_data=company_form.cleaned_data, by=request.user,
                student_data=contact_form.values(),
            )
        except ValidationError as error:
            put_errors(error, [form, contact_form, company_form])
        else:
            messages.success(request, _("Partie élève de la fiche contact enregistrée."))
            say_proposals_pending(request, dossier)
            return redirect(_detail(dossier))
    return render(request, "conventions/fiche/student.html", {
        "dossier": dossier, "form": form, "contact_form": contact_form, "company_form": company_form,
        "visa": visa_state(dossier, sheet),
    })


def _company_part(request, dossier, *, link=None, by=None):
    sheet = fiche.fiche_of(dossier)
    form = FicheCompanyForm(request.POST or None, instance=sheet)
    if request.method == "POST" and form.is_valid():
        try:
            fiche.fiche_save_company_part(dossier=dossier, data=form.cleaned_data, by=by, link=link)
        except ValidationError as error:
            put_errors(error, [form])
        else:
            return None
    return form


@login_required
def fiche_company_edit(request, pk):
    """DOC-1, step 2: the company's part, typed by the student or the office."""
    dossier = _editable_dossier(request, pk)
    if dossier.company_id is None:
        messages.error(request, _("Indiquez d'abord l'entreprise (raison sociale et SIRET) dans la partie élève de la fiche."))
        return redirect("conventions:fiche-edit", pk=dossier.pk)
    form = _company_part(request, dossier, by=request.user)
    if form is None:
        messages.success(request, _("Partie entreprise de la fiche contact enregistrée."))
        say_proposals_pending(request, dossier)
        return redirect(_detail(dossier))
    return render(request, "conventions/fiche/company.html", {"dossier": dossier, "form": form, "company": dossier.company})


@never_cache
def fiche_company_link(request, token):
    """DOC-1, ROLE-5: the company completes its part through its personal
    link, without an account; a refused link says why (403, or 410 once
    expired, as every link page; nothing saved)."""
    try:
        link = resolve_link(request, token, ExternalLink.Purpose.FICHE_CONTACT, action="fiche")
    except LinkRefused as refusal:
        return views_links.link_refused(request, refusal)
    dossier = link.dossier
    form = _company_part(request, dossier, link=link)
    context = {"dossier": dossier, "form": form, "company": dossier.company, "link": link, "person": link.contact,
               "student": dossier.student, "saved": form is None}
    return render(request, "conventions/fiche/company_link.html", context)


@login_required
def fiche_pfe(request, pk):
    """DOC-2, step D: the fiche PFE at the end of S9."""
    dossier = _editable_dossier(request, pk)
    form = FichePfeForm(request.POST or None, instance=fiche.fiche_of(dossier))
    if request.method == "POST" and form.is_valid():
        try:
            fiche.fiche_save_pfe(dossier=dossier, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            put_errors(error, [form])
        else:
            messages.success(request, _("Fiche PFE enregistrée."))
            return redirect(_detail(dossier))
    return render(request, "conventions/fiche/pfe.html", {"dossier": dossier, "form": form})


@require_POST
@login_required
def fiche_pdf(request, pk):
    """DOC-1, DOC-2: ask for the fiche contact's (or the fiche PFE's) PDF."""
    dossier = _editable_dossier(request, pk)
    kind = request.POST.get("kind", DocumentKind.FICHE_CONTACT)
    try:
        fiche.fiche_request_pdf(dossier=dossier, kind=kind, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Production de %(doc)s lancée : le PDF apparaît ci-dessous dès qu'il est prêt.")
                         % {"doc": PRINTABLE.get(kind, "")})
    return redirect(_detail(dossier))
