"""Shared arrangements of the calendar feeds' tests: a student's dossier with
its steps, the story's day, and a feed read by two independent parsers."""

import datetime

import icalendar
import pytest
import vobject
from django.utils import timezone

from conventions.dossier import steps
from conventions.feeds import services
from tests import factories

# 1 September 2026, the rentrée of the factories' year: step 5' (due on
# Tuesday 18 August) is late, S9's deadlines are ahead.
TODAY = datetime.date(2026, 9, 1)
PUBLIC = "https://contrats-pro.example"


@pytest.fixture(autouse=True)
def story_day(monkeypatch, settings):
    settings.CONTRATPRO_PUBLIC_URL = PUBLIC
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def dossier_of(year, first_name, last_name, **kwargs):
    dossier = factories.DossierFactory(
        student__year=year, student__user__first_name=first_name, student__user__last_name=last_name, **kwargs,
    )
    steps.steps_sync(dossier)
    return dossier


@pytest.fixture
def lea(year):
    """Léa Martin, student of 2IA (the factories' department)."""
    return dossier_of(year, "Léa", "Martin")


@pytest.fixture
def other(year):
    """Another student's dossier, in 2ER, with another head."""
    head = factories.UserFactory(username="resp2er", groups=["Enseignants"])
    department = factories.department("2ER")
    department.head = head
    department.save()
    return dossier_of(year, "Hugo", "Quaresmini", student__department=department,
                      student__option=department.options.first())


def subscribe(user):
    """A feed for ``user`` through the service; its token."""
    return services.feed_create(user=user, by=user)[1]


def feed_path(token):
    return f"/agenda/{token}.ics"


def both_parsers(body):
    """The events of ``body`` as each parser reads them, ``(uid, start, end,
    summary)`` sorted by UID, asserted alike, and the icalendar calendar."""
    calendar = icalendar.Calendar.from_ical(body)
    from_icalendar = sorted(
        (str(e["uid"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"])) for e in calendar.walk("VEVENT")
    )
    other = vobject.readOne(body.decode("utf-8"))
    from_vobject = sorted(
        (e.uid.value, e.dtstart.value, e.dtend.value, e.summary.value) for e in getattr(other, "vevent_list", [])
    )
    assert from_icalendar == from_vobject
    return calendar, from_icalendar
