"""The deadlines registry: every dated obligation of a dossier, whoever
owns it (STEP-2, NOTIF-1).

Each room declares a ``Source`` from its ``AppConfig.ready``: a function
that takes a queryset of dossiers and returns their ``Obligation`` rows in
a number of queries that does not grow with the dossiers (set-based).
Reminders, iCal feeds, the "À faire" queues and the dashboard read only
``obligations_for``; none of them knows which room an obligation comes from.

A reader that needs only the obligations falling due within a window (the
reminder sweep: a few weeks around today) passes ``due_between=(first,
last)``. A source whose function takes a ``due_between`` keyword is given
the window and may use it to read fewer rows (in the database, or before
building its obligations); the registry keeps only the obligations within
the window whatever the source did, so a source that ignores it, or takes
no such keyword, answers the same.
"""

import inspect
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
    obligations: object  # function(dossiers queryset[, due_between=(first, last)]) -> iterable of Obligation


_SOURCES = {}
_TAKES_WINDOW = set()  # names of the sources whose function takes ``due_between``


def dossier_url(name, anchor=""):
    """``pk -> url`` for the URL pattern ``name`` taking one pk (a dossier's,
    or the record's an obligation is about):
    reversed once, not once per obligation (``reverse`` costs about a tenth
    of a millisecond: 10 000 dossiers' sweep would spend seconds on it)."""
    prefix, _, suffix = reverse(name, args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    return lambda pk: f"{prefix}{pk}{suffix}{anchor}"


def takes_window(function):
    try:
        return "due_between" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def register(source):
    _SOURCES[source.name] = source
    if takes_window(source.obligations):
        _TAKES_WINDOW.add(source.name)
    else:
        _TAKES_WINDOW.discard(source.name)
    return source


def in_window(due, due_between):
    """True when ``due`` falls within ``due_between`` (both days included),
    or when there is no window."""
    if due_between is None:
        return True
    first, last = due_between
    return due is not None and first <= due <= last


def obligations_for(dossiers, *, include_done=False, due_between=None):
    """The obligations of ``dossiers`` from every registry source, by due
    date; with ``due_between=(first, last)`` only those due within it."""
    found = []
    for name, source in _SOURCES.items():
        rows = source.obligations(dossiers, due_between=due_between) if (
            due_between is not None and name in _TAKES_WINDOW) else source.obligations(dossiers)
        if due_between is None:
            found.extend(o for o in rows if include_done or not o.done)
        else:
            first, last = due_between
            found.extend(
                o for o in rows if (include_done or not o.done) and o.due is not None and first <= o.due <= last
            )
    return sorted(found, key=lambda o: (o.due, o.dossier_id, o.key))
