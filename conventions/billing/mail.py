"""The invoice mailed to the company's billing contact with its Factur-X
file (BILL-2, NOTIF-2). Sent once: the invoice's ``sent_at`` is claimed by a conditional
UPDATE before the mail goes."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro.school.services import office_contact
from students.history import event_record

from .models import Invoice


def billing_contact(invoice):
    """Who receives a company's invoice: its HR contact, else the signatory.
    An OPCO's invoice has no address in the portal: the office sends it
    through the OPCO's own platform (none returned)."""
    if invoice.addressee == Invoice.Addressee.OPCO:
        return None
    dossier = invoice.dossier
    for person in (dossier.hr_contact, dossier.signataire):
        if person is not None and person.email and person.email_confirmed:
            return person
    return None


def invoice_send(invoice_id):
    """Mail one issued invoice with its file; returns the address, or None
    when it was already sent, has no file yet or no billing contact."""
    invoice = Invoice.objects.select_related(
        "dossier__student__user", "dossier__hr_contact", "dossier__signataire", "dossier__company", "year", "corrects"
    ).get(pk=invoice_id)
    contact = billing_contact(invoice)
    if contact is None or not invoice.file or invoice.number is None:
        return None
    with transaction.atomic():
        claimed = Invoice.objects.filter(pk=invoice_id, sent_at__isnull=True).update(sent_at=timezone.now())
        if not claimed:
            return None  # already sent by another delivery
        office = office_contact(invoice.year.start_year)
        context = {"invoice": invoice, "contact": contact, "office": office,
                   "student": invoice.dossier.student.user.get_full_name()}
        message = EmailMessage(
            subject=_("%(kind)s %(n)s – formation de %(name)s") % {
                "kind": invoice.get_kind_display(), "n": invoice.number, "name": context["student"]},
            body=render_to_string("conventions/billing/email_invoice.txt", context),
            to=[contact.email], cc=[office["email"]],
        )
        with invoice.file.open("rb") as handle:
            message.attach(f"{invoice.get_kind_display().lower()}-{invoice.number}.pdf", handle.read(), "application/pdf")
        # A mail is not idempotent: sent last, after the claim; a failure
        # rolls the claim back so that « Envoyer » tries again.
        message.send()
        event_record(
            dossier=invoice.dossier, actor=invoice.issued_by, verb="conventions.invoice.sent",
            summary=_("%(kind)s %(n)s envoyée par e-mail à %(to)s.") % {
                "kind": invoice.get_kind_display(), "n": invoice.number, "to": contact.email},
        )
    return contact.email

