"""Certificats de réalisation (CERT-1) and their verification (CERT-2).

A certificate covers one period of one dossier:

- ``s9``: from the start of the contract (the rentrée when it began
  earlier or is not entered) to the year's end of S9, or the contract's
  end when it ends before;
- ``fin``: from the start of S10, or the contract's start when it starts
  later, to the end of the contract (the year's contract end when the
  dossier has none): the second billing period (BILL-2), issued early
  September;
- ``rupture``: from the start of the billing period the rupture falls in
  (the contract's start, or the later of S10's start and the contract's)
  to the rupture's date (the ``start`` of the dossier's Incident of kind
  rupture).

No S9 or end-of-contract certificate is issued before its period ends.

Its hours are the minutes of the sessions of that period signed by their
teacher with the student's line present (ATT-1): an unsigned session, or
an absence, counts nothing (DOMAIN.md §2: absences are not realised hours).

Each issue writes a new ``Certificate`` (version 1, 2… per dossier and
period) with a new code and a new version of the dossier's
« Certificat de réalisation » document; older ones stay valid records.
The certified content (canonical JSON) and its keyed HMAC-SHA-256 (under
``settings.CERTIFICATE_KEY``, in the field ``sha256``) are kept: the
verification page (CERT-2) confirms a certificate only while its record
still matches them.
"""

import datetime
import json
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from attendance.models import Presence
from contratpro import roles
from contratpro.frenchdates import long_date
from contratpro.school.services import school_for_year, school_missing
from contratpro.workdays import add_working_days
from conventions.documents.models import DocumentKind
from conventions.documents.pdf import document_attach
from conventions.dossier.deadlines import Obligation, dossier_url, in_window
from conventions.models import Dossier, Incident
from students import programme
from students.history import event_record
from students.models import AcademicYear

from . import pdf
from .models import Certificate, CertificateBatch, CertificateBatchItem, CertificateKind

logger = logging.getLogger(__name__)
ISSUE_VERB = "attendance.certificate.issue"
# CERT-2: 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L, U):
# 30^12 ≈ 5·10^17 codes, typed in three groups of four.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 12
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
# CERT-1 deadlines: the S9 certificate early January, the end-of-contract one
# early September, a rupture's soon after: 5 working days after the period's
# end (31 December 2026 → Friday 8 January 2027, 1 January being a holiday).
DEADLINE_WORKING_DAYS = 5
PLANNED_HOURS = {CertificateKind.S9: programme.S9_HOURS, CertificateKind.FIN: programme.S10_HOURS}


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date


# --- Periods and hours (CERT-1) ----------------------------------------------

def rupture_of(dossier):
    """The dossier's rupture (the first Incident of kind rupture), or None."""
    return Incident.objects.filter(dossier=dossier, kind=Incident.Kind.RUPTURE).order_by("start", "pk").first()


def _contract_start(dossier):
    year = dossier.year
    return max(dossier.start_date, year.rentree) if dossier.start_date else year.rentree


def periods_of(*, rentree, s9_end, s10_start, contract_end, start_date, end_date, rupture_on):
    """Every period a contract has, as ``{kind: Period or refusal}`` (the
    refusal a French message): one rule for ``certificate_period`` and the
    deadlines. The contract's own dates bound each period — it starts at
    the later of the rentrée and the contract's start; S9 ends at the
    earlier of the year's S9 end and the contract's end; the end of
    contract (and a rupture in S10) starts at the later of S10's start and
    the contract's start."""
    begins = max(start_date, rentree) if start_date else rentree
    ends = end_date or contract_end
    found = {}
    for kind, period in (
        (CertificateKind.S9, Period(CertificateKind.S9, begins, min(s9_end, end_date or s9_end))),
        (CertificateKind.FIN, Period(CertificateKind.FIN, max(s10_start, begins), ends)),
    ):
        if rupture_on is not None and rupture_on <= period.end:
            found[kind] = _("Le contrat a été rompu le %(date)s : émettez le certificat de rupture.") % {
                "date": long_date(rupture_on)}
        elif period.end < period.start:
            found[kind] = _("Le contrat ne couvre aucun jour de cette période : pas de certificat à émettre.")
        else:
            found[kind] = period
    if rupture_on is None:
        found[CertificateKind.RUPTURE] = _(
            "Ce contrat n'a pas de rupture déclarée : il n'a pas de certificat de rupture.")
    else:
        rupture_start = begins if rupture_on <= s9_end else max(s10_start, begins)
        found[CertificateKind.RUPTURE] = (
            Period(CertificateKind.RUPTURE, rupture_start, rupture_on) if rupture_on >= rupture_start
            else _("La rupture déclarée précède le début du contrat : corrigez sa date."))
    return found


def certificate_period(dossier, kind, *, rupture=None):
    """The period ``kind`` covers for ``dossier`` (see ``periods_of``), or a
    French ``ValidationError`` when the dossier has no such period: no
    rupture for ``rupture``; a contract broken before the period ends for
    the others (the rupture's certificate stands for it); a contract that
    covers no day of it."""
    year = dossier.year
    rupture = rupture if rupture is not None else rupture_of(dossier)
    found = periods_of(
        rentree=year.rentree, s9_end=year.s9_end, s10_start=year.s10_start, contract_end=year.contract_end,
        start_date=dossier.start_date, end_date=dossier.end_date, rupture_on=rupture.start if rupture else None,
    ).get(kind)
    if found is None:
        raise ValidationError(_("Période de certificat inconnue."))
    if not isinstance(found, Period):
        raise ValidationError(found)
    return found


# CERT-1: what ends each period, as the refusal names it.
PERIOD_ENDS = {
    CertificateKind.S9: _lazy("Le semestre 9 finit le %(end)s : son certificat s'émet à partir du %(first)s."),
    CertificateKind.FIN: _lazy("Le contrat finit le %(end)s : son certificat s'émet à partir du %(first)s."),
}


def issuable_from(period):
    """CERT-1: the first day ``period``'s certificate can be issued (the day
    after its end: it certifies hours realised, never hours to come)."""
    return period.end + datetime.timedelta(days=1)


def check_period_over(period, today=None):
    """CERT-1: a French ``ValidationError`` while the S9 or the contract has
    not ended (a rupture's certificate is issued once it is declared)."""
    today = today or timezone.localdate()
    if period.kind in PERIOD_ENDS and period.end >= today:
        raise ValidationError(str(PERIOD_ENDS[period.kind]) % {
            "end": long_date(period.end), "first": long_date(issuable_from(period))})


def year_period(year, kind):
    """The year's own S9 or end-of-contract period (``None`` for a rupture):
    what a year batch waits for."""
    if kind == CertificateKind.S9:
        return Period(kind, year.rentree, year.s9_end)
    if kind == CertificateKind.FIN:
        return Period(kind, year.s10_start, year.contract_end)
    return None


def realised_minutes(dossier, period):
    """CERT-1: the minutes of the period's sessions signed by their teacher
    with the student present; one query."""
    return Presence.objects.filter(
        student=dossier.student_id, present=True, session__signature__isnull=False,
        session__year=dossier.year_id, session__date__gte=period.start, session__date__lte=period.end,
    ).aggregate(total=Sum("session__minutes"))["total"] or 0


def hours_text(minutes):
    """« 37 heures 30 minutes » as the certificate prints realised hours."""
    h, m = divmod(int(minutes or 0), 60)
    # French: « 0 heure », « 1 heure », « 2 heures ».
    text = (_("%(h)s heures") if h > 1 else _("%(h)s heure")) % {"h": h}
    return f"{text} {m:02d}" if m else text


# --- Codes and content (CERT-2) ----------------------------------------------

def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text):
    """What a person typed (« abcd-efgh jkmn ») as a stored code, or ""
    when it cannot be one."""
    code = re.sub(r"[\s\-.]", "", str(text or "")).upper()[: CODE_LENGTH * 2]
    return code if _CODE.fullmatch(code) else ""


def verification_url(code):
    """The absolute address of the code's public page (the QR code's), from
    ``CONTRATPRO_PUBLIC_URL``."""
    return settings.CONTRATPRO_PUBLIC_URL.rstrip("/") + reverse("attendance:certificate-verify", args=[code])


def certified_content(*, dossier, school, period, minutes, code, issued_on):
    """What the certificate certifies, as plain data (canonical JSON is taken
    of it): the student, the employer, the school, the period, the hours."""
    student, company = dossier.student, dossier.company
    return {
        "code": code, "kind": period.kind, "minutes": int(minutes),
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "student": {"id": student.pk, "first_name": student.user.first_name, "last_name": student.user.last_name},
        "company": {"name": company.name if company else "", "siret": company.siret if company else ""},
        "school": {"name": school.name, "siret": school.siret, "nda": school.nda},
        "action": {"title": str(programme.DIPLOMA_TITLE), "rncp": programme.RNCP_CODE},
        "issued_on": issued_on.isoformat(),
    }


def canonical_json(content):
    """The canonical JSON of ``content``: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(content):
    """CERT-2: the keyed HMAC-SHA-256 of the canonical JSON of ``content``,
    keyed by ``settings.CERTIFICATE_KEY`` (its own key: rotating SECRET_KEY
    voids no certificate). Someone who can rewrite the database but does
    not hold the key cannot forge it — a plain SHA-256 they could."""
    return salted_hmac("attendance.certificate", canonical_json(content), secret=settings.CERTIFICATE_KEY,
                       algorithm="sha256").hexdigest()


def initials(first_name, last_name):
    """« J.-P. D. » for Jean-Pierre Dupont: all CERT-2 shows of a person."""
    def part(name):
        words = [w for w in re.split(r"[\s]+", name.strip()) if w]
        return " ".join("-".join(f"{piece[0].upper()}." for piece in word.split("-") if piece) for word in words)
    return " ".join(p for p in (part(first_name or ""), part(last_name or "")) if p)


GENUINE, TAMPERED, UNKNOWN = "genuine", "tampered", "unknown"


def certificate_verify(code):
    """CERT-2: ``(status, certificate)`` for a typed code — ``unknown`` (no
    such code), ``tampered`` (the record no longer matches the content it
    certified, or that content its keyed HMAC) or ``genuine``."""
    code = normalize_code(code)
    certificate = Certificate.objects.filter(code=code).first() if code else None
    if certificate is None:
        return UNKNOWN, None
    content = certificate.content if isinstance(certificate.content, dict) else {}
    matches = (
        constant_time_compare(digest(content), certificate.sha256)
        and content.get("code") == certificate.code
        and content.get("kind") == certificate.kind
        and content.get("minutes") == certificate.minutes
        and content.get("period") == {"start": certificate.period_start.isoformat(),
                                      "end": certificate.period_end.isoformat()}
    )
    return (GENUINE if matches else TAMPERED), certificate


def verification_facts(certificate):
    """The only facts the public page shows (CERT-2): hours, period,
    initials, and whether a later version replaced this one (the date it
    was issued, so the OPCO asks for it). Not the kind: « rupture du
    contrat » would tell a stranger the contract was broken."""
    student = certificate.content.get("student", {})
    newer = (Certificate.objects.filter(dossier=certificate.dossier_id, kind=certificate.kind,
                                        version__gt=certificate.version)
             .order_by("-version").values_list("issued_at", flat=True).first())
    return {
        "hours": hours_text(certificate.minutes), "start": certificate.period_start, "end": certificate.period_end,
        "initials": initials(student.get("first_name", ""), student.get("last_name", "")),
        "replaced_on": newer,
    }


# --- Issue (CERT-1) ------------------------------------------------------------

def _check_school(school):
    missing = school_missing(school)
    if missing:
        raise ValidationError(
            _("Le certificat ne peut pas être émis : l'identité de l'école est incomplète, il manque %(missing)s. "
              "Le service Contrats pro la complète dans « Identité de l'école ».") % {"missing": ", ".join(missing)})


def _already_issued(item, kind):
    """A year batch's item whose dossier already has a certificate of
    ``kind`` (another batch issued it meanwhile: a double click, two
    office users): that certificate, not a new version. A one-dossier
    batch asks for a new version on purpose: None."""
    if item.batch.dossier_id is not None:
        return None
    return Certificate.objects.filter(dossier=item.dossier_id, kind=kind).order_by("-version").first()


def certificate_issue(*, dossier, kind, by, item=None):
    """CERT-1: issue ``dossier``'s certificate for ``kind`` — its period, its
    hours from the signed carnet, a new code, the PDF as a new version of
    the dossier's certificate document — and record the event. Within a
    batch (``item``), a dossier already issued returns its certificate and
    issues nothing (a task delivered twice). The PDF is laid out before the
    transaction; the row, its document and the item's state are written
    together, or none of them."""
    if not roles.can_issue_certificates(by):
        raise PermissionDenied(_("Seul le service Contrats pro émet les certificats de réalisation."))
    dossier = Dossier.objects.select_related("student__user", "student__department", "year", "company").get(
        pk=dossier.pk)
    period = certificate_period(dossier, kind)
    check_period_over(period)
    school = school_for_year(dossier.year.start_year)
    _check_school(school)
    minutes = realised_minutes(dossier, period)
    code = new_code()
    while Certificate.objects.filter(code=code).exists():  # 30^12 codes: practically never
        code = new_code()
    issued_at = timezone.now()
    content = certified_content(dossier=dossier, school=school, period=period, minutes=minutes, code=code,
                                issued_on=timezone.localdate(issued_at))
    document_bytes = pdf.certificate_pdf(pdf.certificate_context(
        dossier=dossier, school=school, period=period, minutes=minutes, planned_hours=PLANNED_HOURS.get(kind),
        code=code, url=verification_url(code), issued_at=issued_at, hours=hours_text(minutes),
    ))
    with transaction.atomic():
        # One issue at a time per dossier: versions never race.
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        if item is not None:
            item = CertificateBatchItem.objects.select_for_update().get(pk=item.pk)
            if item.state == CertificateBatchItem.State.DONE:
                return item.certificate
            existing = _already_issued(item, kind)
            if existing is not None:
                _item_done(item, existing)
                return existing
        version = (Certificate.objects.filter(dossier=dossier, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
        document = document_attach(
            dossier=dossier, kind=DocumentKind.CERTIFICAT, content=document_bytes, generated=True, by=by,
            name=f"certificat-{kind}-v{version}-{dossier.student.user.last_name.lower()}.pdf",
        )
        certificate = Certificate.objects.create(
            dossier=dossier, kind=kind, version=version, period_start=period.start, period_end=period.end,
            minutes=minutes, document=document, issued_at=issued_at, issued_by=by,
            batch=item.batch if item is not None else None, code=code, content=content, sha256=digest(content),
        )
        event_record(
            dossier=dossier, actor=by, verb=ISSUE_VERB,
            summary=_("Certificat de réalisation émis (%(kind)s, version %(v)s) : %(hours)s du %(start)s au %(end)s.") % {
                "kind": certificate.get_kind_display().lower(), "v": version, "hours": hours_text(minutes),
                "start": long_date(period.start), "end": long_date(period.end)},
            changes={"certificate": certificate.pk, "minutes": minutes},
        )
        if item is not None:
            _item_done(item, certificate)
    return certificate


# --- Batches (CERT-1, NOTIF-2) -------------------------------------------------

def _queued(kind):
    """The unfinished items of batches of ``kind`` (pending or failed)."""
    return CertificateBatchItem.objects.filter(batch__kind=kind).exclude(state=CertificateBatchItem.State.DONE)


def batch_dossiers(year, kind):
    """The year's dossiers that await ``kind``, have none yet and are not
    queued in an unfinished item of another batch of ``kind``: a rupture
    takes the place of the periods it cuts (S9 when it falls before the S9
    end, the end of contract always)."""
    dossiers = Dossier.objects.filter(year=year).exclude(
        Exists(Certificate.objects.filter(dossier=OuterRef("pk"), kind=kind))).exclude(
        Exists(_queued(kind).filter(dossier=OuterRef("pk"))))
    ruptures = Incident.objects.filter(dossier=OuterRef("pk"), kind=Incident.Kind.RUPTURE)
    if kind == CertificateKind.RUPTURE:
        dossiers = dossiers.filter(Exists(ruptures))
    elif kind == CertificateKind.S9:
        dossiers = dossiers.exclude(Exists(ruptures.filter(start__lte=year.s9_end)))
    else:
        dossiers = dossiers.exclude(Exists(ruptures))
    return dossiers.order_by("student__user__last_name", "student__user__first_name", "pk")


@transaction.atomic
def certificate_batch_create(*, year, kind, by, dossier=None):
    """CERT-1: the office asks for ``kind``'s certificates of ``year`` (those
    not yet issued), or for one ``dossier`` (a new version if it has one):
    a batch and its items, nothing built yet (``jobs`` queues the builds)."""
    if not roles.can_issue_certificates(by):
        raise PermissionDenied(_("Seul le service Contrats pro émet les certificats de réalisation."))
    # Two requests for the same year (a double click, two office users) run
    # one after the other: the second sees the first one's items.
    AcademicYear.objects.select_for_update().get(pk=year.pk)
    if dossier is not None:
        # Refused now, in French, rather than as a failed build.
        check_period_over(certificate_period(dossier, kind))
        if dossier.year_id != year.pk:
            raise ValidationError(_("Ce dossier n'est pas de cette année."))
        if _queued(kind).filter(dossier=dossier).exists():  # a double click on the dossier's button
            raise ValidationError(_("Ce certificat est déjà en cours d'émission : suivez son lot."))
        dossier_ids = [dossier.pk]
    else:
        if year_period(year, kind) is not None:
            check_period_over(year_period(year, kind))
        dossier_ids = list(batch_dossiers(year, kind).values_list("pk", flat=True))
        if not dossier_ids:
            raise ValidationError(_("Aucun dossier de cette année n'attend ce certificat : rien à émettre."))
    batch = CertificateBatch.objects.create(year=year, kind=kind, dossier=dossier, total=len(dossier_ids),
                                            requested_by=by)
    CertificateBatchItem.objects.bulk_create(CertificateBatchItem(batch=batch, dossier_id=pk) for pk in dossier_ids)
    return batch


def _finish(batch_id):
    """The batch's state once every item is counted (same transaction)."""
    CertificateBatch.objects.filter(pk=batch_id, total=F("done") + F("failed"), failed=0).update(
        state=CertificateBatch.State.DONE, finished_at=timezone.now())
    CertificateBatch.objects.filter(pk=batch_id, total=F("done") + F("failed"), failed__gt=0).update(
        state=CertificateBatch.State.FAILED, finished_at=timezone.now())


def _item_done(item, certificate):
    was_failed = item.state == CertificateBatchItem.State.FAILED
    CertificateBatchItem.objects.filter(pk=item.pk).update(
        state=CertificateBatchItem.State.DONE, certificate=certificate, error="")
    CertificateBatch.objects.filter(pk=item.batch_id).update(
        done=F("done") + 1, failed=F("failed") - (1 if was_failed else 0))
    _finish(item.batch_id)


@transaction.atomic
def _item_failed(item_id, error):
    item = CertificateBatchItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None or item.state == CertificateBatchItem.State.DONE:
        return
    newly = item.state != CertificateBatchItem.State.FAILED
    CertificateBatchItem.objects.filter(pk=item_id).update(state=CertificateBatchItem.State.FAILED,
                                                          error=error[:2000])
    if newly:
        CertificateBatch.objects.filter(pk=item.batch_id).update(failed=F("failed") + 1)
    _finish(item.batch_id)


# CERT-1: what a batch item shows for a failure that is not a rule's refusal
# (the detail goes to the log, not to the office's page).
UNEXPECTED_ERROR = _lazy("Erreur inattendue : relancez le lot ; si elle revient, prévenez l'administrateur.")


def certificate_item_build(item_id, *, final=True):
    """The task's body (NOTIF-2): build one item's certificate, once. A
    refusal (``ValidationError``) is kept on the item with its French
    reason and counted; any other error is kept as a French generic
    message, its detail logged. A transient one (``OSError``: disk, fonts)
    is raised again for the task to retry and counted failed only on the
    last attempt (``final``); « Relancer » runs the failed items again."""
    item = CertificateBatchItem.objects.select_related("batch__requested_by", "dossier").filter(pk=item_id).first()
    if item is None or item.state == CertificateBatchItem.State.DONE:
        return None
    batch = item.batch
    CertificateBatch.objects.filter(pk=batch.pk, state=CertificateBatch.State.PENDING).update(
        state=CertificateBatch.State.RUNNING)
    CertificateBatchItem.objects.filter(pk=item_id).update(attempts=F("attempts") + 1)
    try:
        return certificate_issue(dossier=item.dossier, kind=batch.kind, by=batch.requested_by, item=item).pk
    except ValidationError as error:
        _item_failed(item_id, " ".join(str(m) for m in error.messages))
        return None
    except Exception as error:  # noqa: BLE001 — every failure is kept on its item
        if isinstance(error, OSError) and not final:
            logger.warning("Certificate of batch item %s failed, to be retried: %s", item_id, error)
            raise
        logger.exception("Certificate of batch item %s failed", item_id)
        _item_failed(item_id, str(UNEXPECTED_ERROR))
        return None


@transaction.atomic
def certificate_batch_retry(*, batch, by):
    """The failed items of ``batch``, put back to pending and no longer
    counted failed, to be built again (``jobs`` queues them)."""
    if not roles.can_issue_certificates(by):
        raise PermissionDenied(_("Seul le service Contrats pro émet les certificats de réalisation."))
    CertificateBatch.objects.select_for_update().get(pk=batch.pk)
    failed = list(batch.items.filter(state=CertificateBatchItem.State.FAILED).values_list("pk", flat=True))
    if not failed:
        raise ValidationError(_("Aucun certificat de ce lot n'est en échec."))
    # Back to pending and out of ``failed``: the batch is unfinished again,
    # its page polls until they are counted anew.
    CertificateBatchItem.objects.filter(pk__in=failed).update(state=CertificateBatchItem.State.PENDING, error="")
    CertificateBatch.objects.filter(pk=batch.pk).update(
        state=CertificateBatch.State.RUNNING, finished_at=None, failed=F("failed") - len(failed))
    return failed


# --- Deadlines (CERT-1, NOTIF-1) -------------------------------------------------

def _ends_due_within(due_between):
    """``(first, last)``: the period ends whose certificate falls due within
    ``due_between`` (``add_working_days`` never goes back, so they make an
    interval), or None when no end does."""
    first, last = due_between
    day = datetime.timedelta(days=1)
    latest = last - DEADLINE_WORKING_DAYS * day  # 5 working days are at least 5 days
    while add_working_days(latest, DEADLINE_WORKING_DAYS) > last:
        latest -= day
    earliest = first - DEADLINE_WORKING_DAYS * day
    while add_working_days(earliest - day, DEADLINE_WORKING_DAYS) >= first:
        earliest -= day
    return (earliest, latest) if earliest <= latest else None


def certificate_deadlines(dossiers, due_between=None):
    """The deadlines registry's view of the certificates: for each dossier,
    the S9 certificate due 5 working days after the S9 end (early January),
    the end-of-contract one 5 working days after the contract's end (early
    September), or, after a rupture, the rupture's 5 working days after it
    in place of those it cuts; done once issued. One query (``dossiers``: a
    queryset, or dossiers or their ids). The periods and their deadlines
    are worked out once per distinct set of dates (most dossiers of a year
    share them: working-day arithmetic per row cost the reminder sweep a
    second at 10 000 dossiers); only those due within ``due_between`` when
    given."""
    if isinstance(dossiers, QuerySet):
        scope = Q(pk__in=dossiers.values("pk"))
    else:
        scope = Q(pk__in=[getattr(dossier, "pk", dossier) for dossier in dossiers])
    first_rupture = Incident.objects.filter(dossier=OuterRef("pk"), kind=Incident.Kind.RUPTURE).order_by("start", "pk")
    issued = {kind: Exists(Certificate.objects.filter(dossier=OuterRef("pk"), kind=kind)) for kind in CertificateKind}
    dates = ("start_date", "end_date", "year__rentree", "year__s9_end", "year__s10_start", "year__contract_end",
             "rupture_on")
    rows = Dossier.objects.filter(scope).annotate(
        rupture_on=Subquery(first_rupture.values("start")[:1]),
        **{f"issued_{kind}": condition for kind, condition in issued.items()},
    )
    if due_between is not None:
        # Only the dossiers one of whose period ends may make a certificate
        # fall due within the window (every period ends on one of these dates).
        ends = _ends_due_within(due_between)
        if ends is None:
            return
        rows = rows.filter(Q(year__s9_end__range=ends) | Q(end_date__range=ends) | Q(year__contract_end__range=ends)
                           | Q(rupture_on__range=ends))
    rows = rows.values_list("pk", *dates, *(f"issued_{kind}" for kind in CertificateKind))
    labels = {
        CertificateKind.S9: _("Certificat de réalisation de fin du S9 à émettre"),
        CertificateKind.FIN: _("Certificat de réalisation de fin de contrat à émettre"),
        CertificateKind.RUPTURE: _("Certificat de réalisation à la rupture du contrat à émettre"),
    }
    per_kind = {kind: (f"certificate:{kind}", str(label)) for kind, label in labels.items()}
    issued_at = {kind: 1 + len(dates) + index for index, kind in enumerate(CertificateKind)}
    actors = frozenset({roles.Actor.OFFICE})
    url = dossier_url("attendance:dossier-certificates")
    deadlines_of = {}  # the dates a row reads -> ((kind, due), …)
    for row in rows:
        key = row[1:1 + len(dates)]
        if key not in deadlines_of:
            start_date, end_date, rentree, s9_end, s10_start, contract_end, rupture_on = key
            # Only the periods certificate_period would accept (the same rule).
            found = periods_of(
                rentree=rentree, s9_end=s9_end, s10_start=s10_start, contract_end=contract_end,
                start_date=start_date, end_date=end_date, rupture_on=rupture_on,
            )
            due = ((kind, add_working_days(period.end, DEADLINE_WORKING_DAYS))
                   for kind, period in found.items() if isinstance(period, Period))
            deadlines_of[key] = tuple((kind, day) for kind, day in due if in_window(day, due_between))
        for kind, day in deadlines_of[key]:
            obligation_key, label = per_kind[kind]
            yield Obligation(
                dossier_id=row[0], key=obligation_key, label=label, actors=actors, due=day,
                done=row[issued_at[kind]], url=url(row[0]),
            )
