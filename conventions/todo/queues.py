"""The « À faire » registry: the sections of each role's work queue (ROLE-1…8).

A ``Section`` says which roles see it, the rows it is made of (a queryset:
its count is one subquery of the one query that counts every section) and
how a row becomes an ``Item``. Sections that are not a queryset (the late
obligations, read from the deadlines registry) give ``items`` only and do
not count in the navigation. Every room registers its sections from its
``AppConfig.ready``: the conventions room's are in ``sources``; grading
(grades to give) and attendance (exceptional absences to decide, for the
department head) add theirs the same way, without this package knowing them.

Every queryset starts from ``contratpro.roles.dossiers_for(user)`` and only
narrows it (ROLE-9).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from contratpro import roles

# How many lines a section shows; the rest is counted and one click away.
LIMIT = 50


@dataclass(frozen=True)
class Item:
    """One thing that awaits the viewer, one click from where to act."""

    kind: str  # stable, e.g. "step", "approval", "school-signature"
    label: str  # what to do, in French
    student_name: str
    dossier_id: object  # int, or None for what concerns no dossier
    since: object  # datetime or date: since when it waits (or when it was sent)
    url: str  # where to act
    due: object = None  # a date
    late: bool = False
    actor: str = ""  # who must act, or who acted
    detail: str = ""  # a second line
    action: str = ""  # the link's label
    links: tuple = ()  # further (label, url) pairs: the document, the fiche…


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    roles: frozenset  # ``roles.Role`` values that see this section
    items: object  # function(user, limit) -> list of at most ``limit`` Items in order, or a ``Page``
    rows: object = None  # function(user) -> queryset, one row per item: counted in SQL
    empty: str = ""  # what an empty section means, in French
    order: int = 100
    counted: bool = True  # counts in the navigation's number
    newest_first: bool = False  # what was sent to the viewer; else oldest first
    intro: str = ""


_SECTIONS = {}


def register(section):
    _SECTIONS[section.key] = section
    return section


def unregister(key):
    """For tests that add a section of their own."""
    _SECTIONS.pop(key, None)


def sections_for(user):
    """The sections ``user``'s roles see, in order."""
    user_roles = roles.roles_of(user)
    return sorted((s for s in _SECTIONS.values() if s.roles & user_roles), key=lambda s: (s.order, s.key))


def has_queue(user):
    return bool(sections_for(user))


def counts_for(user, sections=None):
    """``{section key: number of rows}`` for the sections that are
    querysets, in one query whatever the number of sections or dossiers;
    kept on the user for the rest of the request (the page and the
    navigation share it)."""
    cached = getattr(user, "_todo_counts", None)
    if cached is not None:
        return cached
    sections = [s for s in (sections if sections is not None else sections_for(user)) if s.rows is not None]
    counts = {}
    if sections:
        annotations = {f"n{index}": _count(section.rows(user)) for index, section in enumerate(sections)}
        row = get_user_model().objects.filter(pk=user.pk).annotate(**annotations).values(*annotations).first() or {}
        counts = {section.key: row.get(f"n{index}") or 0 for index, section in enumerate(sections)}
    user._todo_counts = counts
    return counts


def _count(queryset):
    """``queryset``'s number of rows as a subquery (0 when empty)."""
    counted = queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def nav_count(user):
    """The navigation's number: what awaits ``user`` in the sections that count."""
    sections = sections_for(user)
    counted = {s.key for s in sections if s.counted}
    return sum(n for key, n in counts_for(user, sections).items() if key in counted)


def nav_url(user):
    """The viewer's « À faire » page, or None without a queue; reads only the roles."""
    if not getattr(user, "is_authenticated", False) or not has_queue(user):
        return None
    return todo_url()


def todo_url():
    return reverse("conventions:todo")


def back_to_queue(url):
    """``url`` with ``next`` pointing back at the queue, the anchor kept:
    after a decision the viewer comes back to the next item."""
    path, _sep, anchor = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({'next': todo_url()})}" + (f"#{anchor}" if anchor else "")


@dataclass
class Page:
    """What a section that is not a queryset returns: its first items and
    how many there are in all."""

    items: list
    total: int


@dataclass
class Queue:
    """One section as the page shows it."""

    section: Section
    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self):
        return max(self.total - len(self.items), 0)


def queues_for(user, limit=LIMIT):
    """The viewer's sections with their first ``limit`` items and totals."""
    sections = sections_for(user)
    counts = counts_for(user, sections)
    queues = []
    for section in sections:
        if section.rows is not None and counts.get(section.key, 0) == 0:
            queues.append(Queue(section, [], 0))  # nothing to read
            continue
        found = section.items(user, limit)
        if isinstance(found, Page):
            items, total = list(found.items), found.total
        else:
            items = list(found)
            total = counts[section.key] if section.rows is not None else len(items)
        queues.append(Queue(section, items[:limit], max(total, len(items[:limit]))))
    return queues
