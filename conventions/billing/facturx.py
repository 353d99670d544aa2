"""Factur-X (BILL-6): each issued invoice and credit note as a PDF/A-3
carrying its Cross Industry Invoice XML (UN/CEFACT CII D16B, profile
EN 16931), the XML written here with lxml and embedded by the ``factur-x``
library, which checks it against the profile's schema first.

The VAT exemption (DOMAIN §7) is category code E with its reason text
(BT-120) and the code VATEX-EU-132-1I (BT-121): vocational training by a
body governed by public law, art. 132-1-i of directive 2006/112/EC, which
CGI 261-4-4° a transposes.
"""

from decimal import Decimal

from lxml import etree

from .terms import VAT_EXEMPTION, VAT_EXEMPTION_CODE

LEVEL = "en16931"
GUIDELINE = "urn:cen.eu:en16931:2017"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
INVOICE, CREDIT_NOTE = "380", "381"  # UNTDID 1001


def _el(parent, tag, text=None, **attrs):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", {k: v for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def _date(parent, tag, day, kind="udt"):
    holder = _el(parent, tag)
    _el(holder, f"{kind}:DateTimeString", day.strftime("%Y%m%d"), format="102")
    return holder


def _amount(value):
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _siren(siret):
    return (siret or "").replace(" ", "")[:9]


def _address(party, lines, *, postcode="", city=""):
    address = _el(party, "ram:PostalTradeAddress")
    if postcode:
        _el(address, "ram:PostcodeCode", postcode)
    lines = [line for line in lines if line]
    if lines:
        _el(address, "ram:LineOne", lines[0])
    if len(lines) > 1:
        _el(address, "ram:LineTwo", lines[1])
    if len(lines) > 2:
        _el(address, "ram:LineThree", " ".join(lines[2:]))
    if city:
        _el(address, "ram:CityName", city)
    _el(address, "ram:CountryID", "FR")


def _split_city(lines):
    """« 30319 Alès Cedex » → ("30319", "Alès Cedex") from the last line that
    starts with a French postcode; the other lines stay street lines."""
    for i in range(len(lines) - 1, -1, -1):
        head, _sep, tail = lines[i].partition(" ")
        if len(head) == 5 and head.isdigit():
            return lines[:i] + lines[i + 1:], head, tail
    return lines, "", ""


def _party(parent, tag, *, name, siret, lines, vat_id=""):
    party = _el(parent, tag)
    _el(party, "ram:Name", name)
    if siret:
        legal = _el(party, "ram:SpecifiedLegalOrganization")
        _el(legal, "ram:ID", _siren(siret), schemeID="0002")  # 0002: SIRENE (ISO 6523)
    street, postcode, city = _split_city(list(lines))
    _address(party, street, postcode=postcode, city=city)
    if vat_id:
        # BT-31, the seller's VAT identifier: with exempt lines (category E)
        # EN 16931 BR-E-02 asks for it (or a tax registration identifier).
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", vat_id, schemeID="VA")
    return party


def invoice_xml(invoice, school, terms):
    """The CII XML of an issued invoice or credit note (BILL-6), as bytes;
    ``terms``: ``services.payment_terms(invoice)``."""
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", invoice.number)
    _el(document, "ram:TypeCode", CREDIT_NOTE if invoice.is_credit_note else INVOICE)
    _date(document, "ram:IssueDateTime", invoice.issue_date)
    notes = [("AAI", VAT_EXEMPTION), ("PMD", terms["penalties"]), ("PMT", terms["indemnity"]), ("AAB", terms["discount"])]
    if invoice.is_credit_note and invoice.reason:
        notes.insert(0, ("ACD", invoice.reason))  # UNTDID 4451 ACD: reason
    for code, text in notes:
        note = _el(document, "ram:IncludedNote")
        _el(note, "ram:Content", text)
        _el(note, "ram:SubjectCode", code)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", "1")
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", invoice.description)
    price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _el(price, "ram:ChargeAmount", _amount(invoice.amount_ht))
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", "1", unitCode="C62")
    line_settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    line_tax = _el(line_settlement, "ram:ApplicableTradeTax")
    _el(line_tax, "ram:TypeCode", "VAT")
    _el(line_tax, "ram:CategoryCode", "E")
    _el(line_tax, "ram:RateApplicablePercent", "0")
    line_period = _el(line_settlement, "ram:BillingSpecifiedPeriod")
    _date(line_period, "ram:StartDateTime", invoice.service_start)
    _date(line_period, "ram:EndDateTime", invoice.service_end)
    _el(_el(line_settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
        _amount(invoice.amount_ht))

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if invoice.order_reference:
        _el(agreement, "ram:BuyerReference", invoice.order_reference)
    _party(agreement, "ram:SellerTradeParty", name=school.legal_name or school.name, siret=school.siret,
           lines=school.address_lines(), vat_id=school.vat_id)
    _party(agreement, "ram:BuyerTradeParty", name=invoice.client_name, siret=invoice.client_siret,
           lines=[line.strip() for line in invoice.client_address.splitlines() if line.strip()])

    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", invoice.service_end)

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:CalculatedAmount", _amount(invoice.vat_amount))
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:ExemptionReason", VAT_EXEMPTION)
    _el(tax, "ram:BasisAmount", _amount(invoice.amount_ht))
    _el(tax, "ram:CategoryCode", "E")
    _el(tax, "ram:ExemptionReasonCode", VAT_EXEMPTION_CODE)
    _el(tax, "ram:RateApplicablePercent", "0")
    period = _el(settlement, "ram:BillingSpecifiedPeriod")
    _date(period, "ram:StartDateTime", invoice.service_start)
    _date(period, "ram:EndDateTime", invoice.service_end)
    payment = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _el(payment, "ram:Description", terms["due"])
    if not invoice.is_credit_note:
        _date(payment, "ram:DueDateDateTime", invoice.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(invoice.amount_ht))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(invoice.amount_ht))
    _el(totals, "ram:TaxTotalAmount", _amount(invoice.vat_amount), currencyID="EUR")
    _el(totals, "ram:GrandTotalAmount", _amount(invoice.amount_ttc))
    _el(totals, "ram:DuePayableAmount", _amount(invoice.amount_ttc))
    if invoice.is_credit_note:
        corrected = _el(settlement, "ram:InvoiceReferencedDocument")  # BT-25, BT-26
        _el(corrected, "ram:IssuerAssignedID", invoice.corrects.number)
        _date(corrected, "ram:FormattedIssueDateTime", invoice.corrects.issue_date, kind="qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def facturx_pdf(pdf, xml, *, title, author):
    """BILL-6: the PDF/A-3 file with ``xml`` embedded as factur-x.xml; the
    library checks the XML against the EN 16931 schema and refuses it
    otherwise."""
    from facturx import generate_from_binary

    return generate_from_binary(
        pdf, xml, flavor="factur-x", level=LEVEL, check_xsd=True, lang="fr-FR",
        pdf_metadata={"author": author, "title": title, "subject": title, "keywords": "Factur-X, facture"},
    )
