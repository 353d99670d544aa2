"""French typography for dates and sizes, one format across the portal.

"1er septembre 2026", "2 septembre 2026 à 14 h 05", "12 Ko". Templates use
the filters of ``contratpro.templatetags.portal`` (a template builtin, no
``{% load %}`` needed); messages built in Python use these functions.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def long_date(value, *, weekday=False, year=True):
    """"1er septembre 2026" (the first of the month as "1er"), optionally
    with the weekday ("mardi 1er septembre 2026"); "" for None."""
    if not value:
        return ""
    day = _as_date(value)
    text = ("1er" if day.day == 1 else str(day.day)) + " " + formats.date_format(day, "F")
    if year:
        text += " " + str(day.year)
    if weekday:
        text = formats.date_format(day, "l") + " " + text
    return text


def long_datetime(value):
    """"1er septembre 2026 à 14 h 05", in local time; "" for None."""
    if not value:
        return ""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return _("%(date)s à %(time)s") % {
        "date": long_date(moment.date()),
        "time": f"{moment.hour} h {moment.minute:02d}",
    }


def month_year(value):
    """"septembre 2026"."""
    return formats.date_format(_as_date(value), "F Y") if value else ""


def file_size(size):
    """A file size as people read it: "850 octets", "12 Ko", "1,4 Mo"."""
    if size is None:
        return ""
    if size < 1024:
        return ngettext("%(n)d octet", "%(n)d octets", size) % {"n": size}
    if size < 1024 * 1024:
        return _("%(n)s Ko") % {"n": formats.number_format(round(size / 1024))}
    return _("%(n)s Mo") % {"n": formats.number_format(round(size / (1024 * 1024), 1), decimal_pos=1)}


def iso_datetime(value):
    """The machine-readable moment for ``<time datetime>``, whole seconds, local offset."""
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return moment.replace(microsecond=0).isoformat()
