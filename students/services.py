"""State changes of the students room. Each runs in a transaction and
writes a ``Event`` (DATA-4)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles

from . import eligibility
from .history import event_record
from .models import Acknowledgement, Override, Student

# The facts the office (or the scolarité's import) may set (seed §4).
FACT_FIELDS = (
    "sio_validated",
    "toeic_validated",
    "resit_s5",
    "resit_s6",
    "resit_s7",
    "resit_s8",
    "resit_threatens_3a",
    "international_mobility",
    "foreign_national",
    "nationality",
    "internship_2a_over_3_months",
    "permit_work_authorised",
    "permit_main_activity",
    "permit_expiry",
    "double_diploma_incoming",
    "home_institution",
    "home_approval_date",
    "scholarship_holder",
)


# Rooms above this one react to changed facts (e.g. step 3' appears for a
# double-diploma student, STEP-5) by registering here from their
# AppConfig.ready, so imports keep pointing one way (ARCHITECTURE.md).
FACTS_CHANGED_HOOKS = []


def on_facts_changed(func):
    FACTS_CHANGED_HOOKS.append(func)
    return func


# Students evaluated per round trip when verdicts are refreshed in bulk.
VERDICT_BATCH = 500


def stale_verdicts(students, today):
    """Those of ``students`` whose stored verdict cannot be trusted on
    ``today``: never evaluated, or past the last day it holds (ELIG-6)."""
    return students.filter(Q(eligibility_status="") | Q(eligibility_until__lt=today))


def eligibility_verdicts_refresh(students=None, *, today=None):
    """Evaluate the rules for ``students`` (a queryset; everyone by default)
    and store each verdict with the last day it holds (ELIG-1…10), so the
    lists filter "bloqué" in the database. Derived data, recorded in no
    history; safe to run any time. Returns how many rows changed.

    The verdict stays true because every writer of what the rules read
    refreshes it: the facts (``student_facts_update``, imports included),
    acknowledgements and overrides, here; a verdict that today's date may
    change (a permit expiring) carries its last valid day, and the lists
    re-evaluate rows past it before filtering; the nightly task
    ``students.tasks.eligibility_verdicts_nightly`` re-evaluates everyone,
    for what changes outside these services (the admin, a dossier's dates)."""
    today = today or timezone.localdate()
    queryset = Student.objects.all() if students is None else students
    pks = list(queryset.order_by().values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(pks), VERDICT_BATCH):
        batch = Student.objects.filter(pk__in=pks[start:start + VERDICT_BATCH]).select_related("year").prefetch_related(
            "info_meetings", "acknowledgements", "overrides", "dossiers"
        )
        updated = []
        for student in batch:
            verdict = eligibility.verdict(student, today=today)
            if (student.eligibility_status, student.eligibility_until) != (verdict.status, verdict.until):
                student.eligibility_status, student.eligibility_until = verdict.status, verdict.until
                updated.append(student)
        Student.objects.bulk_update(updated, ["eligibility_status", "eligibility_until"])
        changed += len(updated)
    return changed


def _refresh_one(student):
    eligibility_verdicts_refresh(Student.objects.filter(pk=student.pk))


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def student_create(*, user, year, department, option, student_number, by, verb="students.student.create"):
    """Enrol ``user`` as a student of ``year`` (the office, or the
    scolarité's import on its behalf, AUTH-1) and record it."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro inscrit un élève."))
    student = Student(user=user, year=year, department=department, option=option, student_number=student_number)
    student.full_clean()
    student.save()
    place = " – ".join(str(p) for p in (department.code, option) if p)
    event_record(student=student, actor=by, verb=verb,
                 summary=_("Élève inscrit dans le portail pour l'année %(year)s (%(place)s).")
                 % {"year": year.label, "place": place})
    _refresh_one(student)
    return student


@transaction.atomic
def student_facts_update(*, student, values, by, verb="students.facts.update", attended_meetings=None):
    """Set eligibility facts of ``student`` (office, or an import on its
    behalf) and record what changed. Returns the list of changed fields;
    nothing is written or recorded when nothing changes."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro modifie la situation d'un élève."))
    changes = {}
    for name, value in values.items():
        if name not in FACT_FIELDS:
            raise ValueError(f"{name} is not an eligibility fact")
        before = getattr(student, name)
        if before != value:
            changes[name] = [_jsonable(before), _jsonable(value)]
            setattr(student, name, value)
    if changes:
        student.full_clean()
        student.save(update_fields=[*changes, ])
    if attended_meetings is not None:
        current = set(student.info_meetings.values_list("pk", flat=True))
        wanted = {m.pk for m in attended_meetings}
        if current != wanted:
            student.info_meetings.set(wanted)
            changes["info_meetings"] = [sorted(current), sorted(wanted)]
    if changes:
        labels = ", ".join(
            str(Student._meta.get_field(name).verbose_name) if name != "info_meetings" else _("réunion d'information")
            for name in changes
        )
        event_record(
            student=student, actor=by, verb=verb, changes=changes,
            summary=_("Situation mise à jour : %(fields)s.") % {"fields": labels},
        )
        _refresh_one(student)
        for hook in FACTS_CHANGED_HOOKS:
            hook(student)
    return list(changes)


@transaction.atomic
def eligibility_acknowledge(*, student, rule, by):
    """The student confirms having read the risk of ``rule`` (ELIG-2, 3, 8).
    The exact text shown is stored with who and when."""
    if by.pk != student.user_id:
        raise PermissionDenied(_("Seul l'élève concerné peut accepter ce risque."))
    if rule not in eligibility.ACKNOWLEDGEABLE:
        raise ValidationError(_("Cette condition ne se règle pas par une prise de connaissance."))
    check = eligibility.evaluate(student).get(rule)
    if not check.awaiting_acknowledgement:
        raise ValidationError(_("Il n'y a pas de risque à accepter pour « %(title)s ».") % {"title": check.title})
    ack = Acknowledgement.objects.create(
        student=student, rule=rule, fingerprint=check.fingerprint, by=by, text=check.message
    )
    event_record(
        student=student, actor=by, verb="students.eligibility.acknowledge",
        summary=_("Risque accepté par l'élève : %(title)s.") % {"title": check.title},
        changes={"rule": rule, "text": check.message},
    )
    _refresh_one(student)
    return ack


@transaction.atomic
def eligibility_override(*, student, rule, reason, by):
    """The office lifts a check with a written reason (ELIG-10). The
    override holds as long as the facts the check read stay the same."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro peut accorder une dérogation."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la dérogation : il est conservé dans l'historique.")})
    check = eligibility.evaluate(student).get(rule)
    if check.status == eligibility.OK:
        raise ValidationError(_("« %(title)s » est déjà conforme : aucune dérogation n'est nécessaire.") % {"title": check.title})
    override = Override.objects.create(
        student=student, rule=rule, fingerprint=check.fingerprint, by=by, reason=reason, status_before=check.status
    )
    event_record(
        student=student, actor=by, verb="students.eligibility.override",
        summary=_("Dérogation accordée (%(title)s) : %(reason)s") % {"title": check.title, "reason": reason},
        changes={"rule": rule, "status_before": check.status, "reason": reason},
    )
    _refresh_one(student)
    return override
