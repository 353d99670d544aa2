"""The demo's arrêts and exceptional absences (ABS-1, ABS-2), after the timetable.

- The arrêt de travail of ``eleve08`` (reported by conventions' démarche,
  12 October) gets its file: five days, the employer told on the 15th
  (flagged late).
- ``eleve`` (2IA, Ingénierie logicielle) asked for Wednesday 2 December
  for a client's go-live: accepted by the head of 2IA, its make-up planned.
- ``eleve07`` asked for Tuesday 15 December: refused by the service, the
  S9 exams (CAL-4: « Examens du S9 », 14–18 December).
- ``eleve`` asked again, for Thursday 10 December (a client's audit): it
  waits in the head of 2IA's « À faire ».

Everything goes through the services, on the story's day (21 November
2026: they judge « past » and « to come » by the clock, so the builder sets
the clock to the story's moment while it runs). A second run writes nothing.
"""

import datetime
import io
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.dossier.models import Dossier

from . import services
from .models import ExceptionalAbsence, SickLeave

STORY_MOMENT = (datetime.date(2026, 11, 21), datetime.time(10))
# (login, first day, last day, employer told on, at)
LEAVES = (
    ("eleve08", datetime.date(2026, 10, 12), datetime.date(2026, 10, 16), datetime.date(2026, 10, 15), datetime.time(10)),
)
# (login, day, company's reason, accepted with its make-up, or None: left as it stands —
# refused by the service in an exam period, else waiting for the head)
ABSENCES = (
    ("eleve", datetime.date(2026, 12, 2),
     "Mise en production chez le client principal : l’élève pilote la bascule, prévue de longue date.",
     ("Rattrapage du cours et du TD du jour avec l'enseignante, travail écrit rendu.", datetime.date(2026, 12, 9))),
    ("eleve07", datetime.date(2026, 12, 15),
     "Salon professionnel à Lyon : l'entreprise souhaite la présence de l'élève sur le stand.", None),
    ("eleve", datetime.date(2026, 12, 10),
     "Audit de certification chez le client : l’élève présente le module qu’il a développé.", None),
)


def _moment(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


def arret_pdf(name):
    """A one-page PDF standing for a scanned arrêt de travail."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"Arrêt de travail – {name}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_absences(context):
    """ABS-1, ABS-2: the story's arrêts and exceptional absences."""
    office, tally = context.users["bureau"], context.tally
    dossiers = {
        d.student.user.username: d
        for d in Dossier.objects.filter(year=context.year, student__user__username__in={
            *(row[0] for row in LEAVES), *(row[0] for row in ABSENCES)}).select_related(
            "year", "student__user", "student__department", "student__option")
    }
    with mock.patch.object(timezone, "now", lambda: _moment(*STORY_MOMENT)):
        for login, start, end, told_on, told_at in LEAVES:
            dossier = dossiers.get(login)
            if dossier is None or SickLeave.objects.filter(dossier=dossier, start=start).exists():
                continue
            services.sick_leave_declare(
                dossier=dossier, start=start, end=end, employer_told_at=_moment(told_on, told_at),
                uploaded_file=SimpleUploadedFile("arret-de-travail.pdf", arret_pdf(dossier.student.full_name),
                                                 content_type="application/pdf"),
                by=dossier.student.user,
            )
            tally["created"] += 1
        for login, day, reason, makeup in ABSENCES:
            dossier = dossiers.get(login)
            if dossier is None or ExceptionalAbsence.objects.filter(dossier=dossier, day=day).exists():
                continue
            absence = services.absence_request(dossier=dossier, day=day, reason=reason, by=dossier.student.user)
            tally["created"] += 1
            if makeup is not None and absence.state == "demandee":
                head = dossier.student.department.head or office
                services.absence_decide(absence=absence, accept=True, by=head,
                                        comment="Accord : mission exceptionnelle, rattrapage organisé.",
                                        makeup_what=makeup[0], makeup_planned_on=makeup[1])
    leaves = SickLeave.objects.filter(dossier__year=context.year)
    context.summary["demarche"].append(_("arrêts de travail avec leur fichier : %(leaves)s (employeur prévenu tardivement : %(late)s)") % {
        "leaves": leaves.count(), "late": leaves.filter(told_late=True).count()})
