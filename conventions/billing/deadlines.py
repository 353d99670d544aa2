"""Billing's dated obligations for the deadlines registry (BILL-2,
NOTIF-1): each period's invoices to issue (the S9 in January, the balance
at the end of the training, from ``billing_dates``, the one schedule), and
each issued invoice to be paid by its due date — overdue once past it.
One query whatever the number of dossiers."""

from types import SimpleNamespace

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.dossier.deadlines import Obligation, dossier_url, in_window
from conventions.dossier.models import Dossier

from .models import Invoice
from .services import billing_dates

Period = Invoice.Period


def billing_deadlines(dossiers, due_between=None):
    """``dossiers``: a queryset, or dossiers or their ids. One query: each
    dossier with its issued invoices joined (one row per invoice, or one
    row without when it has none). With ``due_between``, only the
    obligations due within it are built (the two periods' dates are worked
    out once per distinct pair of dates)."""
    if isinstance(dossiers, QuerySet):
        scope = Q(pk__in=dossiers.values("pk"))
    else:
        scope = Q(pk__in=[getattr(d, "pk", d) for d in dossiers])
    rows = (
        Dossier.objects.filter(scope, company__isnull=False)
        .annotate(issued=FilteredRelation(
            "invoices", condition=Q(invoices__kind=Invoice.Kind.INVOICE, invoices__number__isnull=False)))
        .values("pk", "end_date", "year__s9_end", "year__contract_end", "issued__pk", "issued__period",
                "issued__number", "issued__state", "issued__due_date")
        .order_by("pk", "issued__pk")
    )
    dossier_rows, invoices = {}, []
    for row in rows:
        dossier_rows.setdefault(row["pk"], row)
        if row["issued__pk"] is not None:
            invoices.append(row)
    issued = {(i["pk"], i["issued__period"]) for i in invoices}
    labels = {Period.S9: _("Facture du S9 à émettre"), Period.BALANCE: _("Facture du solde (S10 et PFE) à émettre")}
    keys = {period: f"invoice:{period}" for period in labels}
    office = frozenset({roles.Actor.OFFICE})
    dossier_page, invoice_page = dossier_url("conventions:dossier-billing"), dossier_url("conventions:invoice-detail")
    due_of = {}  # (S9's end, the training's end) -> ((period, day), …) within the window
    for row in dossier_rows.values():
        # The dates billing_dates reads: S9's end and the training's (the defence unknown here).
        ends = (row["year__s9_end"], row["end_date"] or row["year__contract_end"])
        if ends not in due_of:
            days = zip((Period.S9, Period.BALANCE), billing_dates(SimpleNamespace(s9_end=ends[0], s10_end=ends[1])))
            due_of[ends] = tuple((period, day) for period, day in days if in_window(day, due_between))
        for period, day in due_of[ends]:
            yield Obligation(
                dossier_id=row["pk"], key=keys[period], label=labels[period],
                actors=office, due=day, done=(row["pk"], period) in issued,
                url=dossier_page(row["pk"]),
            )
    for invoice in invoices:
        if not in_window(invoice["issued__due_date"], due_between):
            continue
        yield Obligation(
            dossier_id=invoice["pk"], key=f"invoice-paid:{invoice['issued__number']}",
            label=_("Facture %(n)s à encaisser") % {"n": invoice["issued__number"]},
            actors=office, due=invoice["issued__due_date"],
            done=invoice["issued__state"] == Invoice.State.PAID,
            url=invoice_page(invoice["issued__pk"]),
        )
