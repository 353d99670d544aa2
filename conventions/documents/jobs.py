"""Asking for a PDF (NOTIF-2): a ``PdfJob`` row, and the build queued on
commit; ``pdf.pdf_build`` is the body the task runs."""

from django.db import transaction

from .models import PdfJob
from .pdf import in_progress
from .tasks import build_pdf


def pdf_request(*, dossier, kind, by):
    """Ask for a PDF; returns the job: the one already pending or running,
    else a new one (a failed job stays as it was, with its error; asking
    again makes a new job)."""
    with transaction.atomic():
        job = PdfJob.objects.filter(in_progress(), dossier=dossier, kind=kind).first()
        if job is None:
            job = PdfJob.objects.create(dossier=dossier, kind=kind, requested_by=by)
        build_pdf.delay_on_commit(job.pk)
    return job
