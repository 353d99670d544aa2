"""The reminders' part of ``manage.py demo`` (NOTIF-3): the story's
contracts deposited with their OPCO but one, whose 5 days are missed."""

import datetime
import io

import pytest
from django.utils import timezone
from django.core.management import call_command

from conventions.demo.story import story_dossiers
from conventions.dossier import deadlines
from conventions.reminders import opco
from conventions.reminders.models import OpcoDeposit, ReminderClaim
from students.models import AcademicYear, Event


def run_demo():
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        run_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_notif_3_demo_deposits_every_contract_but_the_last_to_start():
    """NOTIF-3: every story contract is deposited a few days after its
    start, on the timeline at that date; the last to start is not, and its
    5 days are an open obligation of the registry."""
    contracts = list(story_dossiers(AcademicYear.objects.get(start_year=2026)).filter(start_date__isnull=False)
                     .order_by("start_date", "student__user__username"))
    assert len(contracts) >= 2
    deposits = {d.dossier_id: d for d in OpcoDeposit.objects.all()}
    assert set(deposits) == {d.pk for d in contracts[:-1]}
    for dossier in contracts[:-1]:
        assert dossier.start_date < deposits[dossier.pk].deposited_on <= dossier.start_date + opco.datetime.timedelta(days=4)
        event = Event.objects.get(dossier=dossier, verb="conventions.opco_deposit.record")
        assert event.at.date() > deposits[dossier.pk].deposited_on
    open_ones = {o.dossier_id for o in deadlines.obligations_for(story_dossiers(contracts[0].year))
                 if o.key == opco.OPCO_KEY}
    assert open_ones == {contracts[-1].pk}


@pytest.mark.django_db
def test_notif_3_demo_second_run_records_no_deposit_again():
    """A second run records nothing again."""
    before = (Event.objects.count(), list(OpcoDeposit.objects.values_list("pk", "deposited_on", "recorded_at")))
    run_demo()
    assert (Event.objects.count(), list(OpcoDeposit.objects.values_list("pk", "deposited_on", "recorded_at"))) == before


@pytest.mark.django_db
def test_notif_1_demo_replays_the_story_s_reminders_each_on_its_day():
    """NOTIF-1: the story's daily sweeps are replayed up to its day: the
    obligations still open had their reminders 14 and 3 days ahead and the
    day after, each sent once on its day (never before its offset's day),
    on the dossier's timeline at that moment."""
    claims = list(ReminderClaim.objects.all())
    assert claims
    assert {claim.offset for claim in claims} == {-14, -3, 1}
    for claim in claims:
        assert claim.state == ReminderClaim.State.SENT
        assert claim.day >= claim.due + datetime.timedelta(days=claim.offset)
        assert timezone.localtime(claim.sent_at).date() == claim.day
        assert Event.objects.filter(dossier=claim.dossier_id, verb="conventions.reminder.sent", at=claim.sent_at).exists()
