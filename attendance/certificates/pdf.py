"""The certificat de réalisation as PDF (CERT-1), with every field of the
ministry's model (DOMAIN.md §2), its code and a QR code (CERT-2).

Laid out in boxes (no table), with its own short stylesheet read from disk;
the QR code is segno's inline SVG, no image file. Rendered through the
documents' ``render_pdf`` (≤ 0.5 s, benchmarks/test_speed.py).
"""

from pathlib import Path

import segno
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro.school.services import office_contact
from conventions.convention.services import letterhead, school_party
from conventions.documents import pdf as documents
from students import programme

from .models import CertificateKind

TEMPLATE = "attendance/pdf/certificate.html"
STYLESHEET = (Path(__file__).resolve().parent.parent / "static" / "attendance" / "certificate.css").as_uri()


def qr_svg(url):
    """``url`` as an inline SVG QR code (medium error correction)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, title=_("Vérifier ce certificat en ligne"))


def certificate_context(*, dossier, school, period, minutes, planned_hours, code, url, issued_at, hours):
    """What the template prints; ``school`` is the identity of the dossier's
    year (DOC-11), the signatory the school's legal representative."""
    office = office_contact(dossier.year.start_year)
    return {
        "dossier": dossier, "student": dossier.student, "company": dossier.company,
        "school": school_party(school), "identity": school, "letterhead": letterhead(school, office),
        "period": period, "kind_label": CertificateKind(period.kind).label, "minutes": minutes, "hours": hours, "planned_hours": planned_hours,
        "programme": programme, "code": "-".join(code[i:i + 4] for i in range(0, len(code), 4)),
        "url": url, "qr": qr_svg(url), "issued": timezone.localdate(issued_at), "stylesheet": STYLESHEET,
    }


def certificate_pdf(context):
    """The certificate as PDF bytes."""
    return documents.render_pdf(TEMPLATE, context)
