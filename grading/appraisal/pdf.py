"""The blank fiche « Avant PFE », printable (EVAL-1, step B): the criteria
of ``criteria.CRITERIA`` with boxes to tick, lines for comments, the grade
box and the signature, the student's and the company's names filled in.

[decision] NOTIF-2 says the web request never waits for document
generation, and ECOSYSTEM.md wants PDFs built in a Celery task. The blank
is not a dossier document (it attests nothing: no ``DocumentKind``, no
version, and filing it as « Fiche d'évaluation tuteur » would satisfy step
B's STEP-6 check with an empty form). So it is built by its own task
(``tasks.build_blank``) into the private storage under a name made of the
dossier and a fingerprint of everything it prints; the pages serve that
file and, while it is missing, queue the task and say « en préparation »
(with no broker the task runs at once and the first request gets the file).
A change of name, company, year or criteria changes the fingerprint, so a
stale blank is never served.
"""

import hashlib
import os
import tempfile

from django.core.files.storage import storages
from django.template.loader import get_template

from contratpro.school.services import office_contact
from conventions.convention.services import letterhead, school_identity
from conventions.documents.pdf import render_pdf

from .criteria import CRITERIA, LEVELS

TEMPLATE = "pdf/appraisal_form.html"
FOLDER = "appraisal-blank"


def s9_period(dossier):
    """The first company period the fiche is about: S9, from the later of
    the rentrée and the contract's start to the end of S9 (CAL-2)."""
    year = dossier.year
    start = max(d for d in (year.rentree, dossier.start_date) if d is not None)
    return start, year.s9_end


def blank_context(dossier):
    start, end = s9_period(dossier)
    office = office_contact(dossier.year.start_year)
    return {
        "dossier": dossier, "student": dossier.student, "company": dossier.company,
        "tutor_name": dossier.tuteur_entreprise.full_name if dossier.tuteur_entreprise_id else "",
        "school_tutor": dossier.tuteur_ecole.get_full_name() if dossier.tuteur_ecole_id else "",
        "period_start": start, "period_end": end, "criteria": CRITERIA, "levels": LEVELS,
        "letterhead": letterhead(school_identity(dossier), office), "office": office,
    }


def fingerprint(dossier):
    """What the blank prints, hashed: its file name changes with it."""
    start, end = s9_period(dossier)
    parts = [
        str(dossier.pk), dossier.student.full_name, dossier.student.department.code, dossier.year.label,
        dossier.company.name if dossier.company_id else "",
        dossier.tuteur_entreprise.full_name if dossier.tuteur_entreprise_id else "",
        dossier.tuteur_ecole.get_full_name() if dossier.tuteur_ecole_id else "", str(start), str(end),
        *(f"{key}:{label}" for key, label, _hint in CRITERIA), *(str(label) for _key, label in LEVELS),
        str(_template_mtime()),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _template_mtime():
    return int(os.path.getmtime(get_template(TEMPLATE).origin.name))


def blank_name(dossier):
    return f"{FOLDER}/fiche-evaluation-{dossier.pk}-{fingerprint(dossier)}.pdf"


def blank_cached(dossier):
    """The blank's bytes if already built for what it prints now, else None."""
    storage = storages["private"]
    name = blank_name(dossier)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return handle.read()


def blank_build(dossier):
    """Build the blank and store it under its name, written to a temporary
    file then renamed (a killed worker leaves no half file): the task's body."""
    storage = storages["private"]
    name = blank_name(dossier)
    if storage.exists(name):
        return name
    content = render_pdf(TEMPLATE, blank_context(dossier))
    path = storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, path)
    return name
