"""PDFs built in the background (NOTIF-2) with WeasyPrint.

A page asks for a document with ``jobs.pdf_request``: a ``PdfJob`` row is
written and the Celery task ``build_pdf`` is queued on commit. The task
claims the job with a conditional UPDATE (so a duplicate delivery does
nothing), calls the builder registered for the document kind, writes the
PDF under a temporary name, then attaches it atomically as a new
``Document`` version with its SHA-256. A failure marks the job failed with
its error; ``pdf_request`` again re-runs it.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from students.history import event_record

from .models import Document, PdfJob

logger = logging.getLogger(__name__)
BUILDERS = {}


def register_builder(kind, func):
    """Register ``func(dossier) -> (template_name, context) | bytes`` as the
    builder of a document kind; called from ``ConventionsConfig.ready``."""
    BUILDERS[kind] = func
    return func


STYLESHEET = "pdf/pdf.css"
_PARSED = {}


def _stylesheet():
    """The documents' one stylesheet, parsed once per process with the font
    configuration it was parsed with (and again only when the file changes):
    WeasyPrint spends a good part of a short document reading its CSS and the
    system's fonts."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    path = settings.BASE_DIR / "static" / STYLESHEET
    mtime = path.stat().st_mtime
    if _PARSED.get("mtime") != mtime:
        fonts = FontConfiguration()
        _PARSED.update(mtime=mtime, fonts=fonts, css=CSS(filename=str(path), font_config=fonts))
    return _PARSED["css"], _PARSED["fonts"]


def render_pdf(template_name, context):
    """HTML template → PDF bytes, with the documents' stylesheet (templates
    may link one of their own). Static files (the school's mark) are read
    from disk, never fetched over the network."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    css, fonts = _stylesheet()
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static") + "/")
    return document.write_pdf(stylesheets=[css], font_config=fonts)


def next_version(dossier, kind):
    last = Document.objects.filter(dossier=dossier, kind=kind).aggregate(v=Max("version"))["v"]
    return (last or 0) + 1


@transaction.atomic
def document_attach(*, dossier, kind, content, name, content_type="application/pdf", by=None, link=None,
                    generated=False, step=""):
    """Store ``content`` as the next version of ``kind`` (DOC-6): never
    overwrites, keeps the SHA-256, the author and the time."""
    version = next_version(dossier, kind)
    document = Document(
        dossier=dossier, kind=kind, version=version, step=step, sha256=hashlib.sha256(content).hexdigest(),
        size=len(content), content_type=content_type, original_name=name[:200], generated=generated,
        uploaded_by=by, uploaded_via=link,
    )
    document.file.save("", ContentFile(content), save=False)
    try:
        document.save()
    except Exception:
        # No file without its row (a version race, a constraint).
        document.file.delete(save=False)
        raise
    return document


# A job still "running" this long after it was asked for lost its worker
# (killed mid-build): it may be claimed again.
STALE_AFTER = datetime.timedelta(minutes=10)


def in_progress():
    """Jobs waiting or running, a stale running one excepted."""
    return Q(status=PdfJob.Status.PENDING) | Q(
        status=PdfJob.Status.RUNNING, requested_at__gt=timezone.now() - STALE_AFTER
    )


def job_in_progress(job):
    """``in_progress`` for one job already read."""
    return job.status == PdfJob.Status.PENDING or (
        job.status == PdfJob.Status.RUNNING and job.requested_at > timezone.now() - STALE_AFTER
    )


def pdf_build(job_id):
    """The task's body: idempotent, safe to retry."""
    claimable = Q(status__in=[PdfJob.Status.PENDING, PdfJob.Status.FAILED]) | Q(
        status=PdfJob.Status.RUNNING, requested_at__lte=timezone.now() - STALE_AFTER
    )
    claimed = PdfJob.objects.filter(claimable, pk=job_id).update(
        status=PdfJob.Status.RUNNING, attempts=F("attempts") + 1, error=""
    )
    if not claimed:
        return None  # already built or being built by another delivery
    job = PdfJob.objects.select_related("dossier__student__user", "dossier__year").get(pk=job_id)
    try:
        # A builder returns (template, context) to lay out, or finished PDF
        # bytes (the official CERFA filled through its field mapping, DOC-7).
        built = BUILDERS[job.kind](job.dossier)
        content = built if isinstance(built, bytes) else render_pdf(*built)
        with transaction.atomic():
            document = document_attach(
                dossier=job.dossier, kind=job.kind, content=content, generated=True,
                name=f"{job.kind}-{job.dossier.student.user.last_name.lower()}.pdf", by=job.requested_by,
            )
            job.status, job.document, job.finished_at = PdfJob.Status.READY, document, timezone.now()
            job.save(update_fields=["status", "document", "finished_at"])
            event_record(
                dossier=job.dossier, actor=job.requested_by, verb="conventions.pdf.ready",
                summary=_("%(doc)s produit (version %(v)s).") % {"doc": document.get_kind_display(), "v": document.version},
            )
        return document.pk
    except Exception as error:
        PdfJob.objects.filter(pk=job_id).update(
            status=PdfJob.Status.FAILED, error=_error_text(error)[:2000], finished_at=timezone.now()
        )
        if isinstance(error, OSError):
            raise  # transient (disk, fonts, storage): the task retries it
        # A permanent error (missing data, a template bug) is not retried:
        # the job shows it on the page and « Relancer » runs it again. Not
        # raising also spares the request that queued it when Celery runs
        # eagerly (no broker).
        logger.exception("PDF job %s failed", job_id)
        return None


def _error_text(error):
    messages = getattr(error, "messages", None)  # a ValidationError's French text
    return " ".join(str(m) for m in messages) if messages else f"{type(error).__name__}: {error}"
