"""The weekly digest's speed (NOTIF-1): `make bench`.

Over a school built in bulk (``school.build_school``), at 100 and 5 000
dossiers, on Monday 14 December (steps A and B due on the 18th, every
earlier step not validated late: thousands of lines):

- the digest's own part (``weekly_digests`` given the registry's answer:
  the week's obligations kept, their students and departments read in one
  query, the office's and each head's lines grouped and cut) takes
  ≤ ``OWN_TARGET`` at 5 000;
- the whole build, the registry read once for every recipient, makes the
  same number of queries at 100 and 5 000 and takes ≤ ``BUILD_TARGET``;
- the whole weekly sweep (claims written and read back, sends not run)
  also makes a flat number of queries, its INSERT apart.

The targets: the registry's read is most of the time and is not the
digest's (the reminders' bench records it: 4.5 s at 10 000 dossiers); here
it took 2 to 5 s at 5 000 on a machine shared by several jobs, the whole
build 4.5 to 7.3 s. The digest's own part is held to a second; the whole
to 8 s: the digest runs once a week in a worker, where seconds are fine
and a query per dossier would not be.
"""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions.digest import services
from conventions.digest.models import DigestClaim
from conventions.reminders.services import all_obligations, open_dossiers

from .school import build_school, destroy_school

SIZES = (100, 5_000)
OWN_TARGET = 1.0  # seconds at 5 000 dossiers: the digest's own part, the registry's answer given
BUILD_TARGET = 8.0  # seconds at 5 000 dossiers: the whole build, registry included (measured 4.5 to 7.3 s)
DAY = datetime.date(2026, 12, 14)
QUERIES = {}  # (what, size) -> query count


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}-dossiers")
def school(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        DigestClaim.objects.all().delete()
        destroy_school()
        data = build_school(request.param)
    yield data
    with django_db_blocker.unblock():
        DigestClaim.objects.all().delete()
        destroy_school()


def _count(function, *args, **kwargs):
    """The result and the number of queries, the claims' INSERTs apart."""
    with CaptureQueriesContext(connection) as queries:
        result = function(*args, **kwargs)
    return result, len([q for q in queries.captured_queries if not q["sql"].startswith("INSERT")])


@pytest.mark.django_db
def test_bench_notif_1_the_weekly_digests_own_part_within_1_s(benchmark, school):
    """NOTIF-1: once the registry has answered, every recipient's digest
    (the week's obligations kept, their students and departments in one
    query, the office's and each head's lines grouped and cut) is built in
    ≤ 1 s at 5 000 dossiers."""
    size = school["size"]
    dossiers = open_dossiers(DAY)
    obligations = all_obligations(dossiers)
    digests = benchmark.pedantic(services.weekly_digests, args=(DAY, dossiers, obligations), rounds=3, iterations=1)
    assert set(digests) == {"office", f"user:{school['head'].pk}"}
    office = digests["office"][1]
    assert office["a_venir"] >= size  # steps A and B of every student at least
    benchmark.extra_info.update(obligations=len(obligations), lines=office["en_retard"] + office["a_venir"])
    if size == SIZES[-1]:
        assert benchmark.stats["min"] <= OWN_TARGET, f"fastest round {benchmark.stats['min']:.2f} s"


@pytest.mark.django_db
def test_bench_notif_1_the_weekly_digests_build_in_a_flat_number_of_queries(benchmark, school):
    """NOTIF-1: every recipient's weekly digest built with the registry read
    once: the same query count at 100 and 5 000 dossiers; the whole build
    ≤ 8 s at 5 000, the registry's read recorded (``registry_s``)."""
    size = school["size"]
    _digests, queries = _count(services.weekly_digests, DAY)
    started = time.perf_counter()
    all_obligations(open_dossiers(DAY))
    registry = time.perf_counter() - started
    benchmark.pedantic(services.weekly_digests, args=(DAY,), rounds=2, iterations=1)
    QUERIES[("build", size)] = queries
    benchmark.extra_info.update(queries=queries, registry_s=round(registry, 2))
    if size == SIZES[-1]:
        assert QUERIES[("build", SIZES[0])] == queries
        assert benchmark.stats["min"] <= BUILD_TARGET, f"fastest round {benchmark.stats['min']:.2f} s"


@pytest.mark.django_db
def test_bench_notif_1_the_weekly_sweep_claims_in_a_flat_number_of_queries(benchmark, school):
    """NOTIF-1: the sweep with its claims written and read back (sends not
    run): the first claims one digest per recipient, a second finds them
    claimed; the first's query count, its INSERT apart, is flat."""
    size = school["size"]
    DigestClaim.objects.all().delete()
    queued, queries = _count(services.weekly_sweep, DAY, queue=lambda claim_id: None)
    assert len(queued) == DigestClaim.objects.count() == 2
    again = benchmark.pedantic(services.weekly_sweep, args=(DAY,), kwargs={"queue": lambda claim_id: None},
                               rounds=1, iterations=1)
    assert again == []
    QUERIES[("sweep", size)] = queries
    benchmark.extra_info.update(queries=queries)
    if size == SIZES[-1]:
        assert queries == QUERIES[("sweep", SIZES[0])]
