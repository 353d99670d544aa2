"""What this subject registers (panels, deadlines sources, PDF builders,
demo builders), called once from ``GradingConfig.ready``."""

from contratpro import demo as demo_builders
from conventions.documents import pdf as documents_pdf
from conventions.documents.models import DocumentKind

from . import demo, pdf


def register_all():
    # STEP-6, NOTIF-2: the fiche as filled by link, the document step B attests.
    documents_pdf.register_builder(DocumentKind.EVALUATION_TUTEUR, pdf.filled_build)
    # One appraisal filled by link, after s9's grades (order 850).
    demo_builders.register("grading.appraisal", demo.build_appraisal, order=870)
