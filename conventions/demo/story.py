"""When things happen in the demo's story, for every room's builders.

The services stamp what they write with the clock; the demo then stamps it
with the day of the story it happened (``backdate``), so that a dossier's
timeline reads like the year it went through.
"""

import datetime

from conventions.dossier import steps
from conventions.models import Dossier
from contratpro.workdays import add_working_days, next_working_day, previous_working_day
from students.models import Event

from .data import DEMARCHE, HANDED_IN, HANDED_IN_BY, LATE_SHIFT, LATE_STEPS, STUDENTS, TODAY
from .records import at

NUMBERS = {s.username: number for number, s in enumerate(STUDENTS, start=1)}


def office_day(day, working_days=0):
    """The day the school acts on something of ``day``: ``working_days``
    later, or that day if it is a working one (CAL-5); never after the last
    working day of the story."""
    day = add_working_days(day, working_days) if working_days else next_working_day(day)
    return min(day, previous_working_day(TODAY))


class Story:
    """When things happened to one demo dossier: the n-th student's dates
    shift by up to four days, a contract signed after the rentrée draws up
    its CERFA and convention five weeks later."""

    def __init__(self, dossier):
        self.username = dossier.student.user.username
        self.number = NUMBERS[self.username]
        self.jitter = datetime.timedelta(days=self.number % 5)
        self.late = dossier.start_date is not None and dossier.start_date > dossier.year.rentree

    def handed_in(self, code):
        if (self.username, code) in HANDED_IN_BY:
            return HANDED_IN_BY[(self.username, code)]
        day = HANDED_IN.get(code, TODAY) + self.jitter
        return min(day + LATE_SHIFT if self.late and code in LATE_STEPS else day, TODAY)

    def moment(self, code, action):
        """Steps done by the office alone (6, 6', 7) are validated on their
        day; the heads take a little longer over 3 and 3'."""
        day, spread = self.handed_in(code), self.number + steps.ORDER[code]
        if action == steps.SUBMIT:
            return at(day, 8 + spread % 10, 10)
        if steps.BY_CODE[code].direct:
            return at(office_day(day), 9 + spread % 3, 20)
        return at(office_day(day, 4 if code in ("3", "3p") else 2), 14 + spread % 4, 30)

    def approval(self):
        return at(office_day(self.handed_in("3"), 2), 11)

    def scoring(self):
        return at(previous_working_day(TODAY), 17, self.number)


def story_dossiers(year):
    """The demo dossiers whose démarche the story tells (``DEMARCHE``)."""
    return Dossier.objects.filter(year=year, student__user__username__in=DEMARCHE).select_related(
        "year", "student__user", "student__department__head", "tuteur_ecole"
    )


def backdate(moment, *rows, event=None):
    """Stamp what a service just wrote with the story's moment instead of
    the clock's: the dossier event ``event`` and ``rows``, given as
    (model, pk, field)."""
    if event is not None:
        Event.objects.filter(pk=event).update(at=moment)
    for model, pk, name in rows:
        model.objects.filter(pk=pk).update(**{name: moment})


def last_event(dossier):
    return dossier.events.order_by("-pk").values_list("pk", flat=True).first()
