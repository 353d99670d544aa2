"""Uploaded files of a dossier (DOC-6, STEP-4).

``check_upload`` reads at most the cap plus one byte, recognises the type by
content (python-magic), then opens the file as what it claims to be: pypdf
for a PDF (not encrypted, at least one page, a page cap), Pillow for an
image. Only then does ``document_upload`` store it through
``pdf.document_attach``, under a random name (``private_path``) and as a new
version with its SHA-256: a refused upload writes nothing, neither a row nor
a file. The name the uploader gave is kept for display only, cleaned.
"""

import io
import os
import unicodedata
import warnings

import magic
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from conventions.dossier import steps
from conventions.dossier.models import Dossier
from conventions.links.models import ExternalLink
from students.history import event_record

from .models import DocumentKind
from .pdf import document_attach

MAX_BYTES = 10 * 1024 * 1024  # OWASP ASVS 12.1.1: a size cap, checked on the bytes read
MAX_PDF_PAGES = 200
MAX_NAME_LENGTH = 120
SNIFF_BYTES = 8192  # libmagic recognises PDF, PNG and JPEG from their first bytes

# Type recognised by content → extensions a display name may keep for it.
ALLOWED_TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
_ALL_EXTENSIONS = frozenset(ext for exts in ALLOWED_TYPES.values() for ext in exts)
ACCEPT = ".pdf,.png,.jpg,.jpeg"  # the file picker's filter; the content decides

# The portal produces these (DOC-1, DOC-3, DOC-7); nobody uploads them.
GENERATED_KINDS = frozenset({
    DocumentKind.FICHE_CONTACT, DocumentKind.CERFA, DocumentKind.CONVENTION,
    DocumentKind.CERTIFICAT,  # CERT-1: issued from the signed carnet only
})
UPLOAD_KINDS = tuple((value, label) for value, label in DocumentKind.choices if value not in GENERATED_KINDS)


def max_size_display():
    return _("%(size)s Mo") % {"size": MAX_BYTES // (1024 * 1024)}


def clean_name(name, content_type=None):
    """The uploader's file name made harmless for display and for the
    download's Content-Disposition: base name only, no control or bidi
    characters, no leading dots, bounded length, and an extension that
    matches the type found in the content."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(".").strip()
    stem, ext = os.path.splitext(name)
    if content_type in ALLOWED_TYPES and ext.lower() not in ALLOWED_TYPES[content_type]:
        # "scan.pdf" holding a PNG becomes "scan.png"; "x.exe" becomes "x.exe.pdf".
        if ext.lower() not in _ALL_EXTENSIONS:
            stem = name
        ext = ALLOWED_TYPES[content_type][0]
    stem = stem.rstrip(". ") or "document"
    return stem[: MAX_NAME_LENGTH - len(ext)] + ext.lower()


def _refuse(message):
    raise ValidationError(message, code="invalid_upload")


def _check_pdf(content):
    from pypdf import PdfReader

    # A file cut short loses its end-of-file marker; pypdf would otherwise
    # rebuild what it can and accept a truncated document.
    if b"%%EOF" not in content[-1024:]:
        _refuse(_("Ce PDF est incomplet ou endommagé (fin de fichier absente) : déposez le fichier d'origine."))
    try:
        reader = PdfReader(io.BytesIO(content))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        if not encrypted:
            for page in reader.pages:
                page.mediabox  # noqa: B018 — each page must parse
    except Exception:  # pypdf raises many kinds of errors on a broken file
        _refuse(_("Ce fichier ne s'ouvre pas comme un PDF : il est endommagé. Déposez le fichier d'origine."))
    if encrypted:
        _refuse(_("Ce PDF est protégé par un mot de passe : déposez une version sans protection."))
    if pages < 1:
        _refuse(_("Ce PDF ne contient aucune page."))
    if pages > MAX_PDF_PAGES:
        _refuse(
            _("Ce PDF compte %(pages)s pages ; %(max)s au plus sont acceptées. Déposez-le en plusieurs parties.")
            % {"pages": pages, "max": MAX_PDF_PAGES}
        )


def _check_image(content, content_type):
    from PIL import Image

    expected = {"image/png": "PNG", "image/jpeg": "JPEG"}[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                fmt = image.format
                image.verify()  # PNG: every chunk and its CRC, up to IEND
            if fmt == "JPEG":
                # verify() checks nothing in a JPEG: decode it, at 1/8 scale.
                with Image.open(io.BytesIO(content)) as image:
                    image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
                    image.load()
    except Exception:  # Pillow raises OSError, SyntaxError, DecompressionBomb…
        fmt = None
    if fmt != expected:
        _refuse(_("Cette image est endommagée ou trop grande : déposez le fichier d'origine (PNG ou JPEG)."))


# What a refused file was found to be, in words (no MIME type on a page: DOC-6).
_SEEN_AS = {
    "text": gettext_lazy("C'est un fichier texte."),
    "image/gif": gettext_lazy("C'est une image GIF."),
    "image/webp": gettext_lazy("C'est une image WebP."),
    "image/heic": gettext_lazy("C'est une photo HEIC (iPhone) : exportez-la en JPEG."),
    "image/tiff": gettext_lazy("C'est une image TIFF."),
    "application/zip": gettext_lazy("C'est une archive ZIP ou un document Office : enregistrez-le en PDF."),
    "application/msword": gettext_lazy("C'est un document Word : enregistrez-le en PDF."),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy("C'est un document Word : enregistrez-le en PDF."),
    "application/vnd.oasis.opendocument.text": gettext_lazy("C'est un document LibreOffice : enregistrez-le en PDF."),
}


def check_upload(uploaded_file):
    """The bytes, the type found in them and a clean display name, or a
    ``ValidationError`` saying in French why the file is refused (DOC-6)."""
    if not uploaded_file:
        _refuse(_("Choisissez un fichier à déposer."))
    too_big = _("Ce fichier dépasse la taille maximale de %(max)s : réduisez-le (numérisation en 150 ou 200 dpi).")
    if (getattr(uploaded_file, "size", None) or 0) > MAX_BYTES:
        _refuse(too_big % {"max": max_size_display()})
    uploaded_file.seek(0)
    content = uploaded_file.read(MAX_BYTES + 1)  # the declared size is not trusted
    if len(content) > MAX_BYTES:
        _refuse(too_big % {"max": max_size_display()})
    if not content:
        _refuse(_("Ce fichier est vide."))
    content_type = magic.from_buffer(content[:SNIFF_BYTES], mime=True)
    if content_type not in ALLOWED_TYPES:
        seen = _SEEN_AS.get(content_type.split("/")[0] if content_type.startswith("text/") else content_type)
        message = _("Seuls les PDF, PNG et JPEG sont acceptés ; ce fichier n'en est pas un, quel que soit son nom.")
        _refuse(f"{message} {seen}" if seen else message)
    if content_type == "application/pdf":
        _check_pdf(content)
    else:
        _check_image(content, content_type)
    return content, content_type, clean_name(getattr(uploaded_file, "name", ""), content_type)


def _check_kind_and_step(kind, step):
    if kind not in dict(UPLOAD_KINDS):
        if kind in GENERATED_KINDS:
            _refuse(_("Ce document est produit par le portail : il ne se dépose pas."))
        _refuse(_("Choisissez la nature du document."))
    if step:
        definition = steps.BY_CODE.get(step)
        if definition is None or not definition.document:
            _refuse(_("Cette étape n'attend pas de document."))


def document_upload(*, dossier, kind, uploaded_file, by, step="", link=None):
    """Deposit a file in a dossier (DOC-6, STEP-4): checked first, then
    stored under a random name as the next version of ``kind`` with its
    SHA-256, author and time; the older versions stay. Raises
    ``PermissionDenied`` for anyone but the student, the office or a valid
    link of this dossier, ``ValidationError`` (French) for a refused file;
    either way nothing is written."""
    if link is not None:
        if roles.link_problem(link, purpose=ExternalLink.Purpose.values, dossier=dossier) is not None:
            raise PermissionDenied(_("Ce lien ne permet pas de déposer de document dans ce dossier."))
        by = None
    elif not roles.can_upload(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro déposent les documents du dossier."))
    step = (step or "").strip()
    _check_kind_and_step(kind, step)
    content, content_type, name = check_upload(uploaded_file)
    return _store(dossier=dossier, kind=kind, step=step, content=content, content_type=content_type, name=name, by=by, link=link)


@transaction.atomic
def _store(*, dossier, kind, step, content, content_type, name, by, link):

    # One deposit at a time per dossier, so two uploads never race for the same version number.
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    document = document_attach(
        dossier=dossier, kind=kind, content=content, name=name, content_type=content_type, by=by, link=link, step=step
    )
    summary = _("Document déposé : %(kind)s, version %(version)s (%(name)s).") % {
        "kind": document.get_kind_display(), "version": document.version, "name": name,
    }
    if link is not None:
        summary += " " + _("Par %(contact)s, lien personnel.") % {"contact": link.contact.full_name}
    event_record(dossier=dossier, actor=None if link is not None else by, link=link, verb="conventions.document.upload", step=step, summary=summary)
    return document


def download_name(document):
    """The file name offered when downloading ``document``."""
    fallback = f"{document.kind}-v{document.version}"
    return clean_name(document.original_name or fallback, document.content_type)


def documents_by_kind(dossier):
    """The dossier's documents grouped by kind (in DocumentKind order),
    newest version first, in one query."""
    documents = dossier.documents.select_related("uploaded_by", "uploaded_via__contact").order_by("kind", "-version")
    groups = {}
    for document in documents:
        definition = steps.BY_CODE.get(document.step)
        document.step_display = definition.display_code if definition else ""
        groups.setdefault(document.kind, []).append(document)
    return [
        {"kind": value, "label": label, "versions": groups[value]}
        for value, label in DocumentKind.choices
        if value in groups
    ]

