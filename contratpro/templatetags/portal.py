"""The portal's template filters, a builtin of the template engine
(settings.TEMPLATES): French dates and sizes (``contratpro.frenchdates``)."""

from django import template

from contratpro import frenchdates

register = template.Library()


@register.filter
def long_date(value):
    """{{ d|long_date }} → "1er septembre 2026"."""
    return frenchdates.long_date(value)


@register.filter
def day_month(value):
    """{{ d|day_month }} → "1er septembre"."""
    return frenchdates.long_date(value, year=False)


@register.filter
def weekday_date(value):
    """{{ d|weekday_date }} → "mardi 1er septembre 2026"."""
    return frenchdates.long_date(value, weekday=True)


@register.filter
def long_datetime(value):
    """{{ dt|long_datetime }} → "1er septembre 2026 à 14 h 05"."""
    return frenchdates.long_datetime(value)


@register.filter
def month_year(value):
    return frenchdates.month_year(value)


@register.filter
def file_size(value):
    """{{ bytes|file_size }} → "12 Ko"."""
    return frenchdates.file_size(value)


@register.filter
def iso_datetime(value):
    """{{ dt|iso_datetime }} → "2026-09-01T14:05:00+02:00", valid in
    ``<time datetime>`` (whole seconds: HTML allows at most three decimals)."""
    if not value:
        return ""
    return frenchdates.iso_datetime(value)
