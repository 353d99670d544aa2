"""The dossier's files on its page (DOC-6, STEP-4): the documents panel,
the upload (a plain multipart POST that comes back to the panel) and the
download, which always starts from the access chokepoint and never serves
a file inline."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from contratpro import roles
from conventions.dossier import steps
from conventions.dossier.views import read_once

from . import files
from .models import Document


def dossier_documents(dossier):
    """``files.documents_by_kind``, read once per request: the fiche, the
    convention and the documents panels show the same rows."""
    return read_once(dossier, "documents", lambda: files.documents_by_kind(dossier))


def documents_of_kind(dossier, kind):
    """The dossier's versions of ``kind``, newest first."""
    return next((group["versions"] for group in dossier_documents(dossier) if group["kind"] == kind), [])


def latest_jobs(dossier):
    """The last PDF job of each kind, with its document (NOTIF-2), read once
    per request for the fiche's and the convention's panels."""

    def read():
        jobs = {}
        for job in dossier.pdf_jobs.select_related("document").order_by("-requested_at", "-pk"):
            jobs.setdefault(job.kind, job)
        return jobs

    return read_once(dossier, "pdf_jobs", read)


class UploadForm(forms.Form):
    """Shape only; the content and the rules are checked by ``files.document_upload``."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Nature du document"), choices=files.UPLOAD_KINDS,
        error_messages={"required": gettext_lazy("Choisissez la nature du document.")},
    )
    step = forms.ChoiceField(
        label=gettext_lazy("Étape concernée"), required=False,
        choices=[("", "—")] + [(s.code, s.display_code) for s in steps.CATALOGUE if s.document],
    )
    # Empty files and their content are refused by files.check_upload, with its messages.
    file = forms.FileField(
        label=gettext_lazy("Fichier"), allow_empty_file=True,
        error_messages={"required": gettext_lazy("Choisissez un fichier à déposer.")},
    )


def panel_url(dossier, kind="", step=""):
    """Back to the panel; after a refusal the form shows the same choices again."""
    params = {name: value for name, value in (("kind", kind), ("step", step)) if value}
    query = f"?{urlencode(params)}" if params else ""
    return reverse("conventions:dossier-detail", args=[dossier.pk]) + query + "#documents"


@require_POST
@login_required
def document_upload(request, pk):
    """Deposit a file (DOC-6). Refused: a French message, back to the panel
    with the chosen kind kept, nothing stored."""
    dossier = get_object_or_404(roles.dossiers_for(request.user).select_related("student"), pk=pk)
    if not roles.can_upload(request.user, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro déposent les documents du dossier."))
    form = UploadForm(request.POST, request.FILES)
    kind = request.POST.get("kind", "")
    kind = kind if kind in dict(files.UPLOAD_KINDS) else ""
    step = request.POST.get("step", "")
    step = step if step in steps.BY_CODE else ""
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("Dépôt refusé : %(errors)s") % {"errors": " ".join(errors)})
        return redirect(panel_url(dossier, kind, step))
    try:
        document = files.document_upload(
            dossier=dossier, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"],
            step=form.cleaned_data["step"], by=request.user,
        )
    except ValidationError as error:
        messages.error(request, _("Dépôt refusé : %(errors)s") % {"errors": " ".join(error.messages)})
        return redirect(panel_url(dossier, kind, step))
    messages.success(
        request,
        _("%(kind)s déposé (version %(version)s).") % {"kind": document.get_kind_display(), "version": document.version},
    )
    return redirect(panel_url(dossier))


@require_GET
@login_required
def document_download(request, doc_pk):
    """One version of one file, as an attachment, to whoever sees its
    dossier (ROLE-9: 404 otherwise, missing or not)."""
    document = get_object_or_404(Document.objects.filter(dossier__in=roles.dossiers_for(request.user)), pk=doc_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Ce fichier est introuvable.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=files.download_name(document), content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def panel_context(request, dossier):
    """The documents panel: shown to everyone who sees the dossier; the
    upload form only to those who deposit (the student, the office)."""
    kind = request.GET.get("kind", "")
    step = request.GET.get("step", "")
    applicable = {row.code for row in dossier.steps.all()}  # prefetched by the dossier page
    return {
        "dossier": dossier,
        "groups": dossier_documents(dossier),
        "may_upload": roles.can_upload(request.user, dossier),
        "upload_kinds": files.UPLOAD_KINDS,
        "selected_kind": kind if kind in dict(files.UPLOAD_KINDS) else "",
        "selected_step": step,
        "document_steps": [s for s in steps.CATALOGUE if s.document and s.code in applicable],
        "accept": files.ACCEPT,
        "max_size": files.max_size_display(),
    }
