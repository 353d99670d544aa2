"""Billing of the training (BILL-1…5): the schedule the convention states,
the invoices drafted from it, issued under a gapless number, corrected by
credit notes, and paid.

``billing_schedule`` and ``billing_dates`` are the one split: the
convention's text (``conventions.convention``) and the invoices both read
them, so the two can never disagree (BILL-2).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.frenchdates import long_date
from students import programme
from students.calendar import training_dates
from students.history import event_record

from .models import CENT, BillingAgreement, Invoice
from .numbering import number_take
from .terms import PAYMENT_DAYS, RECOVERY_INDEMNITY, credited_total, invoice_balance  # noqa: F401 (the convention reads the terms here)

Period = Invoice.Period
Kind = Invoice.Kind
State = Invoice.State


def billing_schedule(cost, *, s9_hours=programme.S9_HOURS, s10_hours=programme.S10_HOURS):
    """BILL-2 [decision]: the first invoice (S9, in January) and the balance
    (S10 and PFE, end of August) in proportion of hours, to the cent; the
    rounding remainder goes on the balance so both sum exactly to ``cost``."""
    cost = Decimal(cost)
    first = (cost * s9_hours / (s9_hours + s10_hours)).quantize(CENT, rounding=ROUND_HALF_UP)
    return first, cost - first


def billing_dates(dates):
    """BILL-2: when each invoice is issued, from the training's dates
    (``students.calendar.training_dates``): the first in the month after
    S9 ends (January), the balance at the end of the training (S10 and the
    PFE up to the defence: the end of August for a contract of the year)."""
    first = dates.s9_end + datetime.timedelta(days=1)
    return first.replace(day=1), dates.s10_end


def clock():
    """Billing's clock: the day an act is dated when its caller gives none
    (the services take an explicit ``today``; tests set this clock)."""
    return timezone.localdate()


PERIOD_NAMES = {
    Period.S9: gettext_lazy("du S9"),
    Period.BALANCE: gettext_lazy("du solde"),
}


def billing_day_refusal(period, day, on):
    """BILL-2: the French reason an invoice of ``period`` billed from
    ``day`` cannot be issued ``on`` that date, or None when it can."""
    if on >= day:
        return None
    return _("La facture %(period)s s'émet à partir du %(day)s.") % {
        "period": PERIOD_NAMES[period], "day": long_date(day)}


def year_billing_days(year, *, end=None):
    """BILL-2: each period's billing day for a dossier of ``year`` whose
    training ends on ``end`` (the year's contract end when unknown), from
    ``billing_dates``, the one schedule, without reading the calendar."""
    first, balance = billing_dates(SimpleNamespace(s9_end=year.s9_end, s10_end=end or year.contract_end))
    return {Period.S9: first, Period.BALANCE: balance}


# --- What a period bills, and to whom (BILL-2, BILL-3, BILL-5) ----------------

@dataclass(frozen=True)
class PeriodBill:
    """One period of a dossier's year: its service dates, hours, amount
    (``billing_schedule``'s share of the year's cost) and when it is billed."""

    period: str
    start: datetime.date
    end: datetime.date
    hours: int
    amount: Decimal
    billed_on: datetime.date


def dossier_periods(dossier):
    """BILL-2: the dossier's two periods, from the same dates and split as
    its convention states them."""
    dates = training_dates(dossier.year, dossier.student.department, start=dossier.start_date, end=dossier.end_date)
    first, balance = billing_schedule(dossier.year.training_cost, s9_hours=dates.s9_hours, s10_hours=dates.s10_hours)
    first_on, balance_on = billing_dates(dates)
    return {
        Period.S9: PeriodBill(Period.S9, dates.s9_start, dates.s9_end, dates.s9_hours, first, first_on),
        Period.BALANCE: PeriodBill(Period.BALANCE, dates.s10_start, dates.s10_end, dates.s10_hours, balance, balance_on),
    }


def opco_share(agreement, bill, periods):
    """BILL-5: what the OPCO pays for one period under subrogation: its rate
    per hour × the period's hours, or its fixed amount for the year split
    as the cost is (BILL-2); never more than the period's amount."""
    if agreement is None or not agreement.subrogation:
        return Decimal("0.00")
    if agreement.hourly_rate is not None:
        share = (agreement.hourly_rate * bill.hours).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        first, balance = billing_schedule(
            agreement.fixed_amount, s9_hours=periods[Period.S9].hours, s10_hours=periods[Period.BALANCE].hours
        )
        share = first if bill.period == Period.S9 else balance
    return min(share, bill.amount)


@dataclass(frozen=True)
class Line:
    """One invoice to draft: its addressee and amount."""

    addressee: str
    client_name: str
    client_siret: str
    client_address: str
    opco_named: str
    amount: Decimal
    order_reference: str = ""


def _agreement(dossier):
    return BillingAgreement.objects.filter(dossier=dossier).first()


def period_lines(dossier, period, *, agreement=None, periods=None):
    """BILL-3, BILL-5: the invoices one period gives: the company's (its
    OPCO named when funded) and, under subrogation, the OPCO's for its
    share; a share of 0 or a whole period gives one invoice only. The
    amounts sum exactly to the period's."""
    periods = periods or dossier_periods(dossier)
    bill = periods[period]
    company = dossier.company
    if company is None:
        raise ValidationError(_("Le dossier n'a pas d'entreprise : rien à facturer."))
    if agreement is None:
        agreement = _agreement(dossier)
    funded = agreement.funded if agreement is not None else bool(company.opco)
    opco = (agreement.opco_name if agreement is not None and agreement.opco_name else company.opco) if funded else ""
    share = opco_share(agreement, bill, periods)
    lines = []
    if share > 0:
        if not (agreement.opco_name or company.opco):
            raise ValidationError(_("Sous subrogation, nommez l'OPCO dans la prise en charge (BILL-5)."))
        lines.append(Line(
            Invoice.Addressee.OPCO, agreement.opco_name or company.opco, agreement.opco_siret,
            "\n".join(agreement.address_lines()), "", share, agreement.opco_reference,
        ))
    rest = bill.amount - share
    if rest > 0 or not lines:
        lines.append(Line(
            Invoice.Addressee.COMPANY, company.name, company.siret,
            "\n".join([company.address, f"{company.postal_code} {company.city}".strip()]), opco, rest,
        ))
    return lines


def description_for(dossier, period):
    """The service as the invoice states it (DOMAIN §7)."""
    what = {
        Period.S9: _("Formation d'ingénieur en contrat de professionnalisation – semestre 9"),
        Period.BALANCE: _("Formation d'ingénieur en contrat de professionnalisation – semestre 10 et PFE (solde)"),
    }[period]
    return _("%(what)s, %(year)s – %(student)s") % {
        "what": what, "year": dossier.year.label, "student": dossier.student.user.get_full_name(),
    }


def _check_office(by):
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro établit les factures."))


@transaction.atomic
def invoice_prepare(*, dossier, period, by):
    """BILL-2…5: the period's drafts, from the year's cost and the funding
    agreement; drafts already there are replaced (they have no number), an
    issued invoice of the period is kept and stops a new draft of its
    addressee. Returns the drafts."""
    _check_office(by)
    issued = set(
        Invoice.objects.filter(dossier=dossier, period=period, kind=Kind.INVOICE, number__isnull=False)
        .values_list("addressee", flat=True)
    )
    Invoice.objects.filter(dossier=dossier, period=period, kind=Kind.INVOICE, number__isnull=True).delete()
    periods = dossier_periods(dossier)
    bill = periods[period]
    drafts = []
    for line in period_lines(dossier, period, periods=periods):
        if line.addressee in issued:
            continue
        drafts.append(Invoice.objects.create(
            dossier=dossier, year=dossier.year, period=period, kind=Kind.INVOICE, addressee=line.addressee,
            client_name=line.client_name, client_siret=line.client_siret, client_address=line.client_address,
            opco_named=line.opco_named, order_reference=line.order_reference,
            description=description_for(dossier, period),
            service_start=bill.start, service_end=bill.end, hours=bill.hours,
            amount_ht=line.amount, vat_amount=Decimal("0.00"), amount_ttc=line.amount,
        ))
    if not drafts and issued:
        raise ValidationError(_("Les factures de cette période sont déjà émises : corrigez-les par un avoir."))
    return drafts


def issue_refusal(invoice, on):
    """BILL-2: why the draft ``invoice`` cannot be issued ``on`` that day
    (its period's billing day, from ``billing_dates``, not come yet), or
    None. A credit note is never held back: it corrects an issued invoice."""
    if invoice.is_credit_note:
        return None
    day = dossier_periods(invoice.dossier)[invoice.period].billed_on
    return billing_day_refusal(invoice.period, day, on)


def _issue(invoice, *, by, today):
    """Number, dates and state of ``invoice`` (locked by the caller), in
    the caller's transaction (BILL-4)."""
    sequence, number = number_take(today.year, today)
    invoice.series_year, invoice.sequence, invoice.number = today.year, sequence, number
    invoice.issue_date, invoice.due_date = today, today + datetime.timedelta(days=PAYMENT_DAYS)
    invoice.state, invoice.issued_by = State.ISSUED, by
    invoice.save()  # the row holds no number yet: the last full save it gets


@transaction.atomic
def invoice_issue(*, invoice, by, today=None):
    """BILL-4: the draft takes the next number of its year's series (the
    counter row locked until the transaction ends: a rollback gives the
    number back, so the series has no hole), the issue date and the due
    date (PAYMENT_DAYS). Its Factur-X file (BILL-6) is asked for by the
    caller (``jobs.invoice_issue_request``)."""
    _check_office(by)
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=invoice.pk)
    if invoice.number is not None:
        raise ValidationError(_("Cette facture est déjà émise, sous le numéro %(n)s.") % {"n": invoice.number})
    on = today or clock()
    refusal = issue_refusal(invoice, on)
    if refusal:
        raise ValidationError(refusal)
    _issue(invoice, by=by, today=on)
    event_record(
        dossier=invoice.dossier, actor=by, verb="conventions.invoice.issued", to_state=State.ISSUED,
        summary=_("Facture %(n)s émise (%(who)s, %(amount)s €).")
        % {"n": invoice.number, "who": invoice.client_name, "amount": invoice.amount_ttc},
    )
    return invoice


def _settle(invoice, *, on):
    """Paid once payments and credit notes reach the total (BILL-2)."""
    if invoice.state == State.ISSUED and invoice_balance(invoice) <= 0:
        invoice.state, invoice.paid_on = State.PAID, on
        invoice.save(update_fields=["state", "paid_on"])


@transaction.atomic
def credit_note_issue(*, invoice, reason, by, amount=None, today=None):
    """BILL-4: a credit note (avoir) corrects an issued invoice, for all of
    it or part of it, never more than what its earlier credit notes left;
    it takes its number in the same series, at once."""
    _check_office(by)
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=invoice.pk)
    if invoice.kind != Kind.INVOICE or invoice.number is None:
        raise ValidationError(_("Un avoir corrige une facture émise."))
    if not (reason or "").strip():
        raise ValidationError(_("Dites pourquoi la facture est corrigée : le motif figure sur l'avoir."))
    left = invoice.amount_ttc - credited_total(invoice)
    amount = left if amount is None else Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise ValidationError(_("Un avoir est d'un montant positif."))
    if amount > left:
        raise ValidationError(
            _("L'avoir ne peut dépasser ce qui reste de la facture %(n)s : %(left)s €.") % {"n": invoice.number, "left": left}
        )
    note = Invoice.objects.create(
        dossier=invoice.dossier, year=invoice.year, period=invoice.period, kind=Kind.CREDIT_NOTE, corrects=invoice,
        addressee=invoice.addressee, client_name=invoice.client_name, client_siret=invoice.client_siret,
        client_address=invoice.client_address, opco_named=invoice.opco_named, order_reference=invoice.order_reference,
        description=invoice.description, service_start=invoice.service_start, service_end=invoice.service_end,
        hours=invoice.hours, amount_ht=amount, vat_amount=Decimal("0.00"), amount_ttc=amount, reason=reason.strip(),
    )
    today = today or clock()
    _issue(note, by=by, today=today)
    _settle(invoice, on=today)
    event_record(
        dossier=invoice.dossier, actor=by, verb="conventions.invoice.credited", to_state=State.ISSUED,
        summary=_("Avoir %(note)s émis sur la facture %(n)s (%(amount)s €).")
        % {"note": note.number, "n": invoice.number, "amount": amount},
        comment=note.reason,
    )
    return note


@transaction.atomic
def payment_record(*, invoice, amount, received_on, by, reference="", today=None):
    """BILL-2: a payment received for an issued invoice; partial payments
    add up and the invoice is paid when they reach what is due."""
    from .models import Payment

    _check_office(by)
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=invoice.pk)
    if invoice.kind != Kind.INVOICE or invoice.number is None:
        raise ValidationError(_("Un paiement se rapporte à une facture émise."))
    amount = Decimal(amount).quantize(CENT)
    due = invoice_balance(invoice)
    if amount <= 0:
        raise ValidationError(_("Un paiement est d'un montant positif."))
    if amount > due:
        raise ValidationError(_("Il reste %(due)s € à payer sur cette facture : le paiement dépasse ce montant.") % {"due": due})
    if received_on > (today or clock()):
        raise ValidationError(_("Un paiement reçu n'est pas daté dans le futur."))
    payment = Payment.objects.create(
        invoice=invoice, amount=amount, received_on=received_on, reference=reference, recorded_by=by
    )
    _settle(invoice, on=received_on)
    event_record(
        dossier=invoice.dossier, actor=by, verb="conventions.invoice.paid", to_state=invoice.state,
        summary=_("Paiement de %(amount)s € reçu le %(on)s pour la facture %(n)s.")
        % {"amount": amount, "on": long_date(received_on), "n": invoice.number},
    )
    return payment


@transaction.atomic
def agreement_save(*, dossier, by, **values):
    """BILL-3, BILL-5: the office enters the dossier's funding agreement."""
    _check_office(by)
    agreement = BillingAgreement.objects.filter(dossier=dossier).first() or BillingAgreement(dossier=dossier)
    for name, value in values.items():
        setattr(agreement, name, value)
    agreement.updated_by = by
    agreement.full_clean()
    agreement.save()
    event_record(
        dossier=dossier, actor=by, verb="conventions.billing.agreement",
        summary=_("Prise en charge enregistrée : %(what)s.") % {
            "what": _("subrogation à %(opco)s") % {"opco": agreement.opco_name} if agreement.subrogation
            else (_("financée par l'OPCO") if agreement.funded else _("sans financement de l'OPCO")),
        },
    )
    return agreement
