"""The printable carnet de présence (ATT-1, ATT-2, ATT-3), laid out in blocks.

One block per month, each line a short paragraph (long tables are 5-7×
slower in WeasyPrint, ECOSYSTEM.md); the totals per semester on top. A
signed line says present or absent, who signed the session and when; a
past session its teacher has not signed yet is printed too, marked « non
signée : ne compte pas » (ATT-1: an unsigned line counts nothing).

The carnet is a dossier's document (DocumentKind.CARNET, step C and F's
evidence): ``carnet_build`` is the PDF jobs' builder for that kind, run by
the Celery task (NOTIF-2), and ``carnet_document_build`` the same build in
the calling process, for the demo.
"""

import itertools
from pathlib import Path

from django.utils import timezone

from contratpro.frenchdates import long_date, month_year
from contratpro.school.services import office_contact
from conventions.documents.models import DocumentKind
from conventions.documents.pdf import document_attach, render_pdf

from . import services
from .models import Presence

TEMPLATE = "attendance/pdf/carnet.html"
# Read from disk by WeasyPrint, never over the network.
STYLESHEET = (Path(__file__).resolve().parent / "static" / "attendance" / "carnet.css").as_uri()


class Unsigned:
    """A past session of the carnet its teacher has not signed: printed, not counted."""

    signed = False

    def __init__(self, session):
        self.session = session


def carnet_context(student, today=None):
    """The carnet's lines by month — the signed ones (present or absent,
    with signer and time) and the past sessions not signed yet — and its
    totals; a fixed number of queries whatever the lines (4)."""
    today = today or timezone.localdate()
    signed = list(
        Presence.objects.filter(student=student, session__signature__isnull=False)
        .select_related("session__module", "session__signature__signed_by")
        .order_by("session__date", "session__start")
    )
    for line in signed:
        line.signed = True
    unsigned = [
        Unsigned(session) for session in services.expected_sessions(student)
        .filter(signature__isnull=True, date__lte=today).select_related("module", "teacher")
    ]
    lines = sorted([*signed, *unsigned], key=lambda line: (line.session.date, line.session.start, line.session.pk))
    months = [
        {"label": month_year(day), "lines": list(group)}
        for day, group in itertools.groupby(lines, key=lambda line: line.session.date.replace(day=1))
    ]
    contact = office_contact(student.year.start_year)
    return {
        "student": student, "months": months, "stylesheet": STYLESHEET, "printed": long_date(today),
        "signed_count": len(signed), "unsigned_count": len(unsigned),
        "totals": services.totals(services.signed_minutes(Presence.objects.filter(student=student))),
        "letterhead": {"name": contact["school_name"], "service": "Service Contrats de professionnalisation",
                       "address": contact["address"][2:] or contact["address"], "email": contact["email"],
                       "phone": contact["phone"]},
    }


def carnet_pdf(student):
    """The carnet as PDF bytes."""
    return render_pdf(TEMPLATE, carnet_context(student))


def carnet_build(dossier):
    """The PDF jobs' builder of DocumentKind.CARNET (NOTIF-2): the carnet of
    the dossier's student, to lay out."""
    return TEMPLATE, carnet_context(dossier.student)


def carnet_document_build(*, dossier, by=None, today=None):
    """The carnet as of ``today`` (by default, today) built in this process
    and attached as the next version of the dossier's CARNET document
    (generated), as the task does: for the demo, which tells its story on
    its own day."""
    content = render_pdf(TEMPLATE, carnet_context(dossier.student, today))
    return document_attach(
        dossier=dossier, kind=DocumentKind.CARNET, content=content, generated=True,
        name=f"carnet-{dossier.student.user.last_name.lower()}.pdf", by=by,
    )
