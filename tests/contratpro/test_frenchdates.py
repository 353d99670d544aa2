"""French typography for dates and sizes on the pages (issue: "1er septembre", "Ko")."""

import datetime

from django.template import Context, Template
from django.utils import timezone

from contratpro.frenchdates import file_size, long_date, long_datetime


def test_first_of_the_month_reads_premier():
    """The first of a month is written "1er", other days plainly."""
    assert long_date(datetime.date(2026, 9, 1)) == "1er septembre 2026"
    assert long_date(datetime.date(2026, 9, 2)) == "2 septembre 2026"
    assert long_date(datetime.date(2026, 9, 1), weekday=True) == "mardi 1er septembre 2026"


def test_datetime_in_local_time_with_french_hours():
    """Times read "à 14 h 05", in the portal's time zone."""
    moment = timezone.make_aware(datetime.datetime(2026, 10, 1, 14, 5))
    assert long_datetime(moment) == "1er octobre 2026 à 14 h 05"


def test_sizes_in_octets_ko_mo():
    """Sizes are in octets, Ko and Mo, never "Kio"."""
    assert file_size(850) == "850 octets"
    assert file_size(1) == "1 octet"
    assert file_size(12 * 1024) == "12 Ko"
    assert file_size(int(1.4 * 1024 * 1024)) == "1,4 Mo"


def test_filters_are_builtins_of_every_template():
    """Templates use the filters without loading anything."""
    rendered = Template("{{ d|long_date }} · {{ n|file_size }}").render(
        Context({"d": datetime.date(2027, 3, 1), "n": 2048})
    )
    assert rendered == "1er mars 2027 · 2 Ko"
