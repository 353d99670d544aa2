"""BILL-2, BILL-3, BILL-5: what each period bills, and to whom."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conventions.billing import services
from conventions.billing.models import BillingAgreement, Invoice

S9, BALANCE = Invoice.Period.S9, Invoice.Period.BALANCE


@pytest.mark.parametrize("cost", ["8000", "7999.99", "1000.01", "0.03", "0.01", "0", "12345.67", "99999.99"])
def test_bill_2_the_two_invoices_sum_exactly_to_the_year_cost(dossier, office, no_files, cost):
    """BILL-2: the S9 invoice and the balance, drafted from the year's cost
    through the one schedule, are to the cent and sum exactly to the cost."""
    dossier.year.training_cost = Decimal(cost)
    dossier.year.save(update_fields=["training_cost"])
    first = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    balance = services.invoice_prepare(dossier=dossier, period=BALANCE, by=office)
    amounts = [i.amount_ttc for i in first + balance]
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)
    assert sum(amounts) == Decimal(cost)
    assert first[0].amount_ttc == services.billing_schedule(Decimal(cost))[0]


def test_bill_2_the_s9_invoice_states_its_period_and_hours(dossier, office, no_files):
    """BILL-2: the S9 invoice bills 270 of 480 hours (4 500 € of 8 000 €),
    from the contract's start to the end of S9; the balance the rest."""
    (first,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    (balance,) = services.invoice_prepare(dossier=dossier, period=BALANCE, by=office)
    assert (first.amount_ttc, first.hours, first.service_start, first.service_end) == (
        Decimal("4500.00"), 270, dossier.start_date, dossier.year.s9_end)
    assert (balance.amount_ttc, balance.hours, balance.service_start) == (
        Decimal("3500.00"), 210, dossier.year.s10_start)
    assert first.vat_amount == Decimal("0") and first.amount_ht == first.amount_ttc


def test_bill_3_the_company_invoice_names_its_funding_opco(dossier, office, no_files):
    """BILL-3: addressed to the company, its OPCO named when it is funded."""
    (invoice,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    assert (invoice.addressee, invoice.client_name, invoice.client_siret, invoice.opco_named) == (
        Invoice.Addressee.COMPANY, dossier.company.name, dossier.company.siret, "Atlas")
    services.agreement_save(dossier=dossier, by=office, funded=False)
    (invoice,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    assert invoice.opco_named == ""


def test_bill_5_subrogation_splits_each_period_between_opco_and_company(dossier, office, no_files):
    """BILL-5: under subrogation, the OPCO's invoice is its rate × the
    period's hours (9,15 € × 270 h = 2 470,50 €), the company's the rest;
    each gets its own number and both sum to the period's amount."""
    services.agreement_save(
        dossier=dossier, by=office, subrogation=True, opco_name="OPCO Atlas", opco_siret="85128870000016",
        opco_address="25 quai Panhard et Levassor\n75013 Paris", hourly_rate=Decimal("9.15"),
    )
    drafts = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    by_addressee = {i.addressee: i for i in drafts}
    assert by_addressee[Invoice.Addressee.OPCO].amount_ttc == Decimal("2470.50")
    assert by_addressee[Invoice.Addressee.OPCO].client_name == "OPCO Atlas"
    assert by_addressee[Invoice.Addressee.COMPANY].amount_ttc == Decimal("2029.50")
    assert sum(i.amount_ttc for i in drafts) == Decimal("4500.00")
    numbers = {services.invoice_issue(invoice=i, by=office, today=datetime.date(2027, 1, 4)).number for i in drafts}
    assert len(numbers) == 2


def test_bill_5_the_opco_share_is_capped_at_the_period_amount(dossier, office, no_files):
    """BILL-5: a rate above the cost gives the OPCO the whole period and
    the company no invoice at all (no invoice of 0 €)."""
    services.agreement_save(dossier=dossier, by=office, subrogation=True, opco_name="Atlas", hourly_rate=Decimal("40"))
    drafts = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    assert [(i.addressee, i.amount_ttc) for i in drafts] == [(Invoice.Addressee.OPCO, Decimal("4500.00"))]


def test_bill_5_a_fixed_amount_is_split_as_the_cost_is(dossier, office, no_files):
    """BILL-5: a fixed funded amount for the year (7 000,01 €) is split
    between the periods in proportion of hours, the two shares summing to it."""
    services.agreement_save(dossier=dossier, by=office, subrogation=True, opco_name="Atlas", fixed_amount=Decimal("7000.01"))
    opco = [i for p in (S9, BALANCE) for i in services.invoice_prepare(dossier=dossier, period=p, by=office)
            if i.addressee == Invoice.Addressee.OPCO]
    assert [i.amount_ttc for i in opco] == [Decimal("3937.51"), Decimal("3062.50")]


def test_bill_5_subrogation_needs_a_rate_or_an_amount(dossier, office):
    """BILL-5: a subrogation without the OPCO's amount is refused in French."""
    with pytest.raises(ValidationError, match="soit un taux horaire, soit un montant forfaitaire"):
        services.agreement_save(dossier=dossier, by=office, subrogation=True, opco_name="Atlas")
    assert not BillingAgreement.objects.exists()


def test_bill_2_only_the_office_drafts_invoices(dossier):
    """BILL-2: nobody but the office drafts an invoice."""
    with pytest.raises(PermissionDenied):
        services.invoice_prepare(dossier=dossier, period=S9, by=dossier.student.user)
