"""The office's billing pages (BILL-1…6): the list, an invoice, a dossier's
billing, bulk issue, the accounting export; the panel and the deadlines."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conventions.billing import services
from conventions.billing.deadlines import billing_deadlines
from conventions.billing.models import Invoice, InvoiceBatch
from tests import factories

S9 = Invoice.Period.S9


def _issued(dossier, office, today=datetime.date(2027, 1, 5)):
    (draft,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    return services.invoice_issue(invoice=draft, by=office, today=today)


def test_bill_2_the_list_query_count_does_not_grow_with_rows(year, office, login, django_assert_max_num_queries):
    """BILL-2: the office's list of invoices reads a page in a fixed number
    of queries, 2 invoices or 20 (totals as subqueries)."""
    client = login(office)
    for _ in range(2):
        _issued(factories.DossierFactory(student__year=year), office)
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("conventions:billing-list")).status_code == 200
    for _ in range(18):
        _issued(factories.DossierFactory(student__year=year), office)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("conventions:billing-list"))
    assert response.content.decode().count("Facture 2027-00") == 20


def test_bill_2_overdue_invoices_are_marked_and_filtered(dossier, office, login):
    """BILL-2: an issued invoice past its due date, unpaid, reads « En
    retard » and is kept by the overdue filter; a paid one is not."""
    late = _issued(dossier, office, today=datetime.date(2027, 1, 4))  # due 3 February, the clock on 1 March
    page = login(office).get(reverse("conventions:billing-list"), {"overdue": "on", "year": dossier.year.pk})
    assert "En retard" in page.content.decode() and late.number in page.content.decode()
    services.payment_record(invoice=late, amount=late.amount_ttc, received_on=datetime.date(2027, 2, 10), by=office)
    page = login(office).get(reverse("conventions:billing-list"), {"overdue": "on", "year": dossier.year.pk})
    assert late.number not in page.content.decode()


def test_bill_4_the_invoice_page_issues_records_payments_and_credits(dossier, office, login, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    """BILL-4, BILL-6: from the page, the draft is issued (its Factur-X file
    built, mailed to the company's contact), a payment recorded, a credit
    note issued; the file downloads."""
    from conventions.companies.models import CompanyContact

    contact = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.HR)
    dossier.hr_contact = contact
    dossier.save(update_fields=["hr_contact"])
    (draft,) = services.invoice_prepare(dossier=dossier, period=S9, by=office)
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(reverse("conventions:invoice-issue", args=[draft.pk]), {"send": "1"})
    assert with_commit.status_code == 302
    draft.refresh_from_db()
    assert draft.number and draft.file and draft.sent_at
    assert [m.to for m in mailoutbox] == [[contact.email]]
    assert mailoutbox[0].attachments[0][0] == f"facture-{draft.number}.pdf"
    download = client.get(reverse("conventions:invoice-download", args=[draft.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.post(reverse("conventions:invoice-payment", args=[draft.pk]),
                {"received_on": "2027-01-20", "amount": "1000.00", "reference": "VIR 42"})
    refused = client.post(reverse("conventions:invoice-credit", args=[draft.pk]), {"amount": "9999", "reason": "x"})
    assert refused.status_code == 400 and "ne peut dépasser" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conventions:invoice-credit", args=[draft.pk]), {"amount": "500", "reason": "Heures non faites"})
    note = Invoice.objects.get(corrects=draft)
    assert note.number.endswith("0002") and note.file
    page = client.get(reverse("conventions:invoice-detail", args=[draft.pk])).content.decode()
    assert "3\u00a0000,00" in page  # 4 500 − 1 000 paid − 500 credited


def test_bill_4_nobody_but_the_office_opens_billing(dossier, office, login):
    """ROLE-9: the student sees their dossier but not its invoices (403)."""
    invoice = _issued(dossier, office)
    student = login(dossier.student.user)
    assert student.get(reverse("conventions:invoice-detail", args=[invoice.pk])).status_code == 403
    assert student.get(reverse("conventions:billing-list")).status_code == 403
    outsider = login(factories.UserFactory())
    assert outsider.get(reverse("conventions:invoice-detail", args=[invoice.pk])).status_code == 404


def test_bill_5_the_dossier_page_saves_the_agreement_and_prepares(dossier, office, login):
    """BILL-5: the office enters the subrogation, then prepares the period:
    two drafts, the OPCO's and the company's."""
    client = login(office)
    url = reverse("conventions:dossier-billing", args=[dossier.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"funded": "on", "subrogation": "on", "opco_name": "Atlas", "hourly_rate": "9.15"})
    assert response.status_code == 302
    client.post(reverse("conventions:dossier-billing-prepare", args=[dossier.pk]), {"period": S9})
    assert sorted(Invoice.objects.filter(dossier=dossier).values_list("addressee", flat=True)) == ["entreprise", "opco"]
    refused = client.post(url, {"funded": "on", "subrogation": "on", "opco_name": "Atlas"})
    assert refused.status_code == 400 and "soit un taux horaire" in refused.content.decode()


def test_bill_2_bulk_issue_of_a_period_with_progress(year, office, login, django_capture_on_commit_callbacks):
    """BILL-2: the office issues the S9 invoices of the year's dossiers in
    the background; the batch counts each once and its page shows the
    progress; a dossier already invoiced is left out."""
    dossiers = [factories.DossierFactory(student__year=year) for _ in range(3)]
    _issued(dossiers[0], office)
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("conventions:billing-batch-create"), {"year": year.pk, "period": S9})
    batch = InvoiceBatch.objects.get()
    assert response.url == reverse("conventions:billing-batch", args=[batch.pk])
    assert (batch.total, batch.done, batch.failed, batch.state) == (2, 2, 0, InvoiceBatch.State.DONE)
    assert Invoice.objects.filter(number__isnull=False, kind="facture").count() == 3
    assert Invoice.objects.exclude(file="").count() == 2
    poll = client.get(reverse("conventions:billing-batch", args=[batch.pk]), headers={"HX-Request": "true"})
    assert poll.status_code == 286 and "2 dossiers facturés sur 2" in poll.content.decode()


def test_bill_2_the_accounting_export_opens_with_its_columns(dossier, office, login):
    """BILL-2: the .xlsx lists invoices and credit notes (negative) with the
    accountant's columns, and the payments on their own sheet."""
    invoice = _issued(dossier, office)
    services.payment_record(invoice=invoice, amount=Decimal("1000"), received_on=datetime.date(2027, 1, 6), by=office)
    services.credit_note_issue(invoice=invoice, amount=Decimal("500"), reason="x", by=office, today=datetime.date(2027, 1, 7))
    response = login(office).get(reverse("conventions:billing-export"), {"year": dossier.year.pk})
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book["Factures et avoirs"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Numéro", "Nature", "Date", "Client", "SIRET")
    assert rows[1][0] == "2027-0001" and rows[1][9] == 4500 and rows[1][11] == 1000 and rows[1][12] == 3000
    assert rows[2][0] == "2027-0002" and rows[2][1] == "Avoir" and rows[2][9] == -500 and rows[2][13] == "2027-0001"
    payments = list(book["Paiements"].iter_rows(values_only=True))
    assert payments[1][0] == "2027-0001" and payments[1][2] == 1000


def test_notif_1_bill_2_deadlines_issue_then_pay(dossier, office):
    """NOTIF-1, BILL-2: the S9 invoice is due on 1 January (done once
    issued), then its payment by its due date (done once paid)."""
    found = {o.key: o for o in billing_deadlines([dossier])}
    assert found["invoice:s9"].due == datetime.date(2027, 1, 1) and not found["invoice:s9"].done
    assert found["invoice:solde"].due == dossier.end_date
    invoice = _issued(dossier, office, today=datetime.date(2027, 1, 4))
    found = {o.key: o for o in billing_deadlines(type(dossier).objects.filter(pk=dossier.pk))}
    assert found["invoice:s9"].done
    assert found[f"invoice-paid:{invoice.number}"].due == datetime.date(2027, 2, 3)
    assert not found[f"invoice-paid:{invoice.number}"].done


def test_bill_2_the_dossier_page_shows_the_billing_panel_to_the_office(dossier, office, login):
    """The dossier page's « Facturation » panel leads the office to the
    dossier's billing page; the student does not see it."""
    link = reverse("conventions:dossier-billing", args=[dossier.pk])
    page = login(office).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Prise en charge et factures" in page and link in page
    page = login(dossier.student.user).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert link not in page


# Measured with 1 payment and with 5 and a credit note: pinned, so that a
# query per payment or per credit note shows.
INVOICE_PAGE_QUERIES = 6


def test_bill_4_the_invoice_page_reads_as_many_queries_with_1_and_5_payments(dossier, office, login,
                                                                             django_assert_num_queries):
    """BILL-4, BILL-2: an invoice's page reads its payments and credit notes
    in the same queries, one payment or five with a credit note."""
    invoice = _issued(dossier, office)
    client = login(office)
    path = reverse("conventions:invoice-detail", args=[invoice.pk])
    counts = []
    for payments in (1, 4):
        for _ in range(payments):
            services.payment_record(invoice=invoice, amount=Decimal("10.00"), received_on=datetime.date(2027, 1, 20),
                                    by=office)
        if payments == 4:
            services.credit_note_issue(invoice=invoice, reason="Heures non réalisées.", by=office,
                                       amount=Decimal("20.00"), today=datetime.date(2027, 1, 21))
        client.get(path)  # warm the session and the caches
        with django_assert_num_queries(INVOICE_PAGE_QUERIES) as captured:
            assert client.get(path).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
