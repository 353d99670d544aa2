"""The deadlines registry: every dated obligation of a dossier, whoever
owns it (STEP-2, NOTIF-1).

Each room declares a ``Source`` from its ``AppConfig.ready``: a function
that takes a queryset of dossiers and returns their ``Obligation`` rows in
a number of queries that does not grow with the dossiers (set-based).
Reminders, iCal feeds, the "À faire" queues and the dashboard read only
``obligations_for``; none of them knows which room an obligation comes from.
"""

from dataclasses import dataclass

from django.urls import reverse

# A number no dossier has, to reverse a URL pattern once per source.
_PLACEHOLDER = 2_147_483_647


@dataclass(frozen=True)
class Obligation:
    """One dated thing to do for one dossier."""

    dossier_id: int
    key: str  # stable within the dossier, e.g. "step:5p": what a reminder is claimed for
    label: str  # what to do, in French
    actors: frozenset  # who must act (``steps.Actor`` values)
    due: object  # a date
    done: bool
    url: str = ""  # where to act


@dataclass(frozen=True)
class Source:
    name: str
    obligations: object  # function(dossiers queryset) -> iterable of Obligation


_SOURCES = {}


def dossier_url(name, anchor=""):
    """``pk -> url`` for the URL pattern ``name`` taking one pk (a dossier's,
    or the record's an obligation is about):
    reversed once, not once per obligation (``reverse`` costs about a tenth
    of a millisecond: 10 000 dossiers' sweep would spend seconds on it)."""
    prefix, _, suffix = reverse(name, args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    return lambda pk: f"{prefix}{pk}{suffix}{anchor}"


def register(source):
    _SOURCES[source.name] = source
    return source


def obligations_for(dossiers, *, include_done=False):
    """The obligations of ``dossiers`` from every registered source, by due date."""
    found = []
    for source in _SOURCES.values():
        found.extend(o for o in source.obligations(dossiers) if include_done or not o.done)
    return sorted(found, key=lambda o: (o.due, o.dossier_id, o.key))
