"""The demo's billing (order 890): issued S9 invoices, one under
subrogation, a payment and a credit note, through the services; a second
run writes nothing."""

from decimal import Decimal

from contratpro.demo import DemoContext
from conventions.billing.demo import build_billing
from conventions.billing.models import Invoice, Payment
from tests import factories


def test_bill_5_demo_issues_s9_invoices_one_under_subrogation(year, office):
    """BILL-2…5: three story dossiers billed for S9 — the first split
    between its OPCO and its company —, one paid, one credited; a second
    run adds nothing."""
    for username in ("eleve", "eleve02", "eleve03"):
        factories.DossierFactory(student__year=year, student__user__username=username)
    context = DemoContext(year=year, users={"bureau": office})
    build_billing(context)
    issued = Invoice.objects.filter(number__isnull=False)
    assert sorted(issued.filter(kind="facture").values_list("addressee", flat=True)) == ["entreprise"] * 3 + ["opco"]
    assert issued.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1
    assert Payment.objects.count() == 1
    assert issued.filter(addressee=Invoice.Addressee.OPCO).get().amount_ttc == Decimal("2470.50")
    count = issued.count()
    again = DemoContext(year=year, users={"bureau": office})
    build_billing(again)
    assert Invoice.objects.filter(number__isnull=False).count() == count and again.tally["created"] == 0
