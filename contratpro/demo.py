"""Demo builders: each room's part of ``manage.py demo`` (ARCHITECTURE.md).

A room registers its builders from its ``AppConfig.ready``; the command
runs them in order, in one transaction, each with the same ``DemoContext``,
so that no room imports a higher one, not even for the demo. A builder
reads what earlier builders left in the context (the year, the accounts,
the companies, the students) and may add to it for later ones.

Part of contratpro's base: imports no app.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    """What the builders of one run share.

    ``tally`` counts the rows written (``created``, ``updated``,
    ``deleted``): a run that changes nothing leaves it at zero. ``summary``
    holds, by line of the command's summary, the fragments higher rooms add
    to it (``summary["demarche"]``: after the steps, the grades)."""

    options: dict = field(default_factory=dict)
    tally: Counter = field(default_factory=Counter)
    password: str = ""  # the hash every demo account gets
    year: object = None
    users: dict = field(default_factory=dict)  # school accounts by username
    companies: dict = field(default_factory=dict)  # (company, tutor, signatory) by story key
    students: dict = field(default_factory=dict)  # Student rows by username
    summary: defaultdict = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Builder:
    name: str
    func: object  # function(context: DemoContext) -> None
    order: int


_BUILDERS = {}


def register(name, func, order):
    """Add (or replace) the builder ``name``; builders run by ``order``."""
    builder = Builder(name, func, order)
    _BUILDERS[name] = builder
    return builder


def builders():
    """The registered builders in the order they run (ties by name)."""
    return sorted(_BUILDERS.values(), key=lambda builder: (builder.order, builder.name))
