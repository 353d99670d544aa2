"""Billing's dated obligations for the deadlines registry (BILL-2,
NOTIF-1): each period's invoices to issue (the S9 in January, the balance
at the end of the training, from ``billing_dates``, the one schedule), and
each issued invoice to be paid by its due date — overdue once past it.
Two queries whatever the number of dossiers."""

from types import SimpleNamespace

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.dossier.deadlines import Obligation
from conventions.dossier.models import Dossier

from .models import Invoice
from .services import billing_dates

Period = Invoice.Period


def billing_deadlines(dossiers):
    """``dossiers``: a queryset, or dossiers or their ids."""
    if isinstance(dossiers, QuerySet):
        rows = Dossier.objects.filter(pk__in=dossiers.values("pk"))
    else:
        rows = Dossier.objects.filter(pk__in=[getattr(d, "pk", d) for d in dossiers])
    rows = list(rows.filter(company__isnull=False).values("pk", "end_date", "year__s9_end", "year__contract_end"))
    invoices = list(
        Invoice.objects.filter(dossier_id__in=[r["pk"] for r in rows], kind=Invoice.Kind.INVOICE, number__isnull=False)
        .values("pk", "dossier_id", "period", "number", "state", "due_date")
    )
    issued = {(i["dossier_id"], i["period"]) for i in invoices}
    labels = {Period.S9: _("Facture du S9 à émettre"), Period.BALANCE: _("Facture du solde (S10 et PFE) à émettre")}
    for row in rows:
        # The dates billing_dates reads: S9's end and the training's (the defence unknown here).
        dates = SimpleNamespace(s9_end=row["year__s9_end"], s10_end=row["end_date"] or row["year__contract_end"])
        due = dict(zip((Period.S9, Period.BALANCE), billing_dates(dates)))
        for period, day in due.items():
            yield Obligation(
                dossier_id=row["pk"], key=f"invoice:{period}", label=str(labels[period]),
                actors=frozenset({roles.Actor.OFFICE}), due=day, done=(row["pk"], period) in issued,
                url=reverse("conventions:dossier-billing", args=[row["pk"]]),
            )
    for invoice in invoices:
        yield Obligation(
            dossier_id=invoice["dossier_id"], key=f"invoice-paid:{invoice['number']}",
            label=_("Facture %(n)s à encaisser") % {"n": invoice["number"]},
            actors=frozenset({roles.Actor.OFFICE}), due=invoice["due_date"],
            done=invoice["state"] == Invoice.State.PAID,
            url=reverse("conventions:invoice-detail", args=[invoice["pk"]]),
        )
