"""The reminder sweep's speed (NOTIF-1): `make bench`.

Over a school built in bulk (``school.build_school``), at 100 and 10 000
dossiers, on 15 December (steps A and B due on the 18th: thousands of
reminders in force):

- the sweep's own selection (``reminders_in_force``: the offset in force
  for each obligation, the years' policies, the people who must act) takes
  ≤ ``SELECTION_TARGET`` at 10 000, the registry's answer given (every
  obligation, no window: the heaviest input it can get);
- the whole selection (``reminders_due``: the registry's sources first,
  asked for the sweep's window only) takes ≤ ``SELECTION_TARGET`` at
  10 000 (issue 15's Done-when), and its query count is the same at 100
  and 10 000; the registry's read alone is recorded (``registry_s``);
- the whole sweep (claims written and read back, sends not run): its query
  count, the claims' INSERT apart, is flat as well.

Measured here at 10 000 dossiers on PostgreSQL (2 cores shared with other
work), fastest round of ``reminders_due``:

- 8–12 s while the sources reversed a URL per obligation;
- 4.2–4.5 s once they reversed it once (82 290 obligations read, 14 375
  reminders in force; profiled: the steps' model instances 1.5 s, the
  certificates' working-day arithmetic and refusals per row 1.1 s, the
  OPCO source's reverse() and lazy label per row 0.6 s, the selection
  0.6 s);
- 0.50 s alone, 0.72 s in ``make bench`` (load 2–3; 1.55 s under load 6),
  since the registry is asked for the sweep's window only (``due_between``:
  14 375 obligations read, the same reminders — tests/conventions/
  reminders/test_window.py), the sources read tuples and work out a
  deadline once per distinct date, and the people are read from the
  columns of the actors needed only (registry 0.31 s, selection 0.17 s).
  The sweep's own selection over every obligation (82 290, no window):
  0.21 s. The whole sweep with its 14 375 claims written: 2.6 s.
"""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions.reminders import services
from conventions.reminders.models import DEFAULT_OFFSETS, ReminderClaim

from .school import build_school, destroy_school

SIZES = (100, 10_000)
SELECTION_TARGET = 2.0  # seconds, fastest round at 10 000 dossiers
DAY = datetime.date(2026, 12, 15)
QUERIES = {}  # (what, size) -> query count


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}-dossiers")
def school(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ReminderClaim.objects.all().delete()
        destroy_school()
        data = build_school(request.param)
    yield data
    with django_db_blocker.unblock():
        ReminderClaim.objects.all().delete()
        destroy_school()


def _count(function, *args, **kwargs):
    """The result and the number of queries, the claims' INSERTs apart
    (one on PostgreSQL; SQLite splits a bulk insert by its variable limit)."""
    with CaptureQueriesContext(connection) as queries:
        result = function(*args, **kwargs)
    return result, len([q for q in queries.captured_queries if not q["sql"].startswith("INSERT")])


@pytest.mark.django_db
def test_bench_notif_1_the_sweep_s_own_selection_within_2_s(benchmark, school):
    """NOTIF-1: once the registry has answered, the sweep selects what is in
    force and who must act over 10 000 dossiers in ≤ 2 s."""
    size = school["size"]
    dossiers = services.open_dossiers(DAY)
    obligations = services.all_obligations(dossiers)
    found = benchmark.pedantic(services.reminders_in_force, args=(obligations, dossiers, DAY), rounds=3, iterations=1)
    reminders = sum(len(people) for _o, _offset, people in found)
    assert reminders >= size  # at least step A's reminder for every student
    benchmark.extra_info.update(obligations=len(obligations), reminders=reminders)
    if size == SIZES[-1]:
        assert benchmark.stats["min"] <= SELECTION_TARGET, f"fastest round {benchmark.stats['min']:.2f} s"


@pytest.mark.django_db
def test_bench_notif_1_the_selection_s_query_count_is_flat(benchmark, school):
    """NOTIF-1: the whole selection (registry included) makes the same
    number of queries at 100 and 10 000 dossiers; its time and the
    registry's share are recorded."""
    size = school["size"]
    found, queries = _count(services.reminders_due, DAY)
    window = services.window_of(DAY, [DEFAULT_OFFSETS, *services.offsets_by_year().values()])
    started = time.perf_counter()
    services.all_obligations(services.open_dossiers(DAY), due_between=window)
    registry = time.perf_counter() - started
    benchmark.pedantic(services.reminders_due, args=(DAY,), rounds=2, iterations=1)
    QUERIES[("selection", size)] = queries
    benchmark.extra_info.update(queries=queries, registry_s=round(registry, 2), reminders=len(found))
    if size == SIZES[-1]:
        assert QUERIES[("selection", SIZES[0])] == queries


@pytest.mark.django_db
def test_bench_notif_1_the_whole_selection_within_2_s(benchmark, school):
    """NOTIF-1 (issue 15's Done-when): the whole selection over 10 000
    dossiers, the registry's read included, in ≤ 2 s."""
    found = benchmark.pedantic(services.reminders_due, args=(DAY,), rounds=3, iterations=1)
    assert len(found) >= school["size"]  # at least step A's reminder for every student
    if school["size"] == SIZES[-1]:
        assert benchmark.stats["min"] <= SELECTION_TARGET, f"fastest round {benchmark.stats['min']:.2f} s"


@pytest.mark.django_db
def test_bench_notif_1_the_whole_sweep_claims_in_a_flat_number_of_queries(benchmark, school):
    """NOTIF-1: the sweep with its claims written and read back (sends not
    run): a first sweep claims every reminder, a second finds them claimed;
    the query count of the first, its INSERT apart, is the same at 100 and
    10 000."""
    size = school["size"]
    ReminderClaim.objects.all().delete()
    queued, queries = _count(services.reminders_sweep, DAY, queue=lambda claim_id: None)
    assert len(queued) == ReminderClaim.objects.count() >= size
    again = benchmark.pedantic(services.reminders_sweep, args=(DAY,), kwargs={"queue": lambda claim_id: None},
                               rounds=1, iterations=1)
    assert again == []
    QUERIES[("sweep", size)] = queries
    benchmark.extra_info.update(queries=queries, claims=len(queued))
    if size == SIZES[-1]:
        assert queries == QUERIES[("sweep", SIZES[0])]
