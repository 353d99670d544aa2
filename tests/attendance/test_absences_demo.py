"""The demo's arrêts and exceptional absences (ABS-1, ABS-2), through the services, idempotent."""

import datetime

import pytest

from attendance.absences import demo
from attendance.absences.models import AbsenceState, ExceptionalAbsence, SickLeave
from contratpro.demo import DemoContext, builders
from conventions.dossier.models import Dossier, Incident
from conventions.dossier.services import incident_report
from students.models import CalendarPeriod, Option
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(year, office, head):
    option = Option.objects.get(department__code="2IA", name="Ingénierie logicielle")
    for login in ("eleve", "eleve07", "eleve08"):
        factories.DossierFactory(student__year=year, student__option=option, student__user__username=login)
    eleve08 = Dossier.objects.get(student__user__username="eleve08")
    incident_report(dossier=eleve08, kind=Incident.Kind.SICK_LEAVE, start=datetime.date(2026, 10, 12),
                    by=eleve08.student.user)
    CalendarPeriod.objects.create(year=year, kind=CalendarPeriod.Kind.EXAM, label="Examens du S9",
                                  start=datetime.date(2026, 12, 14), end=datetime.date(2026, 12, 18))
    return DemoContext(year=year, users={"bureau": office, "resp2ia": head})


def test_abs_1_demo_absences_run_after_the_timetable():
    """The builder runs after the timetable (750), at 770."""
    order = {builder.name: builder.order for builder in builders()}
    assert order["attendance.timetable"] < order["attendance.absences"] == 770


def test_abs_2_demo_arrets_accepted_and_refused_absences(context, head, private_root):
    """ABS-1, ABS-2: the démarche's arrêt gets its file (told late, flagged),
    no second incident; an absence accepted with its make-up planned, one
    refused for the exams, one waiting for the head; a second run writes nothing."""
    demo.build_absences(context)
    leave = SickLeave.objects.get()
    assert leave.told_late and (private_root / leave.file_name).is_file()
    assert Incident.objects.get() == leave.incident
    accepted = ExceptionalAbsence.objects.get(dossier__student__user__username="eleve", day=datetime.date(2026, 12, 2))
    assert (accepted.state, accepted.decided_by, accepted.makeup_planned_on) == (
        AbsenceState.ACCEPTED, head, datetime.date(2026, 12, 9))
    refused = ExceptionalAbsence.objects.get(dossier__student__user__username="eleve07")
    assert refused.state == AbsenceState.REFUSED and "Examens du S9" in refused.decision_comment
    waiting = ExceptionalAbsence.objects.get(dossier__student__user__username="eleve", day=datetime.date(2026, 12, 10))
    assert waiting.state == AbsenceState.REQUESTED and waiting.decided_by is None
    context.tally.clear()
    demo.build_absences(context)
    assert not context.tally and SickLeave.objects.count() == 1 and ExceptionalAbsence.objects.count() == 3
