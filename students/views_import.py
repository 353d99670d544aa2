"""The office imports the scolarité's spreadsheet (``students.imports``).

Upload, preview, confirm. The confirmation does not re-upload: the checked
file waits in private storage under a random name, which travels in a
signed token (bound to the user, expiring) so that it cannot be swapped for
another file; the confirm step reads it again, applies it and deletes it.
"""

import datetime
import hashlib
import io
import re
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from contratpro import roles

from . import imports, staff_import

SALT = "students.import.confirm"
TOKEN_MAX_AGE = 60 * 60  # an hour between the preview and the confirmation
FOLDER = "imports"
NAME_PATTERN = re.compile(rf"^{FOLDER}/[0-9a-f]{{32}}\.xlsx$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Classeur de la scolarité (.xlsx)"),
        help_text=gettext_lazy("Au plus %(mb)s Mo et %(rows)s lignes.")
        % {"mb": imports.MAX_BYTES // (1024 * 1024), "rows": imports.MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )


def _office_only(request):
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro importe la situation des élèves."))


def _render(request, *, form=None, preview=None, token="", error="", status=200):
    return render(
        request,
        "students/import.html",
        {
            "form": form or ImportForm(),
            "columns": imports.COLUMNS,
            "notes": imports.notes(),
            "preview": preview,
            "token": token,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_facts(request):
    """GET: what the import does and its columns; POST a file: its preview;
    POST a token: apply the previewed file (ELIG-1…8 facts)."""
    _office_only(request)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    if request.method != "POST":
        return _render(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    preview = imports.preview_file(upload, by=request.user)
    token = ""
    if preview.is_valid and preview.changed_rows:
        upload.seek(0)
        token = _store(request, upload.read())
    return _render(request, preview=preview, token=token)


def _store(request, data):
    """Keep the checked file until it is confirmed; return the signed token."""
    storage = storages["private"]
    _purge_stale(storage)
    name = storage.save(f"{FOLDER}/{secrets.token_hex(16)}.xlsx", ContentFile(data))
    payload = {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "user": request.user.pk}
    return signing.dumps(payload, salt=SALT)


def _purge_stale(storage):
    """Previews never confirmed leave their file behind: drop those whose
    token has expired."""
    try:
        names = storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return
    limit = timezone.now() - datetime.timedelta(seconds=TOKEN_MAX_AGE)
    for name in names:
        path = f"{FOLDER}/{name}"
        if storage.get_modified_time(path) < limit:
            storage.delete(path)


def _stored_upload(request):
    """The checked file the signed token in the POST points to, deleted from
    the storage as it is read, or None when the token is forged, expired,
    another user's, or the file was swapped."""
    try:
        payload = signing.loads(request.POST["token"], salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    storage = storages["private"]
    if not isinstance(payload, dict) or payload.get("user") != request.user.pk:
        return None
    name = str(payload.get("name", ""))
    if not NAME_PATTERN.match(name) or not storage.exists(name):
        return None
    with storage.open(name, "rb") as f:
        data = f.read()
    storage.delete(name)
    if hashlib.sha256(data).hexdigest() != payload.get("sha256"):
        return None
    return data


def _confirm(request):
    refused = _("Cette confirmation n'est pas valide ou a expiré : déposez à nouveau le fichier.")
    data = _stored_upload(request)
    if data is None:
        return _render(request, error=refused, status=400)
    # Checked again: students may have changed since the preview.
    preview = imports.preview_file(io.BytesIO(data), by=request.user)
    try:
        result = imports.import_apply(preview, by=request.user, request=request)
    except ValidationError as exc:
        return _render(request, preview=preview, error=exc.messages[0], status=400)
    read = ngettext("%(n)s ligne lue", "%(n)s lignes lues", result.rows) % {"n": result.rows}
    changed = imports.changed_label(result.changed)
    if result.created:  # AUTH-1: their accounts are invited by e-mail
        changed = f"{imports.created_label(result.created)}, {changed}"
    messages.success(request, _("Import terminé : %(read)s, %(changed)s.") % {"read": read, "changed": changed})
    return redirect("students:import")


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Liste des personnels (.xlsx)"),
        help_text=gettext_lazy("Au plus %(mb)s Mo et %(rows)s lignes.")
        % {"mb": imports.MAX_BYTES // (1024 * 1024), "rows": imports.MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )


def _render_staff(request, *, form=None, preview=None, token="", error="", status=200):
    return render(request, "students/staff_import.html", {
        "form": form or StaffImportForm(), "columns": staff_import.COLUMNS, "notes": staff_import.notes(),
        "preview": preview, "token": token, "error": error,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_staff(request):
    """GET: the staff import and its columns; POST a file: its preview;
    POST a token: apply it, creating and inviting the new people (AUTH-1)."""
    if not roles.can_manage_accounts(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro importe la liste des personnels."))
    if request.method == "POST" and "token" in request.POST:
        data = _stored_upload(request)
        if data is None:
            error = _("Cette confirmation n'est pas valide ou a expiré : déposez à nouveau le fichier.")
            return _render_staff(request, error=error, status=400)
        # Checked again: people may have changed.
        preview = staff_import.preview_file(io.BytesIO(data), by=request.user)
        try:
            result = staff_import.import_apply(preview, by=request.user, request=request)
        except ValidationError as exc:
            return _render_staff(request, preview=preview, error=exc.messages[0], status=400)
        messages.success(request, _("Import terminé : %(read)s, %(created)s, %(changed)s.") % {
            "read": ngettext("%(n)s ligne lue", "%(n)s lignes lues", result.rows) % {"n": result.rows},
            "created": staff_import.created_label(result.created),
            "changed": staff_import.changed_label(result.changed),
        })
        return redirect("students:staff-import")
    if request.method != "POST":
        return _render_staff(request)
    form = StaffImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_staff(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    preview = staff_import.preview_file(upload, by=request.user)
    token = ""
    if preview.is_valid and preview.changed_rows:
        upload.seek(0)
        token = _store(request, upload.read())
    return _render_staff(request, preview=preview, token=token)


@login_required
@require_GET
def import_template(request):
    """The empty workbook to fill, with its « Aide » sheet."""
    _office_only(request)
    response = HttpResponse(imports.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="import-situation-eleves.xlsx"'
    return response
