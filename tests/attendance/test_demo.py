"""The demo's timetable (ATT-1, ATT-2): signed sessions and some unsigned, idempotent."""

import pytest

from attendance import demo, services
from attendance.models import Presence, PresenceCorrection, Session
from contratpro.demo import DemoContext, builders
from students.models import Option
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(year, office):
    option = Option.objects.get(department__code=demo.OPTION[0], name=demo.OPTION[1])
    for name in ("Fontaine", "Garcia", "Hébrard"):
        factories.DossierFactory(student__year=year, student__option=option, student__user__last_name=name)
    users = {"bureau": office,
             "enseignant": factories.UserFactory(username="enseignant", groups=["Enseignants"]),
             "tuteur": factories.UserFactory(username="tuteur", groups=["Enseignants"])}
    return DemoContext(year=year, users=users)


def test_att_1_demo_timetable_is_registered_after_the_demarche():
    """The builder runs after conventions' démarche (700) and before the scores (800)."""
    order = {builder.name: builder.order for builder in builders()}
    assert order["conventions.demarche"] < order["attendance.timetable"] < order["grading.scores"]


def test_att_1_demo_signs_the_autumn_before_the_story_day_and_leaves_some_unsigned(context):
    """ATT-1, ATT-2: the autumn's sessions, signed up to 21 November but two
    September TDs; one correction with its reason; a second run writes nothing."""
    demo.build_timetable(context)
    sessions = Session.objects.filter(year=context.year)
    assert sessions.count() == 78
    assert sessions.filter(signature__isnull=False).count() == 46
    assert not sessions.filter(signature__isnull=False, date__gte=demo.STORY_DAY).exists()
    assert sessions.filter(signature__isnull=True, date__lt=demo.STORY_DAY).count() == 2
    assert PresenceCorrection.objects.get().reason == demo.CORRECTION_REASON
    student = Presence.objects.first().student
    assert services.signed_minutes(Presence.objects.filter(student=student))["s9"] > 100 * 60
    context.tally.clear()
    demo.build_timetable(context)
    assert sum(context.tally.values()) == 0 and sessions.count() == 78


def test_att_3_demo_builds_one_portal_carnet_for_one_student(context):
    """ATT-1, ATT-3: after the signatures, the demo builds one carnet through
    the portal's service (the next version of the dossier's CARNET document
    after a scan deposited, generated, as of the story's day); a second run
    builds none."""
    import io

    from pypdf import PdfReader

    from django.core.files.uploadedfile import SimpleUploadedFile

    from conventions.documents import files
    from conventions.documents.models import Document, DocumentKind
    from conventions.models import Dossier

    scanned = Dossier.objects.get(student__user__last_name="Fontaine")
    files.document_upload(dossier=scanned, kind=DocumentKind.CARNET, by=scanned.student.user, uploaded_file=
                          SimpleUploadedFile("carnet.pdf", factories.tiny_pdf(), content_type="application/pdf"))
    demo.build_timetable(context)
    carnet = Document.objects.get(kind=DocumentKind.CARNET, generated=True)
    assert (carnet.version, carnet.dossier) == (2, scanned)
    with carnet.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "édité le 21 novembre 2026" in text and "ne compte pas" in text and "signée par" in text
    assert "23 novembre" not in text  # after the story's day: not in the carnet yet
    assert any("carnet de présence de" in line for line in context.summary["demarche"])
    demo.build_timetable(context)
    assert Document.objects.filter(kind=DocumentKind.CARNET).count() == 2
