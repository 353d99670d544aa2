"""The fiche contact PFE's review (DOC-2, step D) and the defences
(PFE-1…3), as services: each checks who acts, runs in a transaction and
records its event; views, the demo and tests call these only.

The fiche PFE itself is typed in the fiche contact (``conventions.fiche``,
DOC-1: « at the end of S9 it is updated with the precise PFE subject »):
one text, one form, one PDF. Grading adds the tuteur école's verdict on the
version they read, and the reader's word count of its title (``wording``).
"""

import datetime
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.frenchdates import long_date
from contratpro.roles import Actor
from contratpro.workdays import holiday_name, is_working_day, previous_working_day
from conventions.documents.files import check_upload
from conventions.dossier import steps
from conventions.dossier.deadlines import Obligation, dossier_url, in_window
from conventions.fiche.models import FicheContact
from conventions.fiche.services import PFE_FIELDS
from conventions.fiche.wording import validate_title
from conventions.models import Dossier, StepState
from grading.s9.services import threshold_of
from students.calendar import training_dates
from students.history import event_record

from . import tasks
from .models import Defence, FichePfeReview, PfeReport

PARIS = ZoneInfo("Europe/Paris")
REPORT_DAYS_BEFORE = 15  # PFE-2
PFE_ECTS = 20  # PFE-1


# --- The fiche PFE's review (DOC-2, step D) ----------------------------------

def fiche_pfe_content(sheet):
    """What the fiche PFE says, field by field ({} when nothing is typed)."""
    if sheet is None:
        return {}
    return {name: getattr(sheet, name) or "" for name in PFE_FIELDS}


def content_fingerprint(content):
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def fiche_pfe_state(sheet, review):
    """``(state, review)``: « vide » while the fiche PFE is not filled,
    « à relire » while the tuteur école has not read this version,
    « validée » or « à reprendre » as their last verdict on it says."""
    if sheet is None or sheet.pfe_completed_at is None:
        return "vide", None
    if review is None or review.fingerprint != content_fingerprint(fiche_pfe_content(sheet)):
        return "a_relire", review
    return review.verdict, review


def latest_review(dossier):
    """The tuteur école's last verdict on the dossier's fiche PFE, or None (one query)."""
    return dossier.fiche_pfe_reviews.order_by("-pk").first()


def fiche_pfe_validated(evidence):
    """STEP-6, step D: validated only once the tuteur école validated the
    fiche PFE as it stands (a change after their validation asks them again).

    Reads the last verdict itself rather than as a registered fact: the
    dossier page reads every fact up front, and this one matters only when
    the tuteur école may validate step D (one query then)."""
    state, _review = fiche_pfe_state(evidence.fiche, latest_review(evidence.dossier))
    if state != FichePfeReview.Verdict.VALIDATED:
        return _(
            "Le tuteur école n'a pas encore validé la fiche PFE dans son état actuel : il la valide (ou la renvoie "
            "avec un commentaire) depuis la page « PFE » du dossier."
        )
    return None


# Registered through ``steps.register_evidence`` (``registrations``).
FACTS = {}
CHECKS = (("D", (steps.VALIDATE,), fiche_pfe_validated),)
LINKS = {}


@transaction.atomic
def fiche_pfe_review(*, dossier, verdict, by, comment=""):
    """DOC-2, step D: the tuteur école validates the fiche PFE as it stands,
    or sends it back with a comment. The version read is kept whole with its
    SHA-256; the title must hold 10 words as a reader counts them. When step
    D is handed in, the verdict moves it too (validated, or refused with the
    same comment: back to the student)."""
    if not roles.can_review_fiche_pfe(by, dossier):
        raise PermissionDenied(_("Seul le tuteur école du dossier valide la fiche PFE."))
    sheet = FicheContact.objects.select_for_update().filter(dossier=dossier).first()
    if sheet is None or sheet.pfe_completed_at is None:
        raise ValidationError(_("La fiche PFE n'est pas encore remplie par l'élève : rien à valider."))
    comment = (comment or "").strip()
    if verdict == FichePfeReview.Verdict.VALIDATED:
        try:
            validate_title(sheet.pfe_title)
        except ValidationError as error:
            raise ValidationError(
                _("%(error)s Renvoyez la fiche à l'élève pour qu'il le raccourcisse.") % {"error": error.messages[0]}
            ) from error
    elif verdict == FichePfeReview.Verdict.RETURNED:
        if not comment:
            raise ValidationError({"comment": _("Dites à l'élève ce qui est à reprendre : le commentaire est obligatoire.")})
    else:
        raise ValidationError(_("Choisissez de valider la fiche PFE ou de la renvoyer à l'élève."))
    content = fiche_pfe_content(sheet)
    review = FichePfeReview.objects.create(
        dossier=dossier, verdict=verdict, comment=comment, fingerprint=content_fingerprint(content), content=content, by=by,
    )
    if verdict == FichePfeReview.Verdict.VALIDATED:
        summary = _("Fiche PFE validée par le tuteur école : « %(title)s ».") % {"title": sheet.pfe_title}
    else:
        summary = _("Fiche PFE renvoyée à l'élève par le tuteur école.")
    event_record(
        dossier=dossier, actor=by, verb=f"grading.fiche_pfe.{'validate' if verdict == 'valide' else 'return'}",
        step="D", comment=comment, summary=summary, changes={"fingerprint": review.fingerprint, "title": sheet.pfe_title},
    )
    row = dossier.steps.filter(code="D", state=StepState.SUBMITTED).first()
    if row is not None:
        action = steps.VALIDATE if verdict == FichePfeReview.Verdict.VALIDATED else steps.REFUSE
        steps.step_transition(step=row, action=action, by=by, comment=comment)
    return review


def pfe_titles(dossiers):
    """DOC-2: ``{dossier_id: title}`` of the fiches PFE their tuteur école
    validated as they stand: what the diploma supplement states. Two
    queries, whatever the dossiers."""
    latest = {}
    for review in FichePfeReview.objects.filter(dossier__in=dossiers).order_by("pk"):
        latest[review.dossier_id] = review
    titles = {}
    sheets = FicheContact.objects.filter(dossier__in=dossiers).only("dossier_id", "pfe_completed_at", *PFE_FIELDS)
    for sheet in sheets:
        state, review = fiche_pfe_state(sheet, latest.get(sheet.dossier_id))
        if state == FichePfeReview.Verdict.VALIDATED:
            titles[sheet.dossier_id] = review.content["pfe_title"]
    return titles


# --- The defence (PFE-1…3) ----------------------------------------------------

def defence_latest_day(dossier):
    """PFE-3: the last working day of the training period the convention
    states (its end is the contract's last day, CAL-5 for the working days)."""
    return training_dates(
        dossier.year, dossier.student.department, start=dossier.start_date, end=dossier.end_date
    ).defence_by


def defence_day(defence):
    return timezone.localtime(defence.starts_at, PARIS).date()


def report_latest_day(day):
    """PFE-2: the report is due 15 days before the defence at the latest."""
    return day - datetime.timedelta(days=REPORT_DAYS_BEFORE)


def _check_defence_day(dossier, day):
    latest = defence_latest_day(dossier)
    if day > latest:
        raise ValidationError({"day": _(
            "La soutenance a lieu au plus tard le %(date)s, dernier jour ouvré de la formation prévue par la "
            "convention : choisissez ce jour ou un jour ouvré avant."
        ) % {"date": long_date(latest, weekday=True)}})
    if not is_working_day(day):
        name = holiday_name(day)
        reason = _("c'est un jour férié (%(name)s)") % {"name": name} if name else _("ce n'est pas un jour ouvré")
        raise ValidationError({"day": _("La soutenance ne peut pas avoir lieu le %(date)s : %(reason)s.") % {
            "date": long_date(day, weekday=True), "reason": reason,
        }})


@transaction.atomic
def defence_schedule(*, dossier, day, start, end, room, jury, president, by):
    """PFE-1, PFE-3: the head schedules the defence (day, hours, room, jury
    and its president) on a working day no later than the last working day
    of the training; a reschedule keeps a report deadline only if it still
    falls 15 days before (PFE-2). Every change raises the defence's
    revision, and the jury gets it by mail with its .ics once committed."""
    if not roles.can_schedule_defence(by, dossier):
        raise PermissionDenied(_("Seul le responsable du département ou de l'option programme la soutenance."))
    _check_defence_day(dossier, day)
    if end <= start:
        raise ValidationError({"end": _("La soutenance finit après avoir commencé : vérifiez les heures.")})
    room = (room or "").strip()
    if not room:
        raise ValidationError({"room": _("Indiquez la salle de la soutenance.")})
    members = {member.pk: member for member in jury}
    if president is None:
        raise ValidationError({"president": _("Désignez le président du jury.")})
    members.setdefault(president.pk, president)
    starts_at = datetime.datetime.combine(day, start, tzinfo=PARIS)
    ends_at = datetime.datetime.combine(day, end, tzinfo=PARIS)
    defence = Defence.objects.select_for_update().filter(dossier=dossier).first()
    if defence is None:
        defence = Defence(dossier=dossier, scheduled_by=by)
        before = None
    else:
        before = (defence.starts_at, defence.ends_at, defence.room, defence.president_id, set(defence.jury.values_list("pk", flat=True)))
        if defence.report_due and defence.report_due > report_latest_day(day):
            raise ValidationError({"day": _(
                "Le rapport est attendu le %(due)s : une soutenance le %(date)s le voudrait au plus tard le "
                "%(latest)s. Le tuteur école avance d'abord la remise du rapport."
            ) % {"due": long_date(defence.report_due), "date": long_date(day), "latest": long_date(report_latest_day(day))}})
    after = (starts_at, ends_at, room, president.pk, set(members))
    if before == after:
        return defence
    if before is not None:
        defence.sequence += 1
    defence.starts_at, defence.ends_at, defence.room, defence.president = starts_at, ends_at, room, president
    defence.scheduled_by = by
    defence.full_clean(exclude=["jury"])
    defence.save()
    defence.jury.set(members.values())
    summary = _("Soutenance %(what)s le %(when)s, salle %(room)s.") % {
        "what": _("programmée") if before is None else _("reprogrammée"),
        "when": long_date(day, weekday=True) + " " + start.strftime("%H:%M"), "room": room,
    }
    event_record(
        dossier=dossier, actor=by, verb="grading.defence.schedule" if before is None else "grading.defence.reschedule",
        summary=summary, changes={"starts_at": starts_at.isoformat(), "room": room, "jury": sorted(members), "sequence": defence.sequence},
    )
    tasks.defence_mail_jury.delay_on_commit(defence.pk)
    return defence


@transaction.atomic
def defence_report_deadline_set(*, defence, due, by):
    """PFE-2: the co-tutor (the tuteur école) sets the PFE report deadline,
    15 days before the defence at the latest."""
    defence = Defence.objects.select_for_update().select_related("dossier").get(pk=defence.pk)
    if not roles.can_set_report_deadline(by, defence.dossier):
        raise PermissionDenied(_("Seul le tuteur école du dossier fixe la date de remise du rapport."))
    latest = report_latest_day(defence_day(defence))
    if due > latest:
        raise ValidationError({"due": _(
            "Le rapport est remis au plus tard 15 jours avant la soutenance du %(date)s : fixez la remise au "
            "plus tard le %(latest)s."
        ) % {"date": long_date(defence_day(defence)), "latest": long_date(latest, weekday=True)}})
    before = defence.report_due
    defence.report_due = due
    defence.save(update_fields=["report_due"])
    event_record(
        dossier=defence.dossier, actor=by, verb="grading.defence.report_deadline",
        summary=_("Remise du rapport de PFE fixée au %(date)s.") % {"date": long_date(due)},
        changes={"before": before.isoformat() if before else None, "after": due.isoformat()},
    )
    return defence


def pfe_ects(grade, threshold):
    """PFE-1, EVAL-3: the PFE's 20 ECTS at the year's threshold or above
    (EVAL-3's one threshold, kept by the S9 subject: 10/20 unless the year
    says otherwise); None before the grade."""
    if grade is None:
        return None
    return PFE_ECTS if grade >= threshold else 0


@transaction.atomic
def defence_grade(*, defence, grade, by, reason=""):
    """PFE-1: the jury's president or the head records the PFE grade /20
    (two decimals); a grade already recorded changes only with a reason,
    kept in the history."""
    defence = Defence.objects.select_for_update().select_related("dossier").get(pk=defence.pk)
    if not roles.can_grade_pfe(by, defence.dossier, defence):
        raise PermissionDenied(_("Seuls le président du jury et le responsable saisissent la note du PFE."))
    grade = Decimal(grade).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not Decimal(0) <= grade <= Decimal(20):
        raise ValidationError({"grade": _("La note du PFE va de 0 à 20.")})
    reason = (reason or "").strip()
    before = defence.grade
    if before == grade:
        return defence
    if before is not None and not reason:
        raise ValidationError({"reason": _("La note est déjà saisie : dites pourquoi elle change.")})
    defence.grade, defence.graded_by, defence.graded_at = grade, by, timezone.now()
    defence.save(update_fields=["grade", "graded_by", "graded_at"])
    event_record(
        dossier=defence.dossier, actor=by, verb="grading.defence.grade", comment=reason,
        summary=_("Note du PFE : %(grade)s/20, %(ects)s ECTS.") % {
            "grade": str(grade).replace(".", ","), "ects": pfe_ects(grade, threshold_of(defence.dossier.year)),
        },
        changes={"before": str(before) if before is not None else None, "after": str(grade)},
    )
    return defence


# --- Deadlines (NOTIF-1) -------------------------------------------------------

def pfe_deadlines(dossiers, due_between=None):
    """The deadlines registry's source "grading.pfe": the defence to
    schedule by PFE-3's day (the head), done once scheduled; the PFE report
    due on the deadline the tuteur école set (the student), done once the
    report is deposited; the defence itself on its day, then its grade
    (the head, or the jury's president: PFE-1), done once the grade is
    recorded — so the calendars show each defence and a grade not entered
    after it is reminded. One query (each dossier with its defence joined);
    PFE-3's day worked out once per contract end; with ``due_between``,
    only the obligations due within it are built."""
    ids = dossiers.values("pk") if hasattr(dossiers, "values") else [dossier.pk for dossier in dossiers]
    rows = Dossier.objects.filter(pk__in=ids, end_date__isnull=False).values_list(
        "pk", "end_date", "defence__report_due", "defence__pk", "defence__report_deposited_at",
        "defence__starts_at", "defence__grade",
    )
    page = dossier_url("grading:pfe-dossier")
    schedule_label, report_label = _("Programmer la soutenance de PFE"), _("Remettre le rapport de PFE")
    grade_label = _("Soutenance de PFE : en saisir la note")
    head, student = frozenset({Actor.HEAD}), frozenset({Actor.STUDENT})
    schedule_by = {}  # contract end -> PFE-3's day
    for pk, end_date, report_due, defence_pk, deposited_at, starts_at, grade in rows:
        if end_date not in schedule_by:
            schedule_by[end_date] = previous_working_day(end_date)
        if in_window(schedule_by[end_date], due_between):
            yield Obligation(
                dossier_id=pk, key="pfe:defence", label=schedule_label,
                actors=head, due=schedule_by[end_date], done=defence_pk is not None, url=page(pk),
            )
        if report_due is not None and in_window(report_due, due_between):
            yield Obligation(
                dossier_id=pk, key="pfe:report", label=report_label,
                actors=student, due=report_due, done=deposited_at is not None, url=page(pk),
            )
        if starts_at is not None:
            held_on = timezone.localtime(starts_at).date()
            if in_window(held_on, due_between):
                yield Obligation(
                    dossier_id=pk, key="pfe:grade", label=grade_label,
                    actors=head, due=held_on, done=grade is not None, url=page(pk),
                )


# --- The PFE report (PFE-2) ------------------------------------------------------

@transaction.atomic
def pfe_report_upload(*, defence, uploaded_file, by):
    """PFE-2: the student deposits the PFE report, a PDF checked by its
    content as every deposit is (DOC-6); each deposit is a new version with
    its SHA-256, the older ones stay."""
    defence = Defence.objects.select_for_update().select_related("dossier").get(pk=defence.pk)
    if not roles.can_upload_pfe_report(by, defence.dossier):
        raise PermissionDenied(_("Seul l'élève dépose son rapport de PFE."))
    content, content_type, name = check_upload(uploaded_file)
    if content_type != "application/pdf":
        raise ValidationError({"file": _("Le rapport de PFE se dépose en PDF.")})
    version = (defence.reports.aggregate(v=Max("version"))["v"] or 0) + 1
    report = PfeReport(
        defence=defence, dossier=defence.dossier, version=version, sha256=hashlib.sha256(content).hexdigest(),
        size=len(content), original_name=name[:200], uploaded_by=by,
    )
    report.file.save("", ContentFile(content), save=False)
    try:
        report.save()
    except Exception:
        report.file.delete(save=False)  # no file without its row
        raise
    defence.report_deposited_at = timezone.now()
    defence.save(update_fields=["report_deposited_at"])
    late = defence.report_due is not None and timezone.localdate() > defence.report_due
    summary = _("Rapport de PFE déposé, version %(version)s (%(name)s).") % {"version": version, "name": name}
    if late:
        summary += " " + _("Après la date fixée (%(date)s).") % {"date": long_date(defence.report_due)}
    event_record(
        dossier=defence.dossier, actor=by, verb="grading.pfe_report.upload", summary=summary,
        changes={"sha256": report.sha256, "version": version},
    )
    return report
