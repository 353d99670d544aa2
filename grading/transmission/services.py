"""The grades sent to the scolarité (ROLE-8, EVAL-2, EVAL-3, PFE-1, DOC-2).

One reading of the grades serves the page, the export and (later) the
read API (API-1): ``grade_rows`` turns dossiers into ``GradeRow`` values,
500 dossiers per round of queries, whatever their number.

How it relates to the tuteur école's own transmission (``s9_transmit``,
EVAL-2: the tuteur école passes the S9 grade to the scolarité): the S9
grade goes out as a number only once its tuteur école transmitted it —
*définitive*. A grade whose three parts exist but that its tuteur école
has not transmitted yet may still change without a reason (ROLE-4), so it
goes out as « non transmise par le tuteur école », with its parts and
without a number; a grade missing a part is « à venir » (EVAL-1: never a
weighted partial grade). The PFE grade goes out once recorded (PFE-1),
with its 20 ECTS at EVAL-3's threshold (``pfe_ects``); the PFE title only
when its fiche PFE is validated as it stands (DOC-2, ``pfe_titles``).

``transmission_send`` records a sending: the workbook kept in the private
storage, a line per dossier, an event in each dossier's log (DATA-4,
written in bulk). A re-sending after a grade changed is a new
transmission; the same grades twice in a row are refused.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.frenchdates import long_date, long_datetime
from contratpro.roles import Role
from conventions.documents.models import private_storage
from conventions.dossier.models import Dossier, DossierStep
from grading.models import StepScore
from grading.pfe.services import pfe_ects, pfe_titles
from grading.s9.models import S9Year
from grading.s9.services import DEFAULT_THRESHOLD, s9_grade
from grading.scoring import bareme_for, conduct_grade, counted_steps
from students.models import AcademicYear, Department, Event

from .excel import grades_workbook
from .models import S9State, ScolariteTransmission, TransmittedGrade

READ_BATCH = 500  # dossiers read per round of queries
VERB = "grading.transmission.send"


@dataclass(frozen=True)
class GradeRow:
    """One dossier's grades as the scolarité receives them."""

    dossier_id: int
    student_id: int
    last_name: str
    first_name: str
    student_number: str
    department: str
    option: str
    company: str
    tutor: str
    conduct: object  # Decimal or None: the three parts of EVAL-1
    report: object
    appraisal: object
    s9_state: str  # S9State
    s9_missing: tuple  # French names of the missing parts (« à venir »)
    s9_grade: object  # Decimal, only when final
    s9_ects: object  # 10 or 0, only when final
    s9_transmitted_at: object  # when its tuteur école transmitted it, or None
    pfe_grade: object  # Decimal or None
    pfe_ects: object  # 20 or 0, or None before the grade
    pfe_title: str  # the validated fiche PFE's title, or ""
    threshold: Decimal  # EVAL-3: the year's

    @property
    def name(self):
        return f"{self.last_name} {self.first_name}".strip()

    def sent(self):
        """What the fingerprint and the line keep of this row."""
        return {
            "dossier": self.dossier_id, "s9_state": self.s9_state,
            "s9_grade": _str(self.s9_grade), "s9_ects": self.s9_ects,
            "pfe_grade": _str(self.pfe_grade), "pfe_ects": self.pfe_ects, "pfe_title": self.pfe_title,
        }


def _str(value):
    return None if value is None else str(value)


# What ``rows_for`` reads of each dossier, in one query per batch: tuples, not
# model instances (5 000 dossiers' 100 000 steps as instances took 17 s).
COLUMNS = (
    "pk", "student_id", "student__user__last_name", "student__user__first_name", "student__student_number",
    "student__department__code", "student__option__name", "company__name", "tuteur_ecole__first_name",
    "tuteur_ecole__last_name", "tuteur_ecole__username", "year_id", "s9_evaluation__report_grade",
    "s9_evaluation__appraisal_grade", "s9_evaluation__transmitted_at", "defence__grade",
)


def with_grades(dossiers):
    """``dossiers`` as the tuples ``rows_for`` reads (``COLUMNS``), in their order."""
    return dossiers.values_list(*COLUMNS)


def rows_for(values):
    """``GradeRow`` of each of ``values`` (``COLUMNS`` tuples, from
    ``with_grades``), in their order. The S9 grade through the s9 subject's
    own rules — SCORE-3's ``conduct_grade`` over the steps that apply and
    count, EVAL-1's ``s9_grade`` at the year's EVAL-3 threshold — as
    ``grades_for`` does, from tuples. Queries, whatever the list: steps,
    points, years, each year's barème, thresholds, the fiche PFE's reviews
    and sheets."""
    values = list(values)
    if not values:
        return []
    ids = [v[0] for v in values]
    applicable, points = {}, {}
    for dossier_id, code in DossierStep.objects.filter(dossier_id__in=ids).values_list("dossier_id", "code"):
        applicable.setdefault(dossier_id, set()).add(code)
    for dossier_id, step, value in StepScore.objects.filter(dossier_id__in=ids).values_list("dossier_id", "step", "points"):
        points.setdefault(dossier_id, {})[step] = value
    years = AcademicYear.objects.filter(pk__in={v[11] for v in values})
    baremes = {year.pk: bareme_for(year) for year in years}
    thresholds = dict(S9Year.objects.filter(year__in=baremes).values_list("year", "ects_threshold"))
    titles = pfe_titles(ids)
    rows = []
    for (pk, student_id, last_name, first_name, number, department, option, company, tutor_first, tutor_last,
         tutor_login, year_id, report, appraisal, transmitted_at, pfe_grade) in values:
        threshold = thresholds.get(year_id, DEFAULT_THRESHOLD)
        lines = counted_steps(None, baremes[year_id], applicable.get(pk, set()))
        grade = s9_grade(conduct=conduct_grade(points.get(pk, {}), lines), report=report, appraisal=appraisal,
                         threshold=threshold)
        if grade.provisional:
            state = S9State.TO_COME
        elif transmitted_at is None:
            state = S9State.NOT_TRANSMITTED
        else:
            state = S9State.FINAL
        final = state == S9State.FINAL
        rows.append(GradeRow(
            dossier_id=pk, student_id=student_id, last_name=last_name, first_name=first_name,
            student_number=number or "", department=department, option=option or "", company=company or "",
            tutor=" ".join(part for part in (tutor_first, tutor_last) if part) or tutor_login or "",
            conduct=grade.conduct, report=grade.report, appraisal=grade.appraisal,
            s9_state=state, s9_missing=grade.missing,
            s9_grade=grade.grade if final else None, s9_ects=grade.ects if final else None,
            s9_transmitted_at=transmitted_at,
            pfe_grade=pfe_grade, pfe_ects=pfe_ects(pfe_grade, threshold),
            pfe_title=titles.get(pk, ""), threshold=threshold,
        ))
    return rows


def grade_rows(dossiers):
    """Every ``GradeRow`` of the queryset ``dossiers``, in its order, read
    ``READ_BATCH`` dossiers at a time: a fixed number of queries per batch
    (no query per dossier) and a bounded memory."""
    values = with_grades(dossiers)
    start = 0
    while True:
        batch = list(values[start:start + READ_BATCH])
        if batch:
            yield from rows_for(batch)
        if len(batch) < READ_BATCH:
            return
        start += READ_BATCH


# --- Who sees what ------------------------------------------------------------------

def visible_dossiers(user, year):
    """ROLE-8, ROLE-9: the dossiers of ``year`` whose grades ``user`` reads
    on the page: all for the scolarité and the office, their department's
    or option's for a head (not their tutees of another department). Starts
    from ``roles.dossiers_for``."""
    if not roles.can_see_grade_transmissions(user):
        raise PermissionDenied(_("Cette page est celle de la scolarité, du service Contrats pro et des responsables."))
    dossiers = roles.dossiers_for(user).filter(year=year)
    if not roles.roles_of(user) & {Role.OFFICE, Role.SCOLARITE}:
        dossiers = dossiers.filter(Q(student__department__head=user) | Q(student__option__head=user))
    return dossiers.order_by("student__department__code", "student__user__last_name", "student__user__first_name", "pk")


def visible_transmissions(user, year=None):
    """The transmissions (of ``year``, or of every year) that ``user``
    downloads again: all for the scolarité and the office, their
    departments' for a head (a whole year's holds other departments' grades)."""
    if not roles.can_see_grade_transmissions(user):
        raise PermissionDenied(_("Cette page est celle de la scolarité, du service Contrats pro et des responsables."))
    transmissions = ScolariteTransmission.objects.all()
    if year is not None:
        transmissions = transmissions.filter(year=year)
    if not roles.roles_of(user) & {Role.OFFICE, Role.SCOLARITE}:
        transmissions = transmissions.filter(department__in=roles.departments_headed_by(user))
    return transmissions.select_related("department", "by", "year")


def scope_dossiers(year, department):
    """The dossiers a transmission of ``year`` (and ``department``, or the whole year) holds."""
    dossiers = Dossier.objects.filter(year=year)
    if department is not None:
        dossiers = dossiers.filter(student__department=department)
    return dossiers.order_by("student__department__code", "student__user__last_name", "student__user__first_name", "pk")


def visible_departments(user):
    """The departments ``user`` chooses among on the page: all for the
    scolarité and the office, those they head (or head an option of) for a head."""
    if roles.roles_of(user) & {Role.OFFICE, Role.SCOLARITE}:
        return Department.objects.order_by("code")
    return roles.departments_headed_by(user).order_by("code")


def scope_label(year, department):
    if department is None:
        return _("%(year)s, toute la promotion") % {"year": year.label}
    return _("%(year)s, département %(department)s") % {"year": year.label, "department": department.code}


# --- The sending (ROLE-8, EVAL-2, DATA-4) --------------------------------------------

def _fingerprint(rows):
    payload = json.dumps([row.sent() for row in rows], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _summary(row):
    if row.s9_state == S9State.FINAL:
        s9 = _("S9 %(grade)s/20, %(ects)s ECTS") % {"grade": _fr(row.s9_grade), "ects": row.s9_ects}
    elif row.s9_state == S9State.NOT_TRANSMITTED:
        s9 = _("S9 non transmise par le tuteur école")
    else:
        s9 = _("S9 à venir")
    if row.pfe_grade is None:
        pfe = _("PFE à venir")
    else:
        pfe = _("PFE %(grade)s/20, %(ects)s ECTS") % {"grade": _fr(row.pfe_grade), "ects": row.pfe_ects}
    return _("Notes transmises à la scolarité : %(s9)s ; %(pfe)s.") % {"s9": s9, "pfe": pfe}


def _fr(value):
    return f"{value:.2f}".replace(".", ",")


def transmission_send(*, year, department=None, by, now=None):
    """ROLE-8, EVAL-2: send the scolarité the grades of ``year`` — of
    ``department``, or of the whole year. Records the transmission with the
    workbook as sent (private storage, SHA-256), a line per dossier and an
    event in each dossier's log, in bulk. Refused to whoever may not send,
    and when the same scope's last transmission sent the very same grades.
    A refusal leaves neither a row nor a file."""
    if not roles.can_transmit_grades(by, department):
        raise PermissionDenied(_("Seuls le service Contrats pro et le responsable du département transmettent les notes."))
    now = now or timezone.now()
    stored = None
    try:
        with transaction.atomic():
            # One sending at a time per year: a double click waits, then finds the same grades.
            AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
            rows = list(grade_rows(scope_dossiers(year, department)))
            if not rows:
                raise ValidationError(_("Aucun dossier à transmettre pour %(scope)s.") % {"scope": scope_label(year, department)})
            fingerprint = _fingerprint(rows)
            last = ScolariteTransmission.objects.filter(year=year, department=department).order_by("-at", "-pk").first()
            if last is not None and last.fingerprint == fingerprint:
                raise ValidationError(_(
                    "Rien n'a changé depuis la transmission du %(date)s : la scolarité a déjà ces notes ; "
                    "téléchargez-la plutôt."
                ) % {"date": long_datetime(last.at)})
            handle = grades_workbook(rows, title=_("Notes transmises à la scolarité – %(scope)s") % {
                "scope": scope_label(year, department)}, at=now)
            digest, size = _digest(handle)
            stored = private_storage().save(f"transmissions/{year.start_year}/{secrets.token_hex(20)}", File(handle))
            handle.close()
            transmission = ScolariteTransmission.objects.create(
                year=year, department=department, by=by, at=now, rows=len(rows),
                final_s9=sum(row.s9_state == S9State.FINAL for row in rows),
                graded_pfe=sum(row.pfe_grade is not None for row in rows),
                file_name=stored, sha256=digest, size=size, fingerprint=fingerprint,
            )
            TransmittedGrade.objects.bulk_create([
                TransmittedGrade(transmission=transmission, dossier_id=row.dossier_id, s9_state=row.s9_state,
                                 s9_grade=row.s9_grade, s9_ects=row.s9_ects, pfe_grade=row.pfe_grade,
                                 pfe_ects=row.pfe_ects, pfe_title=row.pfe_title[:300])
                for row in rows
            ], batch_size=READ_BATCH)
            # DATA-4: one event per dossier sent, written in bulk (``event_record`` saves one at a time).
            Event.objects.bulk_create([
                Event(student_id=row.student_id, dossier_id=row.dossier_id, actor=by, at=now, verb=VERB,
                      summary=_summary(row), changes={"transmission": transmission.pk, **row.sent()})
                for row in rows
            ], batch_size=READ_BATCH)
            return transmission
    except BaseException:
        if stored is not None:
            private_storage().delete(stored)  # the transaction is gone: so is its file
        raise


def _digest(handle):
    sha = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(1 << 16), b""):
        sha.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return sha.hexdigest(), size


def transmission_filename(transmission):
    scope = transmission.department.code.lower() if transmission.department_id else "promotion"
    return f"notes-scolarite-{transmission.year.label.replace('/', '-')}-{scope}-{transmission.at:%Y-%m-%d-%H%M}.xlsx"


def describe(transmission):
    """A French line naming a transmission, for messages."""
    return _("%(scope)s, le %(date)s") % {
        "scope": scope_label(transmission.year, transmission.department), "date": long_date(transmission.at)}
