"""Gapless invoice numbers (BILL-4): one chronological series per year.

The counter row of the year is locked with ``select_for_update`` inside the
transaction that issues the invoice: a second issuer waits until the first
commits (and then reads its number) or rolls back (and the number is given
again). Never a database sequence: PostgreSQL does not give back a
``nextval`` on rollback, which would leave a hole.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contratpro.frenchdates import long_date

from .models import InvoiceCounter


def number_format(series_year, sequence):
    """« 2027-0001 »: the year, then the rank in its series (credit notes
    share the invoices' series)."""
    return f"{series_year}-{sequence:04d}"


def number_take(series_year, issue_date):
    """The next number of ``series_year``'s series, for a document dated
    ``issue_date``; must run inside the issuing transaction. The series is
    chronological: a date before the last number's is refused."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take runs inside the issuing transaction (BILL-4)")
    # Created once per year; two first issuers racing end on the same row
    # (get_or_create retries the read after the other's insert).
    InvoiceCounter.objects.get_or_create(series_year=series_year)
    counter = InvoiceCounter.objects.select_for_update().get(series_year=series_year)
    if counter.last_date is not None and issue_date < counter.last_date:
        raise ValidationError(
            _("La série %(year)s est chronologique : son dernier numéro est daté du %(last)s, une facture ne peut être émise avant.")
            % {"year": series_year, "last": long_date(counter.last_date)}
        )
    counter.last += 1
    counter.last_date = issue_date
    counter.save(update_fields=["last", "last_date"])
    return counter.last, number_format(series_year, counter.last)
