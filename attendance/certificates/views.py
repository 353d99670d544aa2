"""Pages of the certificates (CERT-1) and their public verification (CERT-2):
thin, every object through ``contratpro.roles``, every write through
``services``/``jobs``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from contratpro import roles
from contratpro.signin.throttle import client_address
from students.models import AcademicYear

from . import jobs, services
from .forms import BatchForm, DossierIssueForm, VerifyForm
from .models import Certificate, CertificateBatch, CertificateKind

PAGE_SIZE = 50
RECENT_BATCHES = 5
# CERT-2: lookups of codes per client address and window (the Django cache).
VERIFY_LIMIT = 30
VERIFY_WINDOW = 10 * 60  # seconds


def _office_only(request):
    if not roles.can_issue_certificates(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro émet les certificats de réalisation."))


def _with_certificate(queryset):
    return queryset.select_related("dossier__student__user", "dossier__student__department", "document", "dossier__year")


# --- The office: batches and the list (CERT-1) --------------------------------

@require_GET
@login_required
def certificate_list(request):
    """The office's certificates: a batch to ask for, the latest batches
    with their progress, every certificate issued (paginated in the
    database, a fixed number of queries)."""
    _office_only(request)
    year = AcademicYear.objects.current()
    form = BatchForm(initial={"year": year})
    return render(request, "attendance/certificates/list.html", _list_context(form, year, request.GET.get("page")))


def _list_context(form, year, page_number):
    """The office page's context: the form, from which day each period's
    certificate of ``year`` can be issued (CERT-1), the latest batches and
    a page of certificates."""
    certificates = _with_certificate(Certificate.objects.all()).order_by("-issued_at", "-pk")
    page = Paginator(certificates, PAGE_SIZE).get_page(page_number)
    batches = list(CertificateBatch.objects.select_related("year", "dossier__student__user")[:RECENT_BATCHES])
    issuable = []
    if year is not None:
        for kind in (CertificateKind.S9, CertificateKind.FIN):
            period = services.year_period(year, kind)
            issuable.append({"label": kind.label, "end": period.end, "first": services.issuable_from(period)})
    return {"form": form, "page": page, "batches": batches, "year": year, "issuable": issuable}


@require_POST
@login_required
def certificate_issue(request):
    """CERT-1: the office asks for a year's certificates of one period; the
    PDFs are built in the background (NOTIF-2)."""
    _office_only(request)
    form = BatchForm(request.POST)
    if form.is_valid():
        try:
            batch = jobs.certificate_batch_request(year=form.cleaned_data["year"], kind=form.cleaned_data["kind"],
                                                   by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("attendance:certificate-batch", pk=batch.pk)
    year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    return render(request, "attendance/certificates/list.html",
                  _list_context(form, year or AcademicYear.objects.current(), 1), status=400)


@require_GET
@login_required
def batch_detail(request, pk):
    """One batch: its progress (polled every 2 s by htmx until every
    certificate is counted, then 286 stops the polling) and its dossiers."""
    _office_only(request)
    batch = get_object_or_404(CertificateBatch.objects.select_related("year", "dossier__student__user"), pk=pk)
    items = batch.items.select_related("dossier__student__user", "certificate__document").order_by(
        "dossier__student__user__last_name", "dossier__student__user__first_name", "pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"batch": batch, "page": page}
    if request.htmx:
        response = render(request, "attendance/certificates/batch.html#progress", context)
        return HttpResponseStopPolling(response.content) if batch.finished else response
    return render(request, "attendance/certificates/batch.html", context)


@require_POST
@login_required
def batch_retry(request, pk):
    """CERT-1: the batch's failed certificates built again."""
    _office_only(request)
    batch = get_object_or_404(CertificateBatch, pk=pk)
    try:
        jobs.certificate_batch_rerun(batch=batch, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Les certificats en échec sont relancés."))
    return redirect("attendance:certificate-batch", pk=batch.pk)


# --- One dossier (CERT-1) -------------------------------------------------------

def _dossier(request, pk):
    return get_object_or_404(roles.dossiers_for(request.user).select_related("student__user", "year"), pk=pk)


def _dossier_context(request, dossier, form=None):
    certificates = _with_certificate(dossier.certificates.all()).order_by("kind", "-version")
    office = roles.can_issue_certificates(request.user)
    return {
        "dossier": dossier, "certificates": list(certificates), "office": office,
        "form": form or (DossierIssueForm() if office else None),
    }


@require_GET
@login_required
def dossier_certificates(request, pk):
    """A dossier's certificates, for whoever sees the dossier (ROLE-9);
    the office issues one from here."""
    dossier = _dossier(request, pk)
    return render(request, "attendance/certificates/dossier.html", _dossier_context(request, dossier))


@require_POST
@login_required
def dossier_certificate_issue(request, pk):
    """CERT-1: the office issues one dossier's certificate (a new version
    when it has one), built in the background."""
    dossier = _dossier(request, pk)
    _office_only(request)
    form = DossierIssueForm(request.POST)
    if form.is_valid():
        try:
            batch = jobs.certificate_batch_request(year=dossier.year, kind=form.cleaned_data["kind"],
                                                   by=request.user, dossier=dossier)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("attendance:certificate-batch", pk=batch.pk)
    return render(request, "attendance/certificates/dossier.html", _dossier_context(request, dossier, form),
                  status=400)


# --- Public verification (CERT-2) ------------------------------------------------

def limit_key(address):
    """The cache key counting an address's lookups (CERT-2)."""
    return f"certificates:verify:{address}"


def _over_limit(request):
    """Counts one lookup for the client's address; True past the limit."""
    key = limit_key(client_address(request))
    cache.add(key, 0, VERIFY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_WINDOW)
        count = 1
    return count > VERIFY_LIMIT


def _limited(request):
    minutes = VERIFY_WINDOW // 60
    return render(request, "attendance/certificates/verify_limited.html", {"minutes": minutes}, status=429)


@require_GET
@never_cache
def verify_form(request):
    """CERT-2: type a code (``?code=``); a well-formed one leads to its page."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = services.normalize_code(form.cleaned_data["code"])
        if code:
            return redirect("attendance:certificate-verify", code=code)
        form.add_error("code", _("Un code compte 12 lettres et chiffres, par exemple ABCD-EFGH-JKMN."))
    return render(request, "attendance/certificates/verify.html", {"form": form, "status": None},
                  status=400 if form.errors else 200)


@require_GET
@never_cache
def verify(request, code):
    """CERT-2: whether the certificate of ``code`` is genuine, with its
    hours, period and the student's initials only; rate-limited per
    client address (429 past the limit)."""
    if _over_limit(request):
        return _limited(request)
    status, certificate = services.certificate_verify(code)
    context = {"form": VerifyForm(), "status": status, "typed": code[:40]}
    if status == services.GENUINE:
        context["facts"] = services.verification_facts(certificate)
    return render(request, "attendance/certificates/verify.html", context, status=404 if status == services.UNKNOWN else 200)
