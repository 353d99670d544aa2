"""The sweep's window (NOTIF-1): the registry is asked only for the
obligations due within the days where a reminder can be in force today,
and the sweep selects exactly the reminders it selects over every
obligation — on every day where an offset starts, ends or catches up."""

import datetime

import pytest
from django.utils import timezone

from contratpro.roles import Actor
from conventions.dossier import deadlines, steps
from conventions.models import Incident
from conventions.reminders import services
from conventions.reminders.models import DEFAULT_OFFSETS, ReminderPolicy
from grading.pfe.models import Defence
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)


def unwindowed(every, today):
    """What the sweep would select ``today`` from ``every`` obligation of
    the registry (read once, no window asked), those of its open dossiers."""
    dossiers = services.open_dossiers(today)
    swept = set(dossiers.values_list("pk", flat=True))
    return services.reminders_in_force([o for o in every if o.dossier_id in swept], dossiers, today)


def as_set(found):
    return {(o.dossier_id, o.key, o.due, offset, tuple(r.key for r in people)) for o, offset, people in found}


@pytest.fixture
def school(year, office, head):
    """Dossiers of two years, one of them with its own offsets, with every
    kind of dated obligation: the steps, the S9 report to grade (a tuteur
    école), a defence with its report's deadline, a rupture (its 30 days and
    its certificate, on a Sunday), a contract start (the OPCO's 5 days), a
    contract that ends on a Saturday, billing's periods."""
    older = factories.AcademicYearFactory(start_year=year.start_year - 1)
    ReminderPolicy.objects.create(year=older, days_before="30, 7", days_after="2, 10")
    tutor = factories.UserFactory(groups=["Enseignants"])
    made = []
    for index, of_year in enumerate((year, year, year, older, older)):
        dossier = factories.DossierFactory(student__year=of_year)
        dossier.signataire = factories.CompanyContactFactory(company=dossier.company, role="signataire")
        dossier.tuteur_ecole = tutor
        if index == 1:
            dossier.start_date = of_year.rentree + datetime.timedelta(days=20)
        if index == 3:  # a contract ending on a Saturday: its certificate falls due 6 days later
            dossier.end_date = D(of_year.start_year + 1, 6, 27)
        dossier.save()
        steps.steps_sync(dossier)
        made.append(dossier)
    Incident.objects.create(dossier=made[2], kind=Incident.Kind.RUPTURE, start=D(year.start_year + 1, 3, 14),
                            reported_by=office)
    Defence.objects.create(
        dossier=made[0], starts_at=timezone.now(), ends_at=timezone.now(), room="B 101",
        president=head, scheduled_by=head, report_due=D(year.start_year + 1, 8, 14),
    )
    return made


def edge_days(made):
    """Every day where a reminder of these obligations starts, changes or
    stops being in force, and the days around it."""
    days = set()
    for obligation in services.all_obligations(type(made[0]).objects.all(), include_done=True):
        for offsets in (DEFAULT_OFFSETS, ReminderPolicy.objects.get(year__start_year=2025).offsets()):
            for offset in offsets:
                days.update(obligation.due + (offset + shift) * DAY for shift in (-1, 0))
            stop = obligation.due + (offsets[-1] + services.CATCH_UP_DAYS) * DAY
            days.update((stop, stop + DAY))
    return sorted(days)


def test_notif_1_the_window_selects_the_same_reminders_as_every_obligation(school):
    """NOTIF-1: on each day where an offset of any obligation starts, ends
    or catches up (two years' offsets: 14, 3 before and 1 after; 30, 7
    before and 2, 10 after), the sweep selects the same reminders through
    its window as from every obligation of the registry."""
    days = edge_days(school)
    assert len(days) > 100
    every = services.all_obligations(type(school[0]).objects.all())
    selected = 0
    keys = set()
    for day in days:
        found = as_set(services.reminders_due(day))
        assert found == as_set(unwindowed(every, day)), day
        selected += len(found)
        keys.update(key.split(":")[0] for _d, key, *_rest in found)
    assert selected > 50
    assert {"step", "s9", "pfe", "certificate", "rupture", "opco", "invoice"} <= keys


def test_notif_1_the_window_spans_every_year_s_offsets():
    """NOTIF-1: the window runs from today − (the last offset after + the
    catch-up week) to today − the first offset before, over every policy."""
    today = D(2026, 12, 15)
    assert services.window_of(today, [DEFAULT_OFFSETS]) == (D(2026, 12, 7), D(2026, 12, 29))
    assert services.window_of(today, [DEFAULT_OFFSETS, (-30, -7, 2, 10)]) == (D(2026, 11, 28), D(2027, 1, 14))
    assert services.window_of(today, [()]) is None


def test_notif_1_the_registry_keeps_only_what_falls_within_the_window(school):
    """NOTIF-1: with ``due_between`` every source answers only obligations
    due within it — those that read fewer rows and those that ignore it —
    and the same ones as without it."""
    dossiers = type(school[0]).objects.all()
    window = (D(2026, 12, 1), D(2027, 1, 15))
    every = deadlines.obligations_for(dossiers, include_done=True)
    inside = deadlines.obligations_for(dossiers, include_done=True, due_between=window)
    assert inside and all(window[0] <= o.due <= window[1] for o in inside)
    assert inside == [o for o in every if window[0] <= o.due <= window[1]]
    assert {o.actors for o in inside} >= {frozenset({Actor.STUDENT}), frozenset({Actor.OFFICE})}
