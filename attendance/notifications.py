"""Attendance's notification rules (issue 15), registered in conventions'
registry (conventions never imports attendance): an exceptional absence
asked for (« attendance.absence.request », ABS-2) → the heads of the
student's department and option, who decide it (ROLE-3). In the inbox
only: attendance mails them itself (``absences.tasks.notify_absence_requested``).
A request refused at once (a day in the exams) waits for nobody."""

from django.urls import reverse
from django.utils.translation import gettext as _

from conventions.notifications import people, registry
from conventions.notifications.registry import Notice

from .absences.models import AbsenceState, ExceptionalAbsence

ABSENCE_TO_DECIDE = "absence_to_decide"


def absence_requested(event):
    if event.to_state != AbsenceState.REQUESTED or event.dossier_id is None:
        return []
    dossier = people.dossier_people(event.dossier_id)
    if dossier is None or not dossier.heads:
        return []
    absence = ExceptionalAbsence.objects.filter(dossier_id=event.dossier_id, state=AbsenceState.REQUESTED).order_by("-pk").first()
    url = reverse("attendance:absence-detail", args=[absence.pk]) if absence else reverse("attendance:absence-queue")
    return [Notice(
        kind=ABSENCE_TO_DECIDE, users=dossier.heads, mailed_by_room=True, url=url,
        title=_("Absence exceptionnelle à décider : %(student)s") % {"student": dossier.student_name},
        body=event.summary,
    )]


def register_all():
    registry.register("attendance.absence.request", absence_requested)
