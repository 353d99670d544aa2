"""The reminders' part of ``manage.py demo`` (order 895): the contracts'
deposits with their OPCO (NOTIF-3), recorded by the office through the
service, each a few days after its contract's start and dated so on the
timeline — but one, the last contract to start, whose employer has not
deposited it: its dossier page and the office's « À faire » say it is late.
A second run writes nothing."""

import datetime

from conventions.demo.data import TODAY
from conventions.demo.story import backdate, last_event, story_dossiers
from conventions.demo.records import at

from . import opco
from .models import OpcoDeposit

OFFICE = "bureau"


def build_reminders(context):
    office = context.users.get(OFFICE)
    if office is None or context.year is None:
        return
    contracts = list(story_dossiers(context.year).filter(start_date__isnull=False)
                     .order_by("start_date", "student__user__username"))
    if len(contracts) < 2:
        return
    recorded = set(OpcoDeposit.objects.filter(dossier__in=contracts).values_list("dossier_id", flat=True))
    for number, dossier in enumerate(contracts[:-1]):
        if dossier.pk in recorded:
            continue
        day = min(dossier.start_date + datetime.timedelta(days=1 + number % 4), TODAY)
        deposit = opco.opco_deposit_record(dossier=dossier, deposited_on=day, by=office)
        moment = at(min(day + datetime.timedelta(days=1), TODAY), 10, number % 60)
        backdate(moment, (OpcoDeposit, deposit.pk, "recorded_at"), event=last_event(dossier))
        context.tally["created"] += 1
