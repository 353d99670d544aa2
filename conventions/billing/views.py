"""The office's billing pages (BILL-1…6): the list of a year's invoices,
one invoice (issue, payment, credit note, file), a dossier's billing
(funding agreement, drafts), bulk issue with its progress, the accounting
export. Thin: every dossier through ``contratpro.roles``, every write
through ``services``/``jobs``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from contratpro import roles
from conventions.dossier.shortcuts import put_errors
from students.models import AcademicYear

from . import excel, jobs, services, terms
from .forms import AgreementForm, BatchForm, CreditNoteForm, FilterForm, PaymentForm, PeriodForm
from .models import BillingAgreement, Invoice, InvoiceBatch

PAGE_SIZE = 50
RECENT_BATCHES = 5


def _office_only(request):
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro consulte et établit les factures."))


def _invoices(request):
    """The invoices of the dossiers the user sees (ROLE-9)."""
    return Invoice.objects.filter(dossier__in=roles.dossiers_for(request.user))


def _invoice(request, pk):
    invoice = get_object_or_404(_invoices(request).for_list().select_related("year", "issued_by"), pk=pk)
    _office_only(request)
    return invoice


def _filtered(request, form):
    invoices = _invoices(request).for_list()
    if form.is_valid():
        data = form.cleaned_data
        if data["year"]:
            invoices = invoices.filter(year=data["year"])
        if data["state"]:
            invoices = invoices.filter(state=data["state"])
        if data["period"]:
            invoices = invoices.filter(period=data["period"])
        if data["overdue"]:
            invoices = invoices.overdue(services.clock())
    return invoices


def _batch_refusal(year, today):
    """BILL-2: why no period of ``year`` can be issued yet (the first
    billing day of each, from ``billing_dates``), or None."""
    if year is None:
        return None
    days = services.year_billing_days(year)
    refusals = [services.billing_day_refusal(period, day, today) for period, day in days.items()]
    return None if None in refusals else " ".join(refusals)


@require_GET
@login_required
def invoice_list(request):
    """BILL-2: the invoices, drafts first then by number, filtered by year,
    state and period, paginated in the database; overdue ones marked.
    Queries: session, user, roles, the count, the page (totals as
    subqueries), the recent batches, the years and departments of the forms."""
    _office_only(request)
    year = AcademicYear.objects.current()
    form = FilterForm(request.GET or {"year": year.pk if year else None})
    invoices = _filtered(request, form).order_by(
        F("series_year").desc(nulls_first=True), F("sequence").desc(nulls_first=True), "-pk")
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = services.clock()
    return render(request, "conventions/billing/list.html", {
        "form": form, "page": page, "today": today, "query": query.urlencode(),
        "batch_form": BatchForm(initial={"year": year}), "batch_refusal": _batch_refusal(year, today),
        "batches": list(InvoiceBatch.objects.select_related("year")[:RECENT_BATCHES]),
    })


@require_GET
@login_required
def invoice_export(request):
    """BILL-2: the accounting export of the filtered invoices, credit notes
    and payments (.xlsx, written row by row)."""
    _office_only(request)
    form = FilterForm(request.GET)
    content = excel.accounting_workbook(_filtered(request, form).order_by("series_year", "sequence", "pk"))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="factures-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


def _detail_context(invoice, *, payment_form=None, credit_form=None):
    today = services.clock()
    return {
        "invoice": invoice, "today": today,
        # BILL-2: a draft's « Émettre » waits for its period's billing day.
        "issue_refusal": services.issue_refusal(invoice, today) if invoice.number is None else None,
        "payments": list(invoice.payments.all()),
        "credit_notes": list(invoice.credit_notes.order_by("sequence", "pk")),
        "payment_form": payment_form or PaymentForm(),
        "credit_form": credit_form or CreditNoteForm(),
        "certificate": terms.period_certificate(invoice) if invoice.addressee == Invoice.Addressee.OPCO else None,
    }


@require_GET
@login_required
def invoice_detail(request, pk):
    """One invoice: what it says, its payments and credit notes, the acts."""
    invoice = _invoice(request, pk)
    return render(request, "conventions/billing/detail.html", _detail_context(invoice))


@require_POST
@login_required
def invoice_issue(request, pk):
    """BILL-4: the draft takes its number; its file is built in the background."""
    invoice = _invoice(request, pk)
    try:
        invoice = jobs.invoice_issue_request(invoice=invoice, by=request.user, send=request.POST.get("send") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Facture %(n)s émise.") % {"n": invoice.number})
    return redirect("conventions:invoice-detail", pk=pk)


@require_POST
@login_required
def invoice_payment(request, pk):
    """BILL-2: a payment received."""
    invoice = _invoice(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(invoice=invoice, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors(error, [form])
        else:
            messages.success(request, _("Paiement enregistré."))
            return redirect("conventions:invoice-detail", pk=pk)
    return render(request, "conventions/billing/detail.html", _detail_context(invoice, payment_form=form), status=400)


@require_POST
@login_required
def invoice_credit(request, pk):
    """BILL-4: a credit note on the invoice, numbered at once."""
    invoice = _invoice(request, pk)
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        try:
            note = jobs.credit_note_request(invoice=invoice, by=request.user, reason=form.cleaned_data["reason"],
                                            amount=form.cleaned_data["amount"])
        except ValidationError as error:
            put_errors(error, [form])
        else:
            messages.success(request, _("Avoir %(n)s émis.") % {"n": note.number})
            return redirect("conventions:invoice-detail", pk=note.pk)
    return render(request, "conventions/billing/detail.html", _detail_context(invoice, credit_form=form), status=400)


@require_http_methods(["GET", "POST"])
@login_required
def invoice_download(request, pk):
    """BILL-6: the Factur-X file (a PDF); POST builds it again when missing."""
    invoice = _invoice(request, pk)
    if request.method == "POST":
        if invoice.number is not None and not invoice.file:
            jobs.file_request(invoice=invoice)
            messages.info(request, _("Le fichier de la facture est en cours de production."))
        return redirect("conventions:invoice-detail", pk=pk)
    if not invoice.file:
        raise Http404(_("Le fichier de cette facture n'est pas encore produit."))
    name = f"{invoice.get_kind_display().lower()}-{invoice.number}.pdf"
    return FileResponse(invoice.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


# --- A dossier's billing --------------------------------------------------------

def _dossier(request, pk):
    dossier = get_object_or_404(
        roles.dossiers_for(request.user).select_related("student__user", "year", "company"), pk=pk
    )
    _office_only(request)
    return dossier


def _dossier_context(dossier, *, form=None, period_form=None):
    agreement = BillingAgreement.objects.filter(dossier=dossier).first()
    return {
        "dossier": dossier, "agreement": agreement,
        "form": form or AgreementForm(instance=agreement, initial={"opco_name": dossier.company.opco if dossier.company else ""}),
        "period_form": period_form or PeriodForm(),
        "invoices": list(Invoice.objects.filter(dossier=dossier).for_list().order_by("period", "sequence", "pk")),
        "periods": services.dossier_periods(dossier).values(),
        "today": services.clock(),
    }


@require_http_methods(["GET", "POST"])
@login_required
def dossier_billing(request, pk):
    """BILL-3, BILL-5: the dossier's funding agreement and invoices."""
    dossier = _dossier(request, pk)
    if request.method == "POST":
        form = AgreementForm(request.POST, instance=BillingAgreement.objects.filter(dossier=dossier).first())
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in AgreementForm.Meta.fields}
            try:
                services.agreement_save(dossier=dossier, by=request.user, **values)
            except ValidationError as error:
                put_errors(error, [form])
            else:
                messages.success(request, _("Prise en charge enregistrée."))
                return redirect("conventions:dossier-billing", pk=pk)
        return render(request, "conventions/billing/dossier.html", _dossier_context(dossier, form=form), status=400)
    return render(request, "conventions/billing/dossier.html", _dossier_context(dossier))


@require_POST
@login_required
def dossier_prepare(request, pk):
    """BILL-2: the period's drafts, to check before issuing them."""
    dossier = _dossier(request, pk)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            drafts = services.invoice_prepare(dossier=dossier, period=form.cleaned_data["period"], by=request.user)
        except ValidationError as error:
            put_errors(error, [form])
        else:
            messages.success(request, _("Brouillons préparés : vérifiez-les, puis émettez-les.") if len(drafts) > 1
                             else _("Brouillon préparé : vérifiez-le, puis émettez-le."))
            return redirect("conventions:dossier-billing", pk=pk)
    return render(request, "conventions/billing/dossier.html", _dossier_context(dossier, period_form=form), status=400)


def panel_context(request, dossier):
    """The dossier page's « Facturation » panel, for the office only: a link
    to the dossier's billing page, nothing read (the dossier page's queries
    stay as they are)."""
    if not roles.can_manage_dossiers(request.user):
        return None
    return {"dossier": dossier}


# --- Bulk issue (BILL-2, NOTIF-2) -----------------------------------------------

@require_POST
@login_required
def batch_create(request):
    """BILL-2: one period's invoices for the year's dossiers (of a department)."""
    _office_only(request)
    form = BatchForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        dossiers = roles.dossiers_for(request.user).filter(year=data["year"]).exclude(
            invoices__period=data["period"], invoices__kind=Invoice.Kind.INVOICE, invoices__number__isnull=False)
        if data["department"]:
            dossiers = dossiers.filter(student__department=data["department"])
        try:
            batch = jobs.invoice_batch_request(year=data["year"], period=data["period"], dossiers=dossiers,
                                               by=request.user, send=data["send"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("conventions:billing-batch", pk=batch.pk)
    else:
        messages.error(request, _("Choisissez une année et une période."))
    return redirect("conventions:billing-list")


@require_GET
@login_required
def batch_detail(request, pk):
    """One bulk issue: its progress (polled by htmx every 2 s until every
    dossier is counted, then 286 stops the polling) and its dossiers."""
    _office_only(request)
    batch = get_object_or_404(InvoiceBatch.objects.select_related("year"), pk=pk)
    items = batch.items.select_related("dossier__student__user").order_by(
        "dossier__student__user__last_name", "dossier__student__user__first_name", "pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"batch": batch, "page": page}
    if request.htmx:
        response = render(request, "conventions/billing/batch.html#progress", context)
        return HttpResponseStopPolling(response.content) if batch.finished else response
    return render(request, "conventions/billing/batch.html", context)
