"""Billing's dated obligations for the deadlines registry (BILL-2,
NOTIF-1): each period's invoices to issue (the S9 in January, the balance
at the end of the training, from ``billing_dates``, the one schedule), and
each issued invoice to be paid by its due date — overdue once past it.
One query whatever the number of dossiers."""

from types import SimpleNamespace

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.dossier.deadlines import Obligation, dossier_url
from conventions.dossier.models import Dossier

from .models import Invoice
from .services import billing_dates

Period = Invoice.Period


def billing_deadlines(dossiers):
    """``dossiers``: a queryset, or dossiers or their ids. One query: each
    dossier with its issued invoices joined (one row per invoice, or one
    row without when it has none)."""
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
    dossier_page, invoice_page = dossier_url("conventions:dossier-billing"), dossier_url("conventions:invoice-detail")
    for row in dossier_rows.values():
        # The dates billing_dates reads: S9's end and the training's (the defence unknown here).
        dates = SimpleNamespace(s9_end=row["year__s9_end"], s10_end=row["end_date"] or row["year__contract_end"])
        due = dict(zip((Period.S9, Period.BALANCE), billing_dates(dates)))
        for period, day in due.items():
            yield Obligation(
                dossier_id=row["pk"], key=f"invoice:{period}", label=str(labels[period]),
                actors=frozenset({roles.Actor.OFFICE}), due=day, done=(row["pk"], period) in issued,
                url=dossier_page(row["pk"]),
            )
    for invoice in invoices:
        yield Obligation(
            dossier_id=invoice["pk"], key=f"invoice-paid:{invoice['issued__number']}",
            label=_("Facture %(n)s à encaisser") % {"n": invoice["issued__number"]},
            actors=frozenset({roles.Actor.OFFICE}), due=invoice["issued__due_date"],
            done=invoice["issued__state"] == Invoice.State.PAID,
            url=invoice_page(invoice["issued__pk"]),
        )
