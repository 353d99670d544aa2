"""What every invoice states and what it adds up to (BILL-2…5, DOMAIN §7):
the payment terms and legal mentions, the amounts credited and paid, the
certificate an OPCO's invoice goes with. Read by the services, the PDF and
the Factur-X XML alike."""

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.frenchdates import long_date
from conventions.documents.models import Document, DocumentKind

from .models import Invoice

Period = Invoice.Period

# The payment terms the convention states once (DOMAIN §7): payable within
# 30 days of receipt (Code de commerce L441-10: 30 days by default), the
# legal late-payment penalties and the fixed recovery indemnity (D441-5).
PAYMENT_DAYS = 30
RECOVERY_INDEMNITY = Decimal("40")
# DOMAIN §7: L441-10, the ECB's refinancing rate plus 10 points unless agreed.
PENALTY_RATE = gettext_lazy("le taux de refinancement de la Banque centrale européenne majoré de 10 points")
# DOMAIN §7 (CGI 261-4-4° a; ann. II 242 nonies A, I-12°).
VAT_EXEMPTION = "Exonération de TVA — article 261-4-4° a du CGI"
# EN 16931's code for the exemption (VAT directive 2006/112/EC art. 132-1-i,
# which CGI 261-4-4° a transposes: vocational training by a public body).
VAT_EXEMPTION_CODE = "VATEX-EU-132-1I"


def payment_terms(invoice):
    """The terms every invoice states (DOMAIN §7, C. com. L441-9, L441-10,
    D441-5), in French."""
    if invoice.is_credit_note:
        due = _("Avoir venant en déduction de la facture %(n)s du %(on)s.") % {
            "n": invoice.corrects.number, "on": long_date(invoice.corrects.issue_date)}
    else:
        due = _("Payable à réception, au plus tard le %(due)s (%(days)s jours après la date d'émission).") % {
            "due": long_date(invoice.due_date), "days": PAYMENT_DAYS}
    return {
        "due": due,
        "penalties": _("En cas de retard de paiement, pénalités exigibles au taux de %(rate)s (article L441-10 du Code de commerce).")
        % {"rate": PENALTY_RATE},
        "indemnity": _("Indemnité forfaitaire pour frais de recouvrement due en cas de retard : %(amount)s € (article D441-5 du Code de commerce).")
        % {"amount": RECOVERY_INDEMNITY},
        "discount": _("Pas d'escompte pour paiement anticipé."),
    }


def credited_total(invoice):
    """What the credit notes of ``invoice`` took off it."""
    return invoice.credit_notes.filter(number__isnull=False).aggregate(s=Sum("amount_ttc"))["s"] or Decimal("0.00")


def paid_total(invoice):
    return invoice.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def invoice_balance(invoice):
    """What remains due: the total less its credit notes and payments."""
    return invoice.amount_ttc - credited_total(invoice) - paid_total(invoice)


def period_certificate(invoice):
    """BILL-5: the certificat de réalisation of the invoice's period, the
    latest version, that the OPCO's invoice goes with; None until issued.
    Read from conventions' documents (billing never imports attendance):
    a certificate's file is named ``certificat-<période>-v<n>-…``."""
    prefix = {Period.S9: "certificat-s9-", Period.BALANCE: "certificat-fin-"}[invoice.period]
    return (
        Document.objects.filter(dossier_id=invoice.dossier_id, kind=DocumentKind.CERTIFICAT, original_name__startswith=prefix)
        .order_by("-version").first()
    )
