"""The s9 subject's part of ``manage.py demo`` (ROLE-3, EVAL-1, EVAL-2).

- ``build_reports`` (order 690, before the démarche moves step A at 700):
  the students whose story hands step A in hand the report in through
  ``report.report_hand_in``, its four parts ticked.
- ``build_s9`` (order 850, after the scores at 800):
  - naming tutors: conventions' records builder writes ``tuteur_ecole``
    only where the story names one, so the heads name ``tuteur`` for the
    first ``NAMED_AT_MOST`` students (by login) the story gives a contract
    and no tutor — chosen from the story, not from the rows, so a second
    run names nobody else —, through
    ``services.tutor_name`` (its mail stays in memory: the addresses are
    made up);
  - of ``tuteur``'s tutees, by login: the first has its report graded
    (14,50/20) and its company appraisal typed from the paper fiche (15/20),
    so its S9 grade is complete; the second has its report graded (12,25/20).

Everything goes through the services; a second run writes nothing.
"""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from conventions.demo.data import DEMARCHE, STUDENTS
from conventions.demo.evidence import FILE_NAMES, scan, stamp
from conventions.demo.records import at
from conventions.demo.story import Story, last_event, office_day, story_dossiers
from conventions.documents.models import Document
from conventions.dossier import steps
from conventions.models import DossierStep, StepState

from . import report, services
from .models import S9Evaluation

NAMED_AT_MOST = 2  # one dossier with a contract stays for its head to name (« Tuteurs à nommer »)
NAME_UNNAMED = True  # see the module's docstring
REPORTS = (Decimal("14.50"), Decimal("12.25"))
APPRAISAL = Decimal("15.00")


def build_reports(context):
    """EVAL-2, step A (order 690, before the démarche moves step A at 700):
    each student whose story hands step A in hands in the report through
    ``report.report_hand_in``, the four parts ticked, stamped on the story's
    day; the démarche then finds step A handed in (and validates it where
    the story says so). A dossier with a report already is left alone."""
    for dossier in story_dossiers(context.year):
        story = Story(dossier)
        if DEMARCHE[story.username].get("A", StepState.TODO) == StepState.TODO:
            continue
        if Document.objects.filter(dossier=dossier, kind=report.KIND).exists():
            continue
        steps.steps_sync(dossier)
        since = last_event(dossier)
        document = report.report_hand_in(
            dossier=dossier, by=dossier.student.user, parts=set(report.REPORT_PARTS),
            uploaded_file=SimpleUploadedFile(FILE_NAMES[report.KIND], scan(str(report.KIND.label)),
                                             content_type="application/pdf"),
        )
        moment = story.moment(report.STEP, steps.SUBMIT)
        stamp(dossier, since, moment)
        Document.objects.filter(pk=document.pk).update(created_at=moment)
        report.ReportParts.objects.filter(document=document).update(at=moment)
        DossierStep.objects.filter(dossier=dossier, code=report.STEP).update(updated_at=moment)
        context.tally["created"] += 1


def build_s9(context):
    year, tally = context.year, context.tally
    tutor = context.users.get("tuteur")
    if tutor is None:
        return
    dossiers = sorted(story_dossiers(year), key=lambda d: d.student.user.username)
    to_name = set(sorted(st.username for st in STUDENTS if st.contract and not st.tutor)[:NAMED_AT_MOST])
    unnamed = [d for d in dossiers if d.tuteur_ecole_id is None and d.student.user.username in to_name]
    for dossier in unnamed if NAME_UNNAMED else []:
        head = dossier.student.department.head
        if head is None:
            continue
        since = last_event(dossier)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            services.tutor_name(dossier=dossier, tutor=tutor, by=head)
        # Named a week after the copies went to the service social (step 7), early in the S9.
        stamp(dossier, since, at(office_day(Story(dossier).handed_in("7"), 5), 11, 15))
        tally["updated"] += 1
    tutees = [d for d in dossiers if d.tuteur_ecole_id == tutor.pk]
    for dossier, grade in zip(tutees, REPORTS):
        evaluation = S9Evaluation.objects.filter(dossier=dossier).first()
        if evaluation is None or evaluation.report_grade is None:
            services.report_grade_set(dossier=dossier, grade=grade, by=tutor,
                                      comment="Rapport clair ; le sujet du PFE est bien posé.")
            tally["created" if evaluation is None else "updated"] += 1
    if tutees:
        first = tutees[0]
        evaluation = S9Evaluation.objects.filter(dossier=first).first()
        if evaluation.appraisal_grade is None:
            services.appraisal_from_paper(dossier=first, grade=APPRAISAL, by=tutor)
            tally["updated"] += 1
    graded = S9Evaluation.objects.filter(dossier__year=year, report_grade__isnull=False).count()
    handed_in = report.ReportParts.objects.filter(document__dossier__year=year).count()
    context.summary["demarche"].append(_("rapports du S9 remis avec leurs quatre parties : %(n)s") % {"n": handed_in})
    context.summary["demarche"].append(_("rapports du S9 notés : %(n)s") % {"n": graded})
