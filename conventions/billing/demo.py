"""Billing's part of ``manage.py demo`` (order 890, last): the S9 invoices
of three story dossiers through the services — one under subrogation of
payment (the OPCO's share at 9,15 € an hour, the company's the rest).

BILL-2: an S9 invoice is issued from its billing day (1 January, from
``billing_dates``) and never dated in the future. The story stands on
21 November 2026, before it: the demo prepares the S9 drafts (their page
says from when they can be issued). Once the clock has reached the first
working day of January (4 January 2027), a run issues them dated that day
— a day already past —, records a payment a week later and a credit note
on another, both on or before the clock's day. A second run writes nothing:
a dossier whose S9 invoices are issued is left as it is, its drafts are
prepared once."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from contratpro.frenchdates import long_date
from contratpro.workdays import next_working_day

from conventions.demo.story import story_dossiers

from . import jobs, services
from .models import BillingAgreement, Invoice

OFFICE = "bureau"
SUBROGATION_RATE = Decimal("9.15")
OPCO_SIRET = "85128870000016"  # the demo's, fictitious
OPCO_ADDRESS = "Service prise en charge\n25 quai Panhard et Levassor\n75013 Paris"
OPCO_EMAIL = "factures@opco.example"  # the demo's, fictitious


def build_billing(context):
    office = context.users.get(OFFICE)
    if office is None or context.year is None:
        return
    dossiers = [d for d in story_dossiers(context.year).select_related("company").order_by("student__user__username")
                if d.company_id is not None and d.start_date is not None][:3]
    today = services.clock()
    issue_on = next_working_day(services.year_billing_days(context.year)[Invoice.Period.S9])
    issuing = issue_on <= today  # never an invoice dated after the clock's day
    issued = []
    for index, dossier in enumerate(dossiers):
        if Invoice.objects.filter(dossier=dossier, period=Invoice.Period.S9, number__isnull=False).exists():
            continue
        if index == 0 and not BillingAgreement.objects.filter(dossier=dossier).exists():
            services.agreement_save(
                dossier=dossier, by=office, subrogation=True, opco_name=dossier.company.opco or "Atlas",
                opco_siret=OPCO_SIRET, opco_address=OPCO_ADDRESS, opco_email=OPCO_EMAIL,
                opco_reference=f"PEC-{context.year.start_year}-{dossier.pk:05d}", hourly_rate=SUBROGATION_RATE,
            )
        drafts = list(Invoice.objects.filter(dossier=dossier, period=Invoice.Period.S9, number__isnull=True))
        if not drafts:
            drafts = services.invoice_prepare(dossier=dossier, period=Invoice.Period.S9, by=office)
            context.tally["created"] += len(drafts)
        if issuing:
            issued += [jobs.invoice_issue_request(invoice=draft, by=office, today=issue_on) for draft in drafts]
    companies = [i for i in issued if i.addressee == Invoice.Addressee.COMPANY]
    if len(companies) >= 2:
        later = min(issue_on + datetime.timedelta(days=7), today)
        services.payment_record(invoice=companies[0], amount=companies[0].amount_ttc, received_on=later,
                                by=office, reference=_("Virement reçu"), today=today)
        jobs.credit_note_request(invoice=companies[1], amount=Decimal("150.00"), by=office, today=later,
                                 reason=_("Dix heures du S9 non réalisées (absence justifiée)"))
        context.tally["created"] += 2
    count = Invoice.objects.filter(year=context.year, number__isnull=False).count()
    if count:
        context.summary["demarche"].append(_("factures et avoirs émis : %(n)s") % {"n": count})
    elif dossiers:
        context.summary["demarche"].append(_("factures du S9 préparées, à émettre à partir du %(day)s") % {
            "day": long_date(issue_on)})
