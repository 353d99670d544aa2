"""Billing's part of ``manage.py demo`` (order 890, last): the S9 invoices
of three story dossiers issued through the services — one under
subrogation of payment (the OPCO's share at 9,15 € an hour, the company's
the rest) —, a payment received on one, a credit note on another. A second
run writes nothing: a dossier whose S9 invoices are issued is left as it is."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.demo.story import story_dossiers

from . import jobs, services
from .models import BillingAgreement, Invoice

OFFICE = "bureau"
SUBROGATION_RATE = Decimal("9.15")
OPCO_SIRET = "85128870000016"  # the demo's, fictitious
OPCO_ADDRESS = "Service prise en charge\n25 quai Panhard et Levassor\n75013 Paris"  # DOMAIN §8: the OPCO's legal default forfait per hour


def build_billing(context):
    office = context.users.get(OFFICE)
    if office is None or context.year is None:
        return
    dossiers = [d for d in story_dossiers(context.year).select_related("company").order_by("student__user__username")
                if d.company_id is not None and d.start_date is not None][:3]
    issued = []
    for index, dossier in enumerate(dossiers):
        if Invoice.objects.filter(dossier=dossier, period=Invoice.Period.S9, number__isnull=False).exists():
            continue
        if index == 0 and not BillingAgreement.objects.filter(dossier=dossier).exists():
            services.agreement_save(
                dossier=dossier, by=office, subrogation=True, opco_name=dossier.company.opco or "Atlas",
                opco_siret=OPCO_SIRET, opco_address=OPCO_ADDRESS,
                opco_reference=f"PEC-{context.year.start_year}-{dossier.pk:05d}", hourly_rate=SUBROGATION_RATE,
            )
        for draft in services.invoice_prepare(dossier=dossier, period=Invoice.Period.S9, by=office):
            issued.append(jobs.invoice_issue_request(invoice=draft, by=office))
            context.tally["created"] += 1
    companies = [i for i in issued if i.addressee == Invoice.Addressee.COMPANY]
    if len(companies) >= 2:
        services.payment_record(invoice=companies[0], amount=companies[0].amount_ttc, received_on=timezone.localdate(),
                                by=office, reference=_("Virement reçu"))
        jobs.credit_note_request(invoice=companies[1], amount=Decimal("150.00"), by=office,
                                 reason=_("Dix heures du S9 non réalisées (absence justifiée)"))
        context.tally["created"] += 2
    count = Invoice.objects.filter(year=context.year, number__isnull=False).count()
    if count:
        context.summary["demarche"].append(_("factures et avoirs émis : %(n)s") % {"n": count})
