"""Billing of the training (BILL-1, BILL-2). Invoices will live here; for
now the schedule the convention states."""

from decimal import ROUND_HALF_UP, Decimal

from students import programme


def billing_schedule(cost, *, s9_hours=programme.S9_HOURS, s10_hours=programme.S10_HOURS):
    """BILL-2 [decision]: the first invoice (S9, in January) and the balance
    (S10 and PFE, end of August) in proportion of hours, to the cent; the
    rounding remainder goes on the balance so both sum exactly to ``cost``."""
    cost = Decimal(cost)
    first = (cost * s9_hours / (s9_hours + s10_hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return first, cost - first
