"""The accounting export (BILL-2): invoices, credit notes and payments as
.xlsx, written row by row (openpyxl write-only: flat memory whatever the
number of rows), in the columns an accountant expects."""

import io
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Invoice, Payment

HEADERS = (
    _("Numéro"), _("Nature"), _("Date"), _("Client"), _("SIRET"), _("Élève"), _("Période"), _("Montant HT"),
    _("TVA"), _("Montant TTC"), _("Échéance"), _("Payé"), _("Reste dû"), _("Facture corrigée"),
)
PAYMENT_HEADERS = (_("Facture"), _("Reçu le"), _("Montant"), _("Référence"), _("Client"))
# Column widths (characters), set before the first row (write-only sheets).
WIDTHS = (11, 9, 11, 30, 16, 24, 26, 13, 9, 13, 11, 13, 13, 14)
PAYMENT_WIDTHS = (11, 11, 13, 24, 30)


def _signed(invoice, amount):
    """A credit note counts negative in the accounts."""
    return -amount if invoice.kind == Invoice.Kind.CREDIT_NOTE else amount


def accounting_workbook(invoices):
    """The workbook of ``invoices`` (a queryset ``with_totals``): a sheet
    « Factures et avoirs » of the issued ones, a sheet « Paiements » of
    their payments. Returns the .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Factures et avoirs")))
    bold = Font(bold=True)

    def header(ws, titles, widths):
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        row = []
        for title in titles:
            cell = WriteOnlyCell(ws, value=str(title))
            cell.font = bold
            row.append(cell)
        ws.append(row)

    def money(ws, value):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = '#,##0.00 "€"'
        return cell

    def day(ws, value):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell

    header(sheet, HEADERS, WIDTHS)
    issued = invoices.filter(number__isnull=False).select_related("dossier__student__user", "corrects")
    for invoice in issued.iterator(chunk_size=500):
        credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
        sheet.append([
            invoice.number, invoice.get_kind_display(), day(sheet, invoice.issue_date), invoice.client_name,
            invoice.client_siret, invoice.dossier.student.user.get_full_name(), invoice.get_period_display(),
            money(sheet, _signed(invoice, invoice.amount_ht)), money(sheet, _signed(invoice, invoice.vat_amount)),
            money(sheet, _signed(invoice, invoice.amount_ttc)),
            day(sheet, None if credit else invoice.due_date),
            money(sheet, Decimal("0.00") if credit else invoice.paid),
            money(sheet, Decimal("0.00") if credit else invoice.balance),
            invoice.corrects.number if credit else "",
        ])

    payments_sheet = book.create_sheet(str(_("Paiements")))
    header(payments_sheet, PAYMENT_HEADERS, PAYMENT_WIDTHS)
    payments = Payment.objects.filter(invoice__in=issued.values("pk")).select_related("invoice").order_by(
        "received_on", "pk")
    for payment in payments.iterator(chunk_size=500):
        payments_sheet.append([
            payment.invoice.number, day(payments_sheet, payment.received_on), money(payments_sheet, payment.amount),
            payment.reference, payment.invoice.client_name,
        ])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
