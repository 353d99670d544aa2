"""The official fillable CERFA 12434 and its field mapping (DOC-7), kept as
data in private storage (DOC-6, outside any public URL):

- ``cerfa/modeles/<date>-<sha>.pdf``: every blank model uploaded, never
  overwritten;
- ``cerfa/modele.json``: the one in force, ``{"file", "sha256",
  "uploaded_at", "uploaded_by", "fields": {PDF field: type}, "mapping":
  {PDF field: value key}}``. The office edits the mapping on the model's
  page (one choice per PDF field); a PDF field named like a value key
  (``employeur_siret``) is mapped to it on upload, and a new model keeps
  the mapping of the fields it shares with the previous one.

The value keys are ``keys.VALUES``; the page previews which fields of the
model are left unmapped and which keys fill no field.
"""

import hashlib
import io
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from contratpro import roles
from conventions.documents.files import check_upload
from conventions.documents.models import private_storage

from .keys import VALUES

MODEL_POINTER = "cerfa/modele.json"
MODEL_DIR = "cerfa/modeles"


def official_model():
    """The model in force (see the module's docstring), or None."""
    storage = private_storage()
    if not storage.exists(MODEL_POINTER):
        return None
    with storage.open(MODEL_POINTER) as handle:
        model = json.load(handle)
    return model if storage.exists(model.get("file", "")) else None


def _write_pointer(model):
    storage = private_storage()
    if storage.exists(MODEL_POINTER):
        storage.delete(MODEL_POINTER)
    storage.save(MODEL_POINTER, ContentFile(json.dumps(model, ensure_ascii=False, indent=1).encode()))


def _form_fields(content):
    """{qualified name: "/Tx" | "/Btn" | "/Ch"} of a PDF's AcroForm."""
    try:
        fields = PdfReader(io.BytesIO(content)).get_fields() or {}
    except Exception:  # pypdf raises many kinds of errors on a strange form
        return {}
    return {name: str(field.get("/FT", "")) for name, field in fields.items() if field.get("/FT") in ("/Tx", "/Btn", "/Ch")}


def _check_office(by):
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro dépose le modèle officiel du CERFA."))


def official_model_upload(*, uploaded_file, by):
    """The office deposits the blank official CERFA 12434 (DOC-7): a PDF
    (checked by content, DOC-6) with form fields to fill, or refused."""
    _check_office(by)
    content, content_type, name = check_upload(uploaded_file)
    if content_type != "application/pdf":
        raise ValidationError(_("Le modèle du CERFA doit être un PDF."))
    fields = _form_fields(content)
    if not fields:
        raise ValidationError(_(
            "Ce PDF n'a pas de champs à remplir : déposez la version remplissable du CERFA 12434 "
            "(formulaire interactif, service-public.fr)."
        ))
    sha256 = hashlib.sha256(content).hexdigest()
    now = timezone.now()
    stored = private_storage().save(f"{MODEL_DIR}/{now:%Y%m%d-%H%M%S}-{sha256[:12]}.pdf", ContentFile(content))
    previous = (official_model() or {}).get("mapping", {})
    mapping = {field: key for field, key in previous.items() if field in fields}
    mapping.update({field: field for field in fields if field in VALUES and field not in mapping})
    model = {
        "file": stored, "name": name, "sha256": sha256, "uploaded_at": now.isoformat(),
        "uploaded_by": by.get_full_name() or by.get_username(), "fields": fields, "mapping": mapping,
    }
    _write_pointer(model)
    return model


def official_mapping_set(*, mapping, by):
    """The office edits the mapping PDF field → value key (DOC-7, kept as data)."""
    _check_office(by)
    model = official_model()
    if model is None:
        raise ValidationError(_("Déposez d'abord le modèle officiel du CERFA."))
    unknown = [field for field, key in mapping.items() if field not in model["fields"] or key not in VALUES]
    if unknown:
        raise ValidationError(_("Correspondance inconnue : %(fields)s.") % {"fields": ", ".join(unknown)})
    model["mapping"] = dict(mapping)
    _write_pointer(model)
    return model


def official_mapping_preview(model):
    """DOC-7: what the mapping of ``model`` leaves out: the PDF's fields no
    value fills (sorted) and the value keys that fill no field, as
    ``{"unmapped_fields": [name], "unused_keys": [(key, label)]}``."""
    mapping = {field: key for field, key in model["mapping"].items() if field in model["fields"] and key in VALUES}
    used = set(mapping.values())
    return {
        "unmapped_fields": sorted(field for field in model["fields"] if field not in mapping),
        "unused_keys": [(key, label) for key, label in VALUES.items() if key not in used],
    }


def official_fill(model, values):
    """The official PDF with its fields filled from ``values`` (the CERFA's
    values by key) through the mapping; check boxes take their "on" state
    or Off."""
    with private_storage().open(model["file"]) as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    fields = reader.get_fields() or {}
    writer = PdfWriter(clone_from=reader)
    filled = {}
    for field, key in model["mapping"].items():
        if field not in fields or key not in values:
            continue
        value = values[key]
        if fields[field].get("/FT") == "/Btn":
            states = [s for s in fields[field].get("/_States_", []) if s != "/Off"]
            value = states[0] if (value and states) else "/Off"
        elif isinstance(value, bool):
            value = "X" if value else ""
        filled[field] = value
    if filled:
        writer.update_page_form_field_values(None, filled, auto_regenerate=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
