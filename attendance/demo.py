"""The demo's timetable and carnets (ATT-1, ATT-2), after the démarche.

One option (Ingénierie logicielle, the ``eleve`` login's) has a morning
course and an afternoon TD on every weekday of the autumn's school weeks
(CAL-4: 1 September – 2 October, 23 November – 11 December). Mornings are
taught by ``enseignant``, afternoons by ``tuteur``. Sessions before the
story's day (21 November 2026) are signed by their teacher on the day, a
few absences rotating, but two September TDs left unsigned; one signed
session is corrected by the office with its reason. Sessions are found by
their natural key (module, date, start), so a second run writes nothing.
The ``eleve`` login's carnet (else the option's first student's) is then
built once by the portal, a version after any scan deposited, as of the story's day, through the service the
PDF task runs (ATT-1, ATT-3): the dossier's documents show it.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.documents.models import Document, DocumentKind
from conventions.models import Dossier
from students.models import Event, Module, Option

from . import pdf, services
from .models import PresenceCorrection, Session, SessionSignature

STORY_DAY = datetime.date(2026, 11, 21)
OPTION = ("2IA", "Ingénierie logicielle")
SCHOOL_WEEKS = ((datetime.date(2026, 9, 1), datetime.date(2026, 10, 2)),
                (datetime.date(2026, 11, 23), datetime.date(2026, 12, 11)))
# (start, end, kind, teacher's login, room)
SLOTS = (
    (datetime.time(9), datetime.time(12), Session.Kind.COURS, "enseignant", "Amphi C"),
    (datetime.time(13, 30), datetime.time(17), Session.Kind.TD, "tuteur", "Salle B104"),
)
LEFT_UNSIGNED = {(datetime.date(2026, 9, 29), datetime.time(13, 30)), (datetime.date(2026, 10, 2), datetime.time(13, 30))}
CORRECTED = (datetime.date(2026, 9, 8), datetime.time(9))
CORRECTION_REASON = "Présente dès 9 h 20 : oubliée sur la feuille, confirmé par l'enseignante."


def _moment(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


def school_days():
    for first, last in SCHOOL_WEEKS:
        day = first
        while day <= last:
            if day.weekday() < 5:
                yield day
            day += datetime.timedelta(days=1)


def build_timetable(context):
    """ATT-1: the option's sessions, signed up to the story's day (ATT-2 totals)."""
    office, tally = context.users["bureau"], context.tally
    option = Option.objects.select_related("department").get(department__code=OPTION[0], name=OPTION[1])
    modules = list(Module.objects.filter(option=option).order_by("order", "pk"))
    existing = {(s.module_id, s.date, s.start): s for s in Session.objects.filter(year=context.year, module__in=modules)}
    signed = set(SessionSignature.objects.filter(session__in=existing.values()).values_list("session_id", flat=True))
    index = 0
    for day in school_days():
        for start, end, kind, teacher, room in SLOTS:
            module = modules[index % len(modules)]
            index += 1
            session = existing.get((module.pk, day, start))
            if session is None:
                session = services.session_save(values={
                    "module": module, "kind": kind, "date": day, "start": start, "end": end, "room": room,
                    "teacher": context.users[teacher]}, options=[option], by=office)
                tally["created"] += 1
            if day >= STORY_DAY or (day, start) in LEFT_UNSIGNED or session.pk in signed:
                continue
            expected = list(services.expected_students(session))
            present = [s for n, s in enumerate(expected) if (n + index) % 11]
            signature = services.session_sign(session=session, present=present, by=context.users[teacher])
            SessionSignature.objects.filter(pk=signature.pk).update(signed_at=_moment(day, end))
            tally["created"] += 1 + len(expected)
            absent = [s for s in expected if s not in present]
            if (day, start) == CORRECTED and absent:
                correction = services.presence_correct(session=session, present=[*present, absent[0]],
                                                       reason=CORRECTION_REASON, by=office)
                PresenceCorrection.objects.filter(pk=correction.pk).update(at=_moment(day, datetime.time(18)))
                Event.objects.filter(verb=services.CORRECT_VERB, student=absent[0]).update(
                    at=_moment(day, datetime.time(18)))
                tally["created"] += 1
    carnet = build_carnet(context, option)
    sessions = Session.objects.filter(year=context.year, module__in=modules)
    if carnet is not None:
        context.summary["demarche"].append(_("carnet de présence de %(name)s produit par le portail") % {
            "name": carnet.dossier.student.full_name})
    context.summary["demarche"].append(_("séances de l’option %(option)s : %(sessions)s, dont %(signed)s signées") % {
        "option": option.name, "sessions": sessions.count(), "signed": sessions.filter(signature__isnull=False).count(),
    })


def build_carnet(context, option):
    """ATT-1, ATT-3: one carnet built by the portal, the next version of the
    dossier's CARNET document (after the scan the démarche's story may have
    deposited), dated at the story's end of day; None when the portal built
    one already (a second run) or without a dossier."""
    dossiers = Dossier.objects.filter(year=context.year, student__option=option).select_related(
        "student__user", "student__year", "student__department", "student__option")
    eleve = context.users.get("eleve")
    dossier = (dossiers.filter(student__user=eleve).first() if eleve else None) or dossiers.order_by(
        "student__user__last_name", "student__user__first_name", "pk").first()
    if dossier is None or Document.objects.filter(dossier=dossier, kind=DocumentKind.CARNET, generated=True).exists():
        return None
    document = pdf.carnet_document_build(dossier=dossier, by=context.users["bureau"], today=STORY_DAY)
    Document.objects.filter(pk=document.pk).update(created_at=_moment(STORY_DAY, datetime.time(17, 30)))
    context.tally["created"] += 1
    return document
