"""Billing of the training (BILL-1, BILL-2). Invoices will live here; for
now the schedule the convention states."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from students import programme

# The payment terms the convention states once (DOMAIN §7): payable within
# 30 days of receipt (Code de commerce L441-10: 30 days by default), the
# legal late-payment penalties and the fixed recovery indemnity (D441-5).
PAYMENT_DAYS = 30
RECOVERY_INDEMNITY = Decimal("40")


def billing_schedule(cost, *, s9_hours=programme.S9_HOURS, s10_hours=programme.S10_HOURS):
    """BILL-2 [decision]: the first invoice (S9, in January) and the balance
    (S10 and PFE, end of August) in proportion of hours, to the cent; the
    rounding remainder goes on the balance so both sum exactly to ``cost``."""
    cost = Decimal(cost)
    first = (cost * s9_hours / (s9_hours + s10_hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return first, cost - first


def billing_dates(dates):
    """BILL-2: when each invoice is issued, from the training's dates
    (``students.calendar.training_dates``): the first in the month after
    S9 ends (January), the balance at the end of the training (S10 and the
    PFE up to the defence: the end of August for a contract of the year)."""
    first = dates.s9_end + datetime.timedelta(days=1)
    return first.replace(day=1), dates.s10_end
