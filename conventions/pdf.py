"""PDFs built in the background (NOTIF-2) with WeasyPrint.

A page asks for a document with ``pdf_request``: a ``PdfJob`` row is
written and the Celery task ``build_pdf`` is queued on commit. The task
claims the job with a conditional UPDATE (so a duplicate delivery does
nothing), calls the builder registered for the document kind, writes the
PDF under a temporary name, then attaches it atomically as a new
``Document`` version with its SHA-256. A failure marks the job failed with
its error; ``pdf_request`` again re-runs it.
"""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Document, DossierEvent, PdfJob

BUILDERS = {}


def register_builder(kind):
    """Register ``func(dossier) -> (template_name, context)`` for a kind."""

    def decorator(func):
        BUILDERS[kind] = func
        return func

    return decorator


def render_pdf(template_name, context):
    """HTML template → PDF bytes. Static files (the PDF stylesheet, the
    school's mark) are read from disk, never fetched over the network."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static") + "/").write_pdf()


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
    document.save()
    return document


def pdf_request(*, dossier, kind, by):
    """Ask for a PDF; returns the job. Re-running a failed job resets it."""
    from .tasks import build_pdf

    with transaction.atomic():
        job = PdfJob.objects.filter(dossier=dossier, kind=kind, status__in=[PdfJob.Status.PENDING, PdfJob.Status.RUNNING]).first()
        if job is None:
            job = PdfJob.objects.create(dossier=dossier, kind=kind, requested_by=by)
        build_pdf.delay_on_commit(job.pk)
    return job


def pdf_build(job_id):
    """The task's body: idempotent, safe to retry."""
    claimed = PdfJob.objects.filter(pk=job_id, status__in=[PdfJob.Status.PENDING, PdfJob.Status.FAILED]).update(
        status=PdfJob.Status.RUNNING, attempts=F("attempts") + 1, error=""
    )
    if not claimed:
        return None  # already built or being built by another delivery
    job = PdfJob.objects.select_related("dossier__student__user", "dossier__year").get(pk=job_id)
    try:
        template_name, context = BUILDERS[job.kind](job.dossier)
        content = render_pdf(template_name, context)
        with transaction.atomic():
            document = document_attach(
                dossier=job.dossier, kind=job.kind, content=content, generated=True,
                name=f"{job.kind}-{job.dossier.student.user.last_name.lower()}.pdf", by=job.requested_by,
            )
            job.status, job.document, job.finished_at = PdfJob.Status.READY, document, timezone.now()
            job.save(update_fields=["status", "document", "finished_at"])
            DossierEvent.objects.create(
                dossier=job.dossier, actor=job.requested_by, verb="conventions.pdf.ready",
                summary=_("%(doc)s produit (version %(v)s).") % {"doc": document.get_kind_display(), "v": document.version},
            )
        return document.pk
    except Exception as error:
        PdfJob.objects.filter(pk=job_id).update(
            status=PdfJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
