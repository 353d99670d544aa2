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

The filled fiche, on the contrary, IS the dossier's « Fiche d'évaluation
tuteur » (what step B attests): ``filled_build`` is the PDF jobs' builder
of that kind, the same layout with the boxes ticked.
"""

import hashlib
import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template.loader import get_template
from django.utils.translation import gettext as _

from contratpro.school.services import office_contact
from conventions.convention.services import letterhead, school_identity
from conventions.documents.pdf import render_pdf

from .criteria import CRITERIA, LEVELS, rows
from .models import Appraisal

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
        "period_start": start, "period_end": end, "rows": rows(None), "levels": LEVELS, "filled": False,
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


def filled_build(dossier):
    """The PDF jobs' builder of ``DocumentKind.EVALUATION_TUTEUR`` (NOTIF-2):
    the fiche as the company tutor filled it through their link, the same
    layout as the blank with the boxes ticked, the comments and the grade.
    Queued by ``services.appraisal_fill``; the file it attaches is what step
    B attests (STEP-6)."""
    appraisal = Appraisal.objects.filter(dossier=dossier).first()
    if appraisal is None:
        raise ValidationError(_("Le tuteur entreprise n'a pas encore rempli la fiche d'évaluation."))
    dossier = type(dossier).objects.select_related(
        "student__user", "student__department", "year", "company", "tuteur_entreprise", "tuteur_ecole"
    ).get(pk=dossier.pk)
    return TEMPLATE, {**blank_context(dossier), "rows": rows(appraisal.answers), "filled": True,
                      "appraisal": appraisal}
