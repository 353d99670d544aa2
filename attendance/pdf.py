"""The printable carnet de présence (ATT-1, ATT-2), laid out in blocks.

One block per month, each signed line a short row of inline blocks (long
tables are 5-7× slower in WeasyPrint, ECOSYSTEM.md); the totals per
semester on top. Rendered through the documents' ``render_pdf``.
"""

import itertools
from pathlib import Path

from django.utils import timezone

from contratpro.frenchdates import long_date, month_year
from contratpro.school.services import office_contact
from conventions.documents.pdf import render_pdf

from . import services
from .models import Presence

TEMPLATE = "attendance/pdf/carnet.html"
# Read from disk by WeasyPrint, never over the network.
STYLESHEET = (Path(__file__).resolve().parent / "static" / "attendance" / "carnet.css").as_uri()


def carnet_context(student):
    """The carnet's lines (signed sessions, present or absent), by month, and
    its totals; a fixed number of queries whatever the lines."""
    lines = list(
        Presence.objects.filter(student=student, session__signature__isnull=False)
        .select_related("session__module", "session__teacher", "session__signature__signed_by")
        .order_by("session__date", "session__start")
    )
    months = [
        {"label": month_year(day), "lines": list(group)}
        for day, group in itertools.groupby(lines, key=lambda line: line.session.date.replace(day=1))
    ]
    contact = office_contact(student.year.start_year)
    return {
        "student": student, "months": months, "stylesheet": STYLESHEET, "printed": long_date(timezone.localdate()),
        "totals": services.totals(services.signed_minutes(Presence.objects.filter(student=student))),
        "letterhead": {"name": contact["school_name"], "service": "Service Contrats de professionnalisation",
                       "address": contact["address"][2:] or contact["address"], "email": contact["email"],
                       "phone": contact["phone"]},
    }


def carnet_pdf(student):
    """The carnet as PDF bytes."""
    return render_pdf(TEMPLATE, carnet_context(student))
