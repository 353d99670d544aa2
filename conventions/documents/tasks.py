"""Background jobs of the documents (NOTIF-2)."""

from celery import shared_task

from .pdf import pdf_build


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_pdf(job_id):
    """Build one PDF (NOTIF-2); see ``conventions.pdf``."""
    return pdf_build(job_id)
