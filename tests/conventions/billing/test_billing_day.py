"""BILL-2: no invoice before its period's billing day (``billing_dates``):
the S9 invoice from 1 January, the balance from the end of the training.
The services, the invoice's page, the bulk issue and the demo all refuse
it, in French, with the date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contratpro.demo import DemoContext
from conventions.billing import services
from conventions.billing.demo import build_billing
from conventions.billing.models import Invoice, InvoiceBatch, InvoiceCounter, Payment
from tests import factories

S9, BALANCE = Invoice.Period.S9, Invoice.Period.BALANCE


def test_bill_2_an_invoice_is_not_issued_before_its_billing_day(dossier, office, no_files):
    """BILL-2: the S9 invoice is refused on 31 December and issued on
    1 January; the balance waits for the end of the training. A refusal
    takes no number."""
    (s9,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    with pytest.raises(ValidationError, match="La facture du S9 s'émet à partir du 1er janvier 2027."):
        services.invoice_issue(invoice=s9, by=office, today=datetime.date(2026, 12, 31))
    assert not InvoiceCounter.objects.exists()
    s9.refresh_from_db()
    assert s9.number is None
    assert services.invoice_issue(invoice=s9, by=office, today=datetime.date(2027, 1, 1)).number == "2027-0001"
    (balance,) = services.invoice_prepare(dossier=dossier, period=BALANCE, by=office)
    end = dossier.end_date
    with pytest.raises(ValidationError, match="La facture du solde s'émet à partir du 31 août 2027."):
        services.invoice_issue(invoice=balance, by=office, today=end - datetime.timedelta(days=1))
    assert services.invoice_issue(invoice=balance, by=office, today=end).issue_date == end


def test_bill_2_the_clock_dates_an_issue_without_an_explicit_day(dossier, office, no_files, clock_on):
    """BILL-2: without ``today`` the service reads billing's clock: before
    the billing day it refuses, on it it dates the invoice that day."""
    (s9,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    clock_on(datetime.date(2026, 12, 2))
    with pytest.raises(ValidationError, match="à partir du 1er janvier 2027"):
        services.invoice_issue(invoice=s9, by=office)
    clock_on(datetime.date(2027, 1, 4))
    assert services.invoice_issue(invoice=s9, by=office).issue_date == datetime.date(2027, 1, 4)


def test_bill_2_the_invoice_page_disables_issue_until_the_billing_day(dossier, office, login, no_files, clock_on):
    """BILL-2: before the billing day the draft's two « Émettre » buttons
    are disabled and say from when; a POST anyway is refused with the date
    and issues nothing. On the day they are enabled."""
    (draft,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    client = login(office)
    url = reverse("conventions:invoice-detail", args=[draft.pk])
    clock_on(datetime.date(2026, 12, 2))
    page = client.get(url).content.decode()
    assert page.count('disabled aria-describedby="issue-refusal"') == 2
    assert "La facture du S9 s&#x27;émet à partir du 1er janvier 2027." in page
    response = client.post(reverse("conventions:invoice-issue", args=[draft.pk]), follow=True)
    assert "La facture du S9 s&#x27;émet à partir du 1er janvier 2027." in response.content.decode()
    draft.refresh_from_db()
    assert draft.number is None
    clock_on(datetime.date(2027, 1, 4))
    page = client.get(url).content.decode()
    assert "disabled" not in page.split("card-footer")[1].split("</div>")[0] and "issue-refusal" not in page


def test_bill_2_the_bulk_issue_waits_for_the_billing_day(year, office, login, clock_on,
                                                        django_capture_on_commit_callbacks):
    """BILL-2: before any period's billing day the batch's « Émettre » is
    disabled with both dates; a POST anyway is refused with the S9's date
    and makes no batch; on the day the batch issues."""
    factories.DossierFactory(student__year=year)
    client = login(office)
    clock_on(datetime.date(2026, 12, 2))
    page = client.get(reverse("conventions:billing-list")).content.decode()
    assert 'disabled aria-describedby="batch-refusal"' in page
    assert "La facture du S9 s&#x27;émet à partir du 1er janvier 2027." in page
    assert "La facture du solde s&#x27;émet à partir du 31 août 2027." in page
    response = client.post(reverse("conventions:billing-batch-create"), {"year": year.pk, "period": S9}, follow=True)
    assert "La facture du S9 s&#x27;émet à partir du 1er janvier 2027." in response.content.decode()
    assert not InvoiceBatch.objects.exists()
    clock_on(datetime.date(2027, 1, 4))
    assert "batch-refusal" not in client.get(reverse("conventions:billing-list")).content.decode()
    refused = client.post(reverse("conventions:billing-batch-create"), {"year": year.pk, "period": BALANCE}, follow=True)
    assert "La facture du solde s&#x27;émet à partir du 31 août 2027." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conventions:billing-batch-create"), {"year": year.pk, "period": S9, "send": ""})
    assert Invoice.objects.get(number__isnull=False).issue_date == datetime.date(2027, 1, 4)


def test_bill_2_the_demo_prepares_s9_drafts_before_the_billing_day(year, office, clock_on):
    """BILL-2: the demo's story stands in November: before 4 January 2027
    (the first working day from the S9's billing day) it prepares the S9
    drafts and issues nothing (no invoice dated in the future); once the
    clock is past, a run issues them dated 4 January, a payment and a
    credit note dated on or before the clock's day."""
    for username in ("eleve", "eleve02", "eleve03"):
        factories.DossierFactory(student__year=year, student__user__username=username)
    clock_on(datetime.date(2026, 12, 2))
    context = DemoContext(year=year, users={"bureau": office})
    build_billing(context)
    assert Invoice.objects.filter(number__isnull=True).count() == 4 and not Invoice.objects.filter(number__isnull=False)
    assert "à émettre à partir du 4 janvier 2027" in " ".join(context.summary["demarche"])
    build_billing(again := DemoContext(year=year, users={"bureau": office}))
    assert again.tally["created"] == 0 and Invoice.objects.count() == 4
    clock_on(datetime.date(2027, 1, 6))
    build_billing(DemoContext(year=year, users={"bureau": office}))
    issued = Invoice.objects.filter(kind=Invoice.Kind.INVOICE, number__isnull=False)
    assert set(issued.values_list("issue_date", flat=True)) == {datetime.date(2027, 1, 4)} and issued.count() == 4
    assert Payment.objects.get().received_on == datetime.date(2027, 1, 6)
    assert Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE).issue_date == datetime.date(2027, 1, 6)
