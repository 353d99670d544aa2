"""The company tutor's appraisal through a personal link (EVAL-1, step B,
ROLE-5): the one function that stores it, under a transaction, with its
event in the one log.

[decision] Filling twice: the company tutor may correct the fiche through
the same link until the tuteur école transmits the S9 grade to the
scolarité; each correction is an event with the grade before and after.
Once transmitted, the link changes nothing (a company person cannot give
the written reason ROLE-4 asks for): ``AppraisalTransmitted`` is raised and
the page says the grade is already with the scolarité.

[decision] Step B is not moved from here: handing it in is the student's
act (STEP-1) and a link has no account to act as. What step B attests
(STEP-6: the « Fiche d'évaluation tuteur » document) is produced, though:
each fill queues the PDF job of the filled fiche (``pdf.filled_build``),
attached as the next version of that document, so that the student can
hand the step in and the tuteur école validate it without any paper.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from contratpro.frenchdates import long_date
from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.links.models import ExternalLink
from grading.s9.models import S9Evaluation
from grading.s9.services import _check_grade, _fmt, _locked_evaluation
from students.history import event_record

from .criteria import COMMENT_MAX, CRITERION_KEYS, LEVEL_LABELS, answers_problems
from .models import Appraisal


class AppraisalTransmitted(ValidationError):
    """The S9 grade already went to the scolarité: the link changes nothing."""


def field_name(key):
    """The form field (and error key) of one criterion's level."""
    return f"level_{key}"


def _clean_answers(answers):
    cleaned = {}
    for key in CRITERION_KEYS:
        answer = (answers or {}).get(key) or {}
        cleaned[key] = {"level": answer.get("level") or "", "comment": (answer.get("comment") or "").strip()}
    extra = set(answers or {}) - set(CRITERION_KEYS)
    for key in extra:
        cleaned[key] = answers[key]
    return cleaned


def _check_answers(answers):
    problems = answers_problems(answers)
    if problems:
        raise ValidationError({
            (field_name(key) if key in CRITERION_KEYS else "__all__"): message for key, message in problems.items()
        })


def _levels_changed(before, after):
    """``{criterion: [level before, level after]}`` of the criteria whose level changed (French labels)."""
    changed = {}
    for key in CRITERION_KEYS:
        old = (before.get(key) or {}).get("level", "")
        new = after[key]["level"]
        if old != new:
            changed[key] = [str(LEVEL_LABELS.get(old, "—")), str(LEVEL_LABELS[new])]
    return changed


@transaction.atomic
def appraisal_fill(*, link, answers, grade, overall_comment=""):
    """EVAL-1, step B, ROLE-5: the company tutor fills (or corrects) the
    fiche « Avant PFE » through their personal link: one level per
    criterion, optional comments, a grade /20 with at most two decimals.
    Stores the fiche AND the S9 grade's appraisal part (source LINK), the
    evaluation locked as s9's services lock it; refused once the S9 grade
    is transmitted (``AppraisalTransmitted``), whatever the caller."""
    link = ExternalLink.objects.select_related("dossier__company", "contact").get(pk=link.pk)
    if roles.link_problem(link, purpose=ExternalLink.Purpose.APPRAISAL) is not None:
        raise PermissionDenied(_("Ce lien ne permet pas de remplir la fiche d'évaluation."))
    dossier = link.dossier
    answers = _clean_answers(answers)
    errors = {}
    try:
        _check_answers(answers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        grade = _check_grade(grade, "grade", _("la note du tuteur entreprise"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    overall_comment = (overall_comment or "").strip()
    if len(overall_comment) > COMMENT_MAX:
        errors["overall_comment"] = [_("L'appréciation générale dépasse %(n)s caractères.") % {"n": COMMENT_MAX}]
    if errors:
        raise ValidationError(errors)
    evaluation = _locked_evaluation(dossier)
    if evaluation.transmitted_at:
        raise AppraisalTransmitted(_(
            "La note du S9 a déjà été transmise à la scolarité le %(day)s : la fiche ne peut plus être modifiée "
            "en ligne. Pour une correction, écrivez au tuteur école de l'élève.") % {
            "day": long_date(evaluation.transmitted_at)})
    now = timezone.now()
    appraisal = Appraisal.objects.filter(dossier=dossier).first()
    before_answers = appraisal.answers if appraisal else {}
    before_grade = appraisal.grade if appraisal else None
    before_s9 = evaluation.appraisal_grade
    before_source = evaluation.appraisal_source
    if appraisal is None:
        appraisal = Appraisal(dossier=dossier, filled_at=now)
    appraisal.answers, appraisal.grade, appraisal.overall_comment = answers, grade, overall_comment
    appraisal.link, appraisal.filled_by, appraisal.filled_by_name = link, link.contact, link.contact.full_name[:200]
    appraisal.source, appraisal.updated_at = Appraisal.Source.LINK, now
    appraisal.full_clean()
    appraisal.save()
    evaluation.appraisal_grade, evaluation.appraisal_source = grade, S9Evaluation.Source.LINK
    evaluation.appraisal_by, evaluation.appraisal_at = None, now
    evaluation.full_clean()
    evaluation.save()
    if before_grade is None and not before_answers:
        summary = _("Fiche d'évaluation tuteur « Avant PFE » remplie par %(name)s via son lien personnel : "
                    "%(grade)s/20%(before)s.")
    else:
        summary = _("Fiche d'évaluation tuteur « Avant PFE » corrigée par %(name)s via son lien personnel : "
                    "%(grade)s/20%(before)s.")
    shown_before = before_s9 if before_s9 is not None else before_grade
    summary = summary % {
        "name": link.contact.full_name, "grade": _fmt(grade),
        "before": _(" (avant : %(g)s)") % {"g": _fmt(shown_before)} if shown_before is not None else ""}
    event_record(
        dossier=dossier, link=link, verb="grading.appraisal.fill", step="B", summary=summary,
        changes={"appraisal_grade": [_fmt(shown_before), _fmt(grade)],
                 "source": [before_source or "", S9Evaluation.Source.LINK.value],
                 "levels": _levels_changed(before_answers, answers)},
    )
    # STEP-6: the filled fiche as the dossier's document, built after commit (NOTIF-2).
    pdf_request(dossier=dossier, kind=DocumentKind.EVALUATION_TUTEUR, by=None)
    return appraisal


def answers_from_form(cleaned_data):
    """The service's ``answers`` from the link form's cleaned data."""
    return {key: {"level": cleaned_data.get(field_name(key)) or "", "comment": cleaned_data.get(f"comment_{key}") or ""}
            for key in CRITERION_KEYS}
