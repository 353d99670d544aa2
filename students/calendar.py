"""A year's calendar and what follows from it (CAL-1…4, STEP-2).

The office sets each year's dates (CAL-1) and its alternation periods
(CAL-4) in the admin. Dates of higher rooms derive from them — the steps'
deadlines (STEP-2) — so those rooms register a hook here from their
``AppConfig.ready`` and imports keep pointing one way (ARCHITECTURE.md).
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from contratpro.workdays import previous_working_day

from . import programme
from .models import CalendarPeriod

Kind = CalendarPeriod.Kind

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


# --- The dates every document states (CAL-1…4) ------------------------------


@dataclass(frozen=True)
class Period:
    """One row of the alternation calendar as a document prints it."""

    label: str
    kind: str
    start: datetime.date
    end: datetime.date

    def __str__(self):
        return self.label


@dataclass(frozen=True)
class TrainingDates:
    """The periods of one contract's year, as the convention, its calendar
    and its billing schedule state them (CAL-1…4): one source for all."""

    start: datetime.date  # the contract's start (or the rentrée)
    end: datetime.date  # the contract's end (or the year's)
    s9_start: datetime.date
    s9_end: datetime.date
    s10_start: datetime.date
    s10_end: datetime.date
    defence: datetime.date | None  # the defence, once its date is known
    defence_by: datetime.date  # its latest day: the last working day of the training
    school_week: tuple | None  # (Monday, Friday) of the March school week (GCBD)
    pfe_start: datetime.date
    pfe_end: datetime.date
    s9_hours: int
    s10_hours: int
    pe_weeks: int
    pfe_weeks: int
    periods: tuple = ()  # the alternation calendar within the contract

    @property
    def training_hours(self):
        return self.s9_hours + self.s10_hours


def _march_school_week(year, department, rows):
    """CAL-3: the track's school week in March, from its own calendar rows
    (CAL-4) when the office entered one, else the first week of March."""
    march = [
        r for r in rows
        if r.kind == Kind.SCHOOL and r.department_id == department.pk and (r.start.year, r.start.month) == (year.start_year + 1, 3)
    ]
    if march:
        first = min(march, key=lambda r: r.start)
        return first.start, first.end
    return programme.first_week_of_march(year.start_year + 1)


def training_dates(year, department, *, start=None, end=None, defence=None, rows=None):
    """CAL-1…4: S9, S10, the March school week (GCBD), the PFE and the
    calendar rows of ``department``'s track in ``year`` for a contract from
    ``start`` to ``end`` (the year's rentrée and contract end when unknown).

    - S9 runs from the later of the rentrée and the contract's start (a
      contract starting on 14 September has S9 from 14 September) to the
      year's end of S9.
    - S10 runs from the year's start of S10 « jusqu'à la soutenance finale »
      (seed §3.2: « 210 heures au semestre 10 ["S10"] se déroulant du 1er
      janvier année N+1 jusqu'à la soutenance finale »). The seed §6.2 puts
      the defence « au plus tard le dernier jour ouvré de la formation prévue
      dans la convention de formation (normalement le dernier jour du contrat
      de professionnalisation) »: the PFE is the last part of S10, so until
      the defence's date is known S10 runs to the end of the training, the
      PFE's last day, which is the contract's end; ``defence_by`` is the last
      working day on or before it (CAL-5).
    - GCBD (``march_school_week``, CAL-3): the first week of March, Monday to
      Friday, is taught at school and the PFE starts after it.
    - The PFE starts on its calendar row for the track when there is one
      (CAL-4), else on the year's PFE start (after the school week for
      GCBD), and ends with the contract.

    ``rows``: the year's calendar rows of the track already read (else one
    query).
    """
    track = programme.track_for(department)
    start = start or year.rentree
    end = end or year.contract_end
    if rows is None:
        rows = list(year.periods_for(department))
    school_week = _march_school_week(year, department, rows) if track.march_school_week else None
    pfe_rows = sorted((r for r in rows if r.kind == Kind.PFE), key=lambda r: (r.department_id is None, r.start))
    pfe_start = pfe_rows[0].start if pfe_rows else year.pfe_start
    if school_week is not None and pfe_start <= school_week[1]:
        pfe_start = school_week[1] + datetime.timedelta(days=7 - school_week[1].weekday())  # the Monday after
    pfe_end = end
    defence_by = previous_working_day(pfe_end)
    s10_end = defence or pfe_end
    s9_start = max(year.rentree, start)
    periods = []
    for row in rows:
        if row.kind == Kind.PFE:
            continue  # the track's one PFE, below
        row_start, row_end = max(row.start, start), min(row.end, end)
        if row_start <= row_end:  # else before the contract's start or after its end
            periods.append(Period(str(row), row.kind, row_start, row_end))
    if rows:
        # The table says what the text says: the school week and the PFE
        # even when the office's calendar has no row for them.
        if school_week is not None and not any(p.start == school_week[0] for p in periods):
            periods.append(Period(str(_("Semaine de cours de mars")), Kind.SCHOOL, *school_week))
        label = str(pfe_rows[0]) if pfe_rows else str(Kind.PFE.label)
        periods.append(Period(label, Kind.PFE, pfe_start, pfe_end))
    periods.sort(key=lambda p: p.start)
    return TrainingDates(
        start=start, end=end, s9_start=s9_start, s9_end=year.s9_end, s10_start=year.s10_start, s10_end=s10_end,
        defence=defence, defence_by=defence_by, school_week=school_week, pfe_start=pfe_start, pfe_end=pfe_end,
        s9_hours=track.s9_hours, s10_hours=track.s10_hours, pe_weeks=track.pe_weeks, pfe_weeks=track.pfe_weeks,
        periods=tuple(periods),
    )
