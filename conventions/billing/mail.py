"""The invoice mailed with its Factur-X file (BILL-2, BILL-5, NOTIF-2): a
company's invoice to its billing contact, an OPCO's invoice (subrogation)
to the OPCO's address of the funding agreement, with the period's
certificat de réalisation when there is one (else the mail says it will
follow). Sent once: the invoice's ``sent_at`` is claimed by a conditional
UPDATE before the mail goes. The texts are the registered ``MailText``s
« billing.invoice » and « billing.opco_invoice » (the office may edit them)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.frenchdates import long_date
from contratpro.school.services import office_contact
from conventions.mailtexts.registry import MailText, mail_message
from students.history import event_record

from .models import BillingAgreement, Invoice
from .terms import period_certificate

INVOICE_KEY = "billing.invoice"
OPCO_KEY = "billing.opco_invoice"

_COMMON = {
    "nom": gettext_lazy("le nom du destinataire"),
    "nature": gettext_lazy("« facture » ou « avoir »"),
    "numero": gettext_lazy("le numéro de la facture ou de l'avoir, par exemple « 2027-0001 »"),
    "est_un_avoir": gettext_lazy("vrai pour un avoir"),
    "facture_corrigee": gettext_lazy("pour un avoir, le numéro de la facture qu'il corrige"),
    "eleve": gettext_lazy("le nom de l'élève"),
    "periode": gettext_lazy("la période facturée, par exemple « du 1er septembre 2026 au 31 décembre 2026 »"),
    "montant": gettext_lazy("le montant, par exemple « 4 500,00 € »"),
    "echeance": gettext_lazy("la date d'échéance, par exemple « 3 février 2027 »"),
    "email_service": gettext_lazy("l'adresse e-mail du service Contrats pro"),
    "ecole": gettext_lazy("le nom de l'école"),
}

INVOICE_TEXT = MailText(
    key=INVOICE_KEY,
    label=gettext_lazy("Facture ou avoir envoyé à l'entreprise"),
    audience=gettext_lazy("Le contact de l'entreprise pour la facturation (RH, sinon signataire)"),
    variables=dict(_COMMON),
)

OPCO_TEXT = MailText(
    key=OPCO_KEY,
    label=gettext_lazy("Facture envoyée à l'OPCO (subrogation de paiement)"),
    audience=gettext_lazy("L'OPCO, à l'adresse de la prise en charge"),
    variables={
        **_COMMON,
        "entreprise": gettext_lazy("le nom de l'entreprise de l'élève"),
        "reference_opco": gettext_lazy("le n° de dossier de prise en charge de l'OPCO (vide s'il n'est pas connu)"),
        "certificat_joint": gettext_lazy("vrai quand le certificat de réalisation de la période est joint"),
    },
)


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


def billing_contact(invoice):
    """Who receives the invoice: for an OPCO's, the OPCO's address of the
    funding agreement (BILL-5); for a company's, its HR contact, else the
    signatory, with a confirmed address. None: nobody to mail."""
    if invoice.addressee == Invoice.Addressee.OPCO:
        agreement = BillingAgreement.objects.filter(dossier_id=invoice.dossier_id).first()
        if agreement is None or not agreement.opco_email:
            return None
        return Recipient(agreement.opco_name or invoice.client_name, agreement.opco_email)
    dossier = invoice.dossier
    for person in (dossier.hr_contact, dossier.signataire):
        if person is not None and person.email and person.email_confirmed:
            return Recipient(person.full_name, person.email)
    return None


def _money(amount):
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def mail_context(invoice, recipient, office, *, certificate=None):
    """The plain values the texts read (never a model instance)."""
    context = {
        "nom": recipient.name,
        "nature": str(invoice.get_kind_display()).lower(),
        "numero": invoice.number,
        "est_un_avoir": invoice.is_credit_note,
        "facture_corrigee": invoice.corrects.number if invoice.corrects_id else "",
        "eleve": invoice.dossier.student.user.get_full_name(),
        "periode": _("du %(start)s au %(end)s") % {
            "start": long_date(invoice.service_start), "end": long_date(invoice.service_end)},
        "montant": _money(invoice.amount_ttc),
        "echeance": long_date(invoice.due_date) if invoice.due_date else "",
        "email_service": office["email"],
        "ecole": office["school_name"],
    }
    if invoice.addressee == Invoice.Addressee.OPCO:
        company = invoice.dossier.company
        context.update({
            "entreprise": company.name if company else "",
            "reference_opco": invoice.order_reference,
            "certificat_joint": certificate is not None,
        })
    return context


def invoice_send(invoice_id):
    """Mail one issued invoice with its file (and, to the OPCO, the period's
    certificate); returns the address, or None when it was already sent,
    has no file yet or nobody to mail."""
    invoice = Invoice.objects.select_related(
        "dossier__student__user", "dossier__hr_contact", "dossier__signataire", "dossier__company", "year", "corrects"
    ).get(pk=invoice_id)
    recipient = billing_contact(invoice)
    if recipient is None or not invoice.file or invoice.number is None:
        return None
    with transaction.atomic():
        claimed = Invoice.objects.filter(pk=invoice_id, sent_at__isnull=True).update(sent_at=timezone.now())
        if not claimed:
            return None  # already sent by another delivery
        office = office_contact(invoice.year.start_year)
        opco = invoice.addressee == Invoice.Addressee.OPCO
        certificate = period_certificate(invoice) if opco else None
        with invoice.file.open("rb") as handle:
            attachments = [(f"{invoice.get_kind_display().lower()}-{invoice.number}.pdf", handle.read(), "application/pdf")]
        if certificate is not None:
            with certificate.file.open("rb") as handle:
                attachments.append((certificate.original_name or f"certificat-{invoice.period}.pdf", handle.read(),
                                    certificate.content_type or "application/pdf"))
        message = mail_message(
            OPCO_KEY if opco else INVOICE_KEY, mail_context(invoice, recipient, office, certificate=certificate),
            to=[recipient.email], reply_to=[office["email"]], attachments=attachments,
        )
        message.cc = [office["email"]]
        # A mail is not idempotent: sent last, after the claim; a failure
        # rolls the claim back so that « Envoyer » tries again.
        message.send()
        event_record(
            dossier=invoice.dossier, actor=invoice.issued_by, verb="conventions.invoice.sent",
            summary=_("%(kind)s %(n)s envoyée par e-mail à %(to)s.") % {
                "kind": invoice.get_kind_display(), "n": invoice.number, "to": recipient.email},
        )
    return recipient.email
