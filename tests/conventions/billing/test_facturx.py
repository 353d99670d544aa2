"""BILL-6, DOC-11: the invoice and the credit note as Factur-X files —
PDF/A-3 with their CII XML, valid against the EN 16931 schema, carrying
the VAT exemption's code and reason — with every legal mention (DOMAIN §7)."""

import datetime
import io
from decimal import Decimal

import pikepdf
import pytest
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from conventions.billing import pdf, services, terms
from conventions.billing.facturx import NS
from conventions.billing.models import Invoice

S9 = Invoice.Period.S9


@pytest.fixture
def issued(dossier, office, no_files):
    (invoice,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    return services.invoice_issue(invoice=invoice, by=office, today=datetime.date(2027, 1, 5))


@pytest.fixture
def credit_note(issued, office):
    return services.credit_note_issue(
        invoice=issued, amount=Decimal("1000.01"), reason="Heures du S9 non réalisées", by=office,
        today=datetime.date(2027, 1, 20),
    )


def _xml(content):
    _name, xml = get_facturx_xml_from_pdf(io.BytesIO(content), check_xsd=False)
    return xml


def _text(xml, path):
    return etree.fromstring(xml).xpath(path, namespaces=NS)


def test_bill_6_an_invoice_is_a_factur_x_pdf_a_3_whose_xml_passes_the_schema(issued):
    """BILL-6: the file is a PDF/A-3 (its XMP says pdfaid:part 3) holding
    factur-x.xml, which the library's checker validates against EN 16931."""
    content = pdf.invoice_facturx(issued)
    xml = _xml(content)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    with pikepdf.open(io.BytesIO(content)) as document:
        meta = document.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert "factur-x.xml" in document.attachments
    assert _text(xml, "//rsm:ExchangedDocument/ram:ID/text()") == ["2027-0001"]
    assert _text(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["380"]
    assert _text(xml, "//ram:DuePayableAmount/text()") == ["4500.00"]


def test_bill_6_the_xml_carries_the_vat_exemption_code_and_reason(issued):
    """BILL-6, BILL-3: category E, the reason with its article and the
    VATEX code, on the header's tax and 0 € of VAT."""
    xml = _xml(pdf.invoice_facturx(issued))
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
    assert _text(xml, f"{tax}/ram:CategoryCode/text()") == ["E"]
    assert _text(xml, f"{tax}/ram:ExemptionReasonCode/text()") == ["VATEX-EU-132-1I"]
    assert _text(xml, f"{tax}/ram:ExemptionReason/text()") == ["Exonération de TVA — article 261-4-4° a du CGI"]
    assert _text(xml, f"{tax}/ram:CalculatedAmount/text()") == ["0.00"]
    # Both parties by their SIREN (scheme 0002).
    sirens = _text(xml, "//ram:SpecifiedLegalOrganization/ram:ID/text()")
    assert sirens[1] == issued.client_siret[:9] and len(sirens[0]) == 9


def test_bill_6_a_credit_note_is_type_381_and_refers_to_its_invoice(credit_note):
    """BILL-6, BILL-4: the credit note's XML (type 381) names the invoice it
    corrects, and passes the schema too."""
    content = pdf.invoice_facturx(credit_note)
    xml = _xml(content)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert _text(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert _text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == ["2027-0001"]
    assert _text(xml, "//ram:GrandTotalAmount/text()") == ["1000.01"]


def test_bill_6_the_schema_check_refuses_a_broken_xml(issued):
    """BILL-6: the library's checker is no rubber stamp: an XML without its
    document number fails it."""
    from conventions.billing import facturx

    xml = etree.fromstring(facturx.invoice_xml(issued, pdf.invoice_context(issued)["school"], terms.payment_terms(issued)))
    node = xml.find(".//{%s}ExchangedDocument/{%s}ID" % (NS["rsm"], NS["ram"]))
    node.getparent().remove(node)
    with pytest.raises(Exception):
        xml_check_xsd(etree.tostring(xml), flavor="factur-x", level="en16931")


def _page_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\u00a0", " ")


def test_bill_3_doc_11_the_invoice_prints_every_legal_mention(issued):
    """DOMAIN §7, DOC-11: both SIRETs, the number and dates, the service and
    its period, the VAT exemption with its article, the due date, the
    penalty rate, the 40 € indemnity, no discount; the school from its record."""
    from contratpro.school.services import school_for_year

    school = school_for_year(issued.year.start_year)
    text = " ".join(_page_text(pdf.invoice_pdf(issued)[0]).split())
    for mention in (
        "Facture 2027-0001", school.siret, issued.client_siret, issued.client_name, "SIREN",
        "Exonération de TVA — article 261-4-4° a du CGI", "4 février 2027",
        "1er septembre 2026", "31 décembre 2026", "270 heures de formation", "4 500,00 €",
        "Banque centrale européenne majoré de 10 points", "40 €", "Pas d'escompte", "Atlas",
        school.nda,
    ):
        assert mention in text, mention


def test_bill_5_the_opco_invoice_says_the_certificate_is_to_join(dossier, office, no_files):
    """BILL-5: the OPCO's invoice goes with the period's certificat de
    réalisation: « à joindre » until it is issued, then referred to."""
    from conventions.documents.models import DocumentKind
    from conventions.documents.pdf import document_attach
    from tests import factories

    services.agreement_save(dossier=dossier, by=office, subrogation=True, opco_name="Atlas", hourly_rate=Decimal("9.15"))
    opco = next(i for i in services.invoice_prepare(dossier=dossier, period=S9, by=office)
                if i.addressee == Invoice.Addressee.OPCO)
    opco = services.invoice_issue(invoice=opco, by=office, today=datetime.date(2027, 1, 5))
    assert "Certificat de réalisation de la période : à joindre." in _page_text(pdf.invoice_pdf(opco)[0])
    document_attach(dossier=dossier, kind=DocumentKind.CERTIFICAT, content=factories.tiny_pdf(),
                    name="certificat-s9-v1-x.pdf", generated=True)
    assert "Certificat de réalisation de la période joint" in _page_text(pdf.invoice_pdf(opco)[0])


def test_bill_6_the_file_is_attached_once_with_its_sha256(issued):
    """BILL-6: the task's body attaches the file with its SHA-256, and a
    second run leaves it as it is."""
    import hashlib

    from conventions.billing.pdf import invoice_file_build

    assert invoice_file_build(issued.pk) is True
    issued.refresh_from_db()
    name, digest = issued.file.name, issued.sha256
    with issued.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == digest
    assert invoice_file_build(issued.pk) is True
    issued.refresh_from_db()
    assert (issued.file.name, issued.sha256) == (name, digest)


def test_bill_6_doc_11_the_school_vat_number_is_the_seller_vat_identifier(issued, credit_note, school_identity_complete):
    """BILL-6, DOC-11 (EN 16931 BR-E-02): the school's VAT number from its
    record is printed on the invoice and carried by the XML of the invoice
    and of the credit note as the seller's VAT identifier (scheme VA), the
    XML still valid against the schema; without it no file is built."""
    school_identity_complete.vat_number = "FR02 193 000 056"
    school_identity_complete.save()
    seller = "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
    for invoice in (issued, credit_note):
        content = pdf.invoice_facturx(invoice)
        xml = _xml(content)
        assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
        assert _text(xml, f"{seller}/text()") == ["FR02193000056"]
        assert _text(xml, f"{seller}/@schemeID") == ["VA"]
        assert not _text(xml, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration")
    assert "N° de TVA intracommunautaire : FR02 193 000 056" in " ".join(_page_text(pdf.invoice_pdf(issued)[0]).split())
    school_identity_complete.vat_number = ""
    school_identity_complete.save()
    with pytest.raises(ValueError, match="le numéro de TVA intracommunautaire de l'école"):
        pdf.invoice_pdf(issued)
