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


SWEEP_HOUR = 7  # beat's daily sweep, 7 h 30 (settings)


def build_reminder_history(context):
    """The reminders the story's sweeps sent (order 896), replayed through
    the sweep itself on each day one of them fell, up to the story's day:
    for each obligation still open, its reminders ahead of the deadline and
    the day after it, each claimed once and sent on its day, dated so on
    the office's « Relances » and on the dossiers' timelines. (A daily
    sweep sends on exactly those days: only they are replayed.) The story
    is in the past: its mails reach nobody now (a dummy mail backend while
    it is replayed). A second run claims nothing more."""
    from django.test.utils import override_settings

    from . import services
    from .models import DEFAULT_OFFSETS, ReminderClaim

    if context.year is None:
        return
    offsets = services.offsets_by_year().get(context.year.pk, DEFAULT_OFFSETS)
    first = context.year.rentree - datetime.timedelta(days=30)
    days = sorted({
        obligation.due + datetime.timedelta(days=offset)
        for obligation in services.all_obligations(services.open_dossiers(TODAY))
        if obligation.due is not None
        for offset in offsets
    })
    sent = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for day in (day for day in days if first <= day <= TODAY):
            moment = at(day, SWEEP_HOUR, 30)
            for claim_id in services.reminders_sweep(day, queue=lambda claim_id: None, now=moment):
                outcome = services.reminder_send(claim_id, now=moment)
                claim = ReminderClaim.objects.filter(pk=claim_id)
                claim.update(claimed_at=moment, updated_at=moment, **({"sent_at": moment} if outcome == "sent" else {}))
                if outcome == "sent":
                    backdate(moment, event=last_event(claim.get().dossier))
                    sent += 1
    if sent:
        context.tally["created"] += sent
