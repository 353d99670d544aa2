"""The grades sent to the scolarité (ROLE-8, EVAL-2): the scolarité's
read-only page, the office's (and a head's) « Transmettre à la scolarité »,
the workbooks as they were sent. Thin: every dossier through
``contratpro.roles`` (via ``services``), every write through ``services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contratpro import roles
from contratpro.roles import Role
from conventions.documents.models import private_storage

from . import services
from .excel import grades_workbook
from .forms import ScopeForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
SENDINGS_PAGE_SIZE = 20


def _scope(request, data, *, head_default=True):
    """``(form, year, department)`` from ``data``; on a page, a head heading
    one department alone starts on it (their grades, and their button). A
    sending says its department: none means the whole year."""
    user = request.user
    if not roles.can_see_grade_transmissions(user):
        raise PermissionDenied(_("Cette page est celle de la scolarité, du service Contrats pro et des responsables."))
    departments = services.visible_departments(user)
    form = ScopeForm(data or None, departments=departments)
    year, department = form.scope()
    if year is None:
        raise Http404(_("Aucune année universitaire n'est encore créée."))
    if head_default and department is None and not roles.roles_of(user) & {Role.OFFICE, Role.SCOLARITE}:
        headed = list(departments[:2])
        if len(headed) == 1:
            department = headed[0]
            # The select says so, and offers no « whole year » that would mean theirs again.
            form = ScopeForm(initial={"annee": year, "departement": department}, departments=departments)
            form.fields["departement"].empty_label = None
    return form, year, department


def _query(year, department):
    return urlencode({"annee": year.pk, **({"departement": department.pk} if department else {})})


@require_GET
@login_required
def transmission_list(request):
    """ROLE-8: the year's grades (a department's, or the whole year's),
    paginated in the database, and the transmissions already sent, each
    downloadable as sent. The scolarité reads; the office (and a head, for
    their department) also transmits. A fixed number of queries whatever
    the dossiers."""
    user = request.user
    form, year, department = _scope(request, request.GET)
    dossiers = services.visible_dossiers(user, year)
    if department is not None:
        dossiers = dossiers.filter(student__department=department)
    page = Paginator(services.with_grades(dossiers), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = services.rows_for(page.object_list)
    sendings = services.visible_transmissions(user, year)
    if department is not None:
        sendings = sendings.filter(Q(department=department) | Q(department__isnull=True))
    sent = Paginator(sendings, SENDINGS_PAGE_SIZE).get_page(request.GET.get("envois"))
    return render(request, "grading/transmission/list.html", {
        "form": form, "year": year, "department": department, "page": page, "rows": rows, "sent": sent,
        "query": _query(year, department), "scope": services.scope_label(year, department),
        "may_send": roles.can_transmit_grades(user, department),
    })


@require_POST
@login_required
def transmission_send(request):
    """ROLE-8, EVAL-2: « Transmettre à la scolarité » the scope chosen."""
    form, year, department = _scope(request, request.POST, head_default=False)
    if not roles.can_transmit_grades(request.user, department):
        raise PermissionDenied(_("Seuls le service Contrats pro et le responsable du département transmettent les notes."))
    try:
        transmission = services.transmission_send(year=year, department=department, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Notes transmises à la scolarité (%(scope)s) : %(n)s dossiers.") % {
            "scope": services.describe(transmission), "n": transmission.rows})
    return redirect(reverse("grading:transmission-list") + "?" + _query(year, department))


@require_GET
@login_required
def transmission_preview(request):
    """ROLE-8: the workbook of the grades as they stand, before sending it,
    for whoever may send this scope; nothing is recorded."""
    form, year, department = _scope(request, request.GET)
    if not roles.can_transmit_grades(request.user, department):
        raise PermissionDenied(_("Seuls le service Contrats pro et le responsable du département transmettent les notes."))
    rows = list(services.grade_rows(services.scope_dossiers(year, department)))
    title = _("Notes du %(scope)s – aperçu, non transmis à la scolarité") % {"scope": services.scope_label(year, department)}
    handle = grades_workbook(rows, title=title, at=timezone.now())
    scope = department.code.lower() if department else "promotion"
    return FileResponse(handle, as_attachment=True, content_type=XLSX,
                        filename=f"notes-apercu-{year.label.replace('/', '-')}-{scope}.xlsx")


@require_GET
@login_required
def transmission_download(request, pk):
    """ROLE-8: a transmission's workbook, exactly as it was sent (404 for
    whoever does not see it)."""
    transmission = get_object_or_404(services.visible_transmissions(request.user), pk=pk)
    try:
        handle = private_storage().open(transmission.file_name, "rb")
    except FileNotFoundError:
        raise Http404(_("Ce fichier est introuvable.")) from None
    response = FileResponse(handle, as_attachment=True, filename=services.transmission_filename(transmission),
                            content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response
