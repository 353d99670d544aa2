"""The invoice and credit note as PDF, then as Factur-X (BILL-3, BILL-6,
DOC-11): laid out with WeasyPrint in the documents' style as PDF/A-3b,
then given its CII XML by ``facturx``; built in a Celery task
(``tasks.build_invoice_file``) once the invoice has its number, written
under a temporary name and attached with its SHA-256 in one transaction.
"""

import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from contratpro.school.services import office_contact, school_for_year, school_missing
from conventions.documents.pdf import _stylesheet

from . import facturx
from .models import Invoice
from .terms import (
    PAYMENT_DAYS,
    VAT_EXEMPTION,
    credited_total,
    payment_terms,
    period_certificate,
)

logger = logging.getLogger(__name__)
TEMPLATE = "pdf/invoice.html"
NBSP = "\u00a0"


def euros(amount):
    """``Decimal("8000")`` → « 8 000,00 € », French grouping, non-breaking spaces."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return ("-" if amount < 0 else "") + NBSP.join(groups) + "," + cents + NBSP + "€"


def _siren(siret):
    return siret[:9] if siret else ""


def _vat_display(number):
    """« FR02193000056 » → « FR02 193 000 056 » (non-breaking spaces)."""
    if len(number) != 13:
        return number
    return NBSP.join([number[:4], number[4:7], number[7:10], number[10:]])


def invoice_context(invoice):
    """Every mention of DOMAIN §7 for ``invoice``: both parties with their
    SIREN and SIRET, the number and dates, the service and its period, the
    amounts with the VAT exemption and its article, the terms (due date,
    late-payment penalty rate, the 40 € indemnity, no discount), the
    certificate an OPCO's invoice goes with (BILL-5)."""
    identity = school_for_year(invoice.year.start_year)
    missing = school_missing(identity)
    if not identity.vat_id:
        # BILL-6 (EN 16931 BR-E-02): an exempt invoice names the seller's VAT identifier.
        missing.append(_("le numéro de TVA intracommunautaire de l'école"))
    if missing:
        raise ValueError(_("L'identité de l'école est incomplète : il manque %(m)s.") % {"m": ", ".join(missing)})
    office = office_contact(invoice.year.start_year)
    certificate = period_certificate(invoice) if invoice.addressee == Invoice.Addressee.OPCO else None
    return {
        "invoice": invoice,
        "corrected": invoice.corrects,
        "school": identity,
        "school_siren": _siren(identity.siret),
        "school_vat": _vat_display(identity.vat_id),
        "letterhead": {
            "name": identity.name, "service": _("Service Contrats de professionnalisation"),
            "address": [line.replace(" ", NBSP) for line in identity.address_lines()],
            "email": office["email"], "phone": office["phone"].replace(" ", NBSP),
        },
        "client_lines": [line for line in invoice.client_address.splitlines() if line.strip()],
        "client_siren": _siren(invoice.client_siret),
        "student": invoice.dossier.student.user.get_full_name(),
        "amount_ht": euros(invoice.amount_ht),
        "vat_amount": euros(invoice.vat_amount),
        "amount_ttc": euros(invoice.amount_ttc),
        "vat_exemption": VAT_EXEMPTION,
        "terms": payment_terms(invoice),
        "payment_days": PAYMENT_DAYS,
        "is_opco": invoice.addressee == Invoice.Addressee.OPCO,
        "employer": invoice.dossier.company,
        "certificate": certificate,
        "corrected_left": euros(invoice.corrects.amount_ttc - credited_total(invoice.corrects)) if invoice.corrects else "",
    }


def invoice_pdf(invoice):
    """The invoice laid out as PDF/A-3b (BILL-6 asks for a PDF/A-3)."""
    from weasyprint import HTML

    context = invoice_context(invoice)
    html = render_to_string(TEMPLATE, context)
    css, fonts = _stylesheet()
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static") + "/")
    pdf = document.write_pdf(stylesheets=[css], font_config=fonts, pdf_variant="pdf/a-3b")
    return pdf, context


def invoice_facturx(invoice):
    """BILL-6: the Factur-X bytes of an issued invoice or credit note."""
    pdf, context = invoice_pdf(invoice)
    xml = facturx.invoice_xml(invoice, context["school"], context["terms"])
    title = _("%(kind)s %(n)s") % {"kind": invoice.get_kind_display(), "n": invoice.number}
    return facturx.facturx_pdf(pdf, xml, title=title, author=context["school"].name)


def invoice_file_build(invoice_id):
    """The task's body: idempotent (an invoice with its file is left as it
    is). Returns True when the file is there."""
    invoice = Invoice.objects.select_related("dossier__student__user", "dossier__company", "year", "corrects").get(pk=invoice_id)
    if invoice.number is None:
        return False
    if invoice.file:
        return True
    content = invoice_facturx(invoice)
    name = f"{invoice.number}.pdf"
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice_id)
        if locked.file:
            return True  # another delivery attached it meanwhile
        locked.file.save(name, ContentFile(content), save=False)
        locked.sha256 = hashlib.sha256(content).hexdigest()
        try:
            locked.save(update_fields=["file", "sha256"])
        except Exception:
            locked.file.delete(save=False)  # no file without its row
            raise
    return True
