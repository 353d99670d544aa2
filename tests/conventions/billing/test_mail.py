"""BILL-2, BILL-5: the invoices' mails — the company's to its billing
contact, the OPCO's (subrogation) to the OPCO's address of the funding
agreement with the period's certificat de réalisation, or saying it will
follow — through the registered texts « billing.invoice » and
« billing.opco_invoice »."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions.billing import services
from conventions.billing.mail import INVOICE_KEY, OPCO_KEY, invoice_send
from conventions.billing.models import BillingAgreement, Invoice
from conventions.billing.pdf import invoice_file_build
from conventions.mailtexts.registry import is_registered
from tests import factories

S9 = Invoice.Period.S9
ON = datetime.date(2027, 1, 5)


def _subrogation(dossier, office, **values):
    values = {"subrogation": True, "opco_name": "OPCO Atlas", "hourly_rate": Decimal("9.15"),
              "opco_email": "factures@atlas.example", "opco_reference": "PEC-42", **values}
    return services.agreement_save(dossier=dossier, by=office, **values)


def _issued_opco(dossier, office):
    opco = next(i for i in services.invoice_prepare(dossier=dossier, period=S9, by=office)
                if i.addressee == Invoice.Addressee.OPCO)
    opco = services.invoice_issue(invoice=opco, by=office, today=ON)
    assert invoice_file_build(opco.pk) is True
    return opco


def test_bill_5_the_opco_email_is_validated_and_shown(dossier, office, login):
    """BILL-5: the agreement's OPCO address is a valid e-mail address, and
    the dossier's billing page says where the OPCO's invoices go."""
    with pytest.raises(ValidationError, match="adresse de courriel valide"):
        _subrogation(dossier, office, opco_email="factures-atlas")
    assert not BillingAgreement.objects.exists()
    client = login(office)
    url = reverse("conventions:dossier-billing", args=[dossier.pk])
    refused = client.post(url, {"funded": "on", "subrogation": "on", "opco_name": "Atlas", "hourly_rate": "9.15",
                                "opco_email": "pas une adresse"})
    assert refused.status_code == 400 and "adresse de courriel valide" in refused.content.decode()
    assert client.post(url, {"funded": "on", "subrogation": "on", "opco_name": "Atlas", "hourly_rate": "9.15",
                             "opco_email": "factures@atlas.example"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Les factures de l'OPCO lui sont envoyées à" in page and "mailto:factures@atlas.example" in page


def test_bill_5_the_opco_invoice_is_mailed_with_the_period_certificate(dossier, office, mailoutbox):
    """BILL-5: the OPCO's invoice goes to the agreement's address with its
    Factur-X file and the period's certificat de réalisation, the office in
    copy; the text is « billing.opco_invoice »; sent once."""
    from conventions.documents.models import DocumentKind
    from conventions.documents.pdf import document_attach

    _subrogation(dossier, office)
    document_attach(dossier=dossier, kind=DocumentKind.CERTIFICAT, content=factories.tiny_pdf(),
                    name="certificat-s9-v1-x.pdf", generated=True)
    opco = _issued_opco(dossier, office)
    assert invoice_send(opco.pk) == "factures@atlas.example"
    (mail,) = mailoutbox
    assert mail.to == ["factures@atlas.example"] and mail.cc
    assert mail.subject == f"Facture {opco.number} – subrogation de paiement, formation de " \
        f"{dossier.student.user.get_full_name()} (PEC-42)"
    assert [name for name, _content, _type in mail.attachments] == [f"facture-{opco.number}.pdf", "certificat-s9-v1-x.pdf"]
    assert "Le certificat de réalisation de la période est joint à ce message." in mail.body
    assert "2\u202f470,50\u00a0€" in mail.body and "Votre dossier de prise en charge : PEC-42." in mail.body
    assert mail.alternatives and "text/html" in mail.alternatives[0][1]
    assert invoice_send(opco.pk) is None and len(mailoutbox) == 1


def test_bill_5_without_certificate_the_opco_mail_says_it_will_follow(dossier, office, mailoutbox):
    """BILL-5: no certificate issued yet: the invoice goes alone and the
    mail says the certificate will follow."""
    _subrogation(dossier, office)
    opco = _issued_opco(dossier, office)
    invoice_send(opco.pk)
    (mail,) = mailoutbox
    assert len(mail.attachments) == 1
    assert "Le certificat de réalisation de la période suivra dès qu'il sera établi." in mail.body


def test_bill_5_an_opco_without_address_gets_no_mail(dossier, office, mailoutbox):
    """BILL-5: an agreement with no OPCO address: nothing mailed, the
    invoice stays unsent for the office to send otherwise."""
    _subrogation(dossier, office, opco_email="")
    opco = _issued_opco(dossier, office)
    assert invoice_send(opco.pk) is None and not mailoutbox
    opco.refresh_from_db()
    assert opco.sent_at is None


def test_bill_2_the_company_invoice_mail_is_the_registered_text(dossier, office, mailoutbox):
    """BILL-2: the company's invoice goes to its HR contact through the
    registered « billing.invoice » text, with its file."""
    from conventions.companies.models import CompanyContact

    assert is_registered(INVOICE_KEY) and is_registered(OPCO_KEY)
    contact = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.HR)
    dossier.hr_contact = contact
    dossier.save(update_fields=["hr_contact"])
    (draft,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    invoice = services.invoice_issue(invoice=draft, by=office, today=ON)
    invoice_file_build(invoice.pk)
    assert invoice_send(invoice.pk) == contact.email
    (mail,) = mailoutbox
    assert mail.subject == f"Facture {invoice.number} – formation de {dossier.student.user.get_full_name()}"
    assert f"Bonjour {contact.full_name}," in mail.body and "payable au plus tard le 4 février 2027" in mail.body


def test_bill_2_bill_5_the_default_texts_use_only_their_variables():
    """BILL-2, BILL-5: the shipped texts pass the check an edited text
    passes (their tags, filters and variables)."""
    from conventions.mailtexts.registry import check_source, default_source, text_of

    for key in (INVOICE_KEY, OPCO_KEY):
        for source in default_source(key):
            check_source(source, text_of(key).variables)
    with pytest.raises(ValidationError, match="n'existe pas pour ce mail"):
        check_source("{{ entreprise }}", text_of(INVOICE_KEY).variables)
