"""CAL-5: working days exclude weekends and French public holidays."""

import datetime

import pytest

from contratpro import workdays

D = datetime.date


def test_cal_5_weekend_is_not_a_working_day():
    """CAL-5: Saturdays and Sundays are never working days."""
    assert not workdays.is_working_day(D(2026, 11, 21))  # Saturday
    assert not workdays.is_working_day(D(2026, 11, 22))  # Sunday
    assert workdays.is_working_day(D(2026, 11, 23))  # Monday


@pytest.mark.parametrize(
    "day, name",
    [
        (D(2026, 11, 11), "Armistice"),  # a Wednesday
        (D(2026, 12, 25), "Noël"),
        (D(2027, 3, 29), "Lundi de Pâques"),  # moveable feast, from the library
        (D(2027, 5, 17), "Lundi de Pentecôte"),
    ],
)
def test_cal_5_public_holidays_come_from_the_library(day, name):
    """CAL-5: French public holidays, movable ones included, are closed."""
    assert day.weekday() < 5
    assert not workdays.is_working_day(day)
    assert name.lower() in workdays.holiday_name(day).lower()


def test_cal_5_previous_working_day_skips_holiday_and_weekend():
    """CAL-5: the day before Monday 17 May 2027 (Pentecôte) that is worked is Friday 14 May."""
    assert workdays.previous_working_day(D(2027, 5, 17)) == D(2027, 5, 14)
    assert workdays.previous_working_day(D(2027, 5, 14)) == D(2027, 5, 14)


def test_cal_5_next_working_day():
    """CAL-5: after Christmas Friday 25 December 2026 comes Monday 28."""
    assert workdays.next_working_day(D(2026, 12, 25)) == D(2026, 12, 28)


def test_cal_5_add_working_days_both_directions():
    """CAL-5: counting working days forward and back skips closed days."""
    # Thursday 24 Dec 2026 + 1 working day: Friday 25 is Noël → Monday 28.
    assert workdays.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 28)
    assert workdays.add_working_days(D(2026, 12, 28), -1) == D(2026, 12, 24)
    assert workdays.add_working_days(D(2026, 12, 24), 0) == D(2026, 12, 24)


def test_cal_5_working_days_between_counts_inclusive():
    """CAL-5: November 2026 has 21 weekdays minus the 11th (Armistice) = 20."""
    assert workdays.working_days_between(D(2026, 11, 1), D(2026, 11, 30)) == 20
    assert workdays.working_days_between(D(2026, 11, 30), D(2026, 11, 1)) == 0


def test_cal_5_school_can_close_or_open_extra_days(settings):
    """CAL-5: the school's own closures and the journée de solidarité adjust the library."""
    settings.WORKDAYS_EXTRA_CLOSED = ["2026-11-23"]
    settings.WORKDAYS_EXTRA_OPEN = ["2027-05-17"]
    assert not workdays.is_working_day(D(2026, 11, 23))
    assert workdays.is_working_day(D(2027, 5, 17))
