"""A year's calendar and what follows from it (CAL-1, CAL-4, STEP-2).

The office sets each year's dates (CAL-1) and its alternation periods
(CAL-4) in the admin. Dates of higher rooms derive from them — the steps'
deadlines (STEP-2) — so those rooms register a hook here from their
``AppConfig.ready`` and imports keep pointing one way (ARCHITECTURE.md).
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

# The fields of ``AcademicYear`` that are its calendar (CAL-1).
CALENDAR_FIELDS = ("rentree", "s9_end", "s10_start", "christmas_start", "christmas_end", "pfe_start", "contract_end")

# Functions ``hook(year)`` run once a year's calendar changed; each may return
# how many of its rows it moved.
CALENDAR_CHANGED_HOOKS = []


def on_calendar_changed(func):
    """Run ``func(year)`` after each change to a year's calendar."""
    if func not in CALENDAR_CHANGED_HOOKS:
        CALENDAR_CHANGED_HOOKS.append(func)
    return func


@transaction.atomic
def year_calendar_changed(*, year, by):
    """The dates of ``year`` or its periods were saved by ``by`` (CAL-1,
    CAL-4): recompute what derives from them, such as the deadlines of the
    year's steps (STEP-2), in the same transaction. Returns how many rows the
    hooks moved; nothing outside the year is touched."""
    moved = sum(hook(year) or 0 for hook in CALENDAR_CHANGED_HOOKS)
    logger.info("Calendar of %s changed by %s: %d rows moved.", year, by, moved)
    return moved
