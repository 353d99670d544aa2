"""Working-day arithmetic (CAL-5).

A working day is a weekday that is not a French public holiday (metropolitan
France, from the maintained ``holidays`` library) nor one of the school's
extra closed days; ``WORKDAYS_EXTRA_OPEN`` reopens a day the library marks as
a holiday (e.g. the journée de solidarité, when the school works on it).
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _public_holidays(year):
    return dict(holidays.country_holidays("FR", years=year, language="fr"))


def _iso_set(values):
    return {datetime.date.fromisoformat(v) for v in values}


def holiday_name(day):
    """The name of the public holiday falling on ``day``, or ``None``."""
    return _public_holidays(day.year).get(day)


def is_working_day(day):
    """True for a weekday that is neither a public holiday nor closed (CAL-5)."""
    if day in _iso_set(settings.WORKDAYS_EXTRA_OPEN):
        return True
    if day.weekday() >= 5:
        return False
    if day in _iso_set(settings.WORKDAYS_EXTRA_CLOSED):
        return False
    return day not in _public_holidays(day.year)


def previous_working_day(day):
    """The last working day on or before ``day`` (e.g. PFE-3's defence limit)."""
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def next_working_day(day):
    """The first working day on or after ``day``."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(day, count):
    """The date ``count`` working days after (or before, if negative) ``day``."""
    step = datetime.timedelta(days=1 if count >= 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end):
    """Number of working days from ``start`` to ``end``, both included."""
    if end < start:
        return 0
    days = (end - start).days + 1
    return sum(
        1 for offset in range(days) if is_working_day(start + datetime.timedelta(days=offset))
    )
