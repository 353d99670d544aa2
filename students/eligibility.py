"""Who may do their final year as a contrat de professionnalisation (seed §4).

Each rule is a small pure function of ``Facts`` returning a ``Check``: *ok*,
*warning* (allowed, the student acknowledges a stated risk) or *blocking*,
with a French explanation citing the seed and what to do next. ``evaluate``
gathers the facts of a student for a year, runs every rule and applies what
people recorded: acknowledgements (ELIG-2, 3, 8) and office overrides
(ELIG-10). Both are bound to a fingerprint of the facts the rule read, so
they lapse when those facts change and the check is decided afresh.
"""

import datetime
import hashlib
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.frenchdates import long_date

OK = "ok"
WARNING = "warning"
BLOCKING = "blocking"
STATUS_LABELS = {
    OK: gettext_lazy("conforme"),
    WARNING: gettext_lazy("risque à accepter"),
    BLOCKING: gettext_lazy("bloquant"),
}


@dataclass(frozen=True)
class Facts:
    """What the rules read, gathered once (no query inside a rule)."""

    attended_info_meeting: bool
    sio_validated: bool
    sio_blocking: bool
    toeic_validated: bool
    resits: tuple  # semesters with a pending resit, e.g. ("S6", "S8")
    resit_threatens_3a: bool
    international_mobility: bool
    foreign_national: bool
    internship_2a_over_3_months: bool
    permit_work_authorised: bool
    permit_main_activity: bool
    permit_expiry: datetime.date | None
    contract_end: datetime.date
    today: datetime.date
    double_diploma_incoming: bool
    home_institution: str
    home_approval_date: datetime.date | None
    scholarship_holder: bool


@dataclass(frozen=True)
class Check:
    rule: str
    title: str
    status: str
    message: str
    next_step: str = ""
    needs_acknowledgement: bool = False
    facts: tuple = ()
    acknowledgement: object = None
    override: object = None
    lapsed_override: object = None

    @property
    def fingerprint(self):
        return fingerprint(self.rule, self.facts)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def awaiting_acknowledgement(self):
        return self.status == WARNING and self.needs_acknowledgement and self.acknowledgement is None


def fingerprint(rule, facts):
    return hashlib.sha256(repr((rule, facts)).encode()).hexdigest()


def _upper_first(text):
    return text[:1].upper() + text[1:]


# The rules. Each reads only ``Facts``.


def check_info_meeting(f):
    """ELIG-1: attending the information meeting is mandatory."""
    title = _("Réunion d'information")
    facts = (f.attended_info_meeting,)
    if f.attended_info_meeting:
        return Check("ELIG-1", title, OK, _("Vous avez assisté à la réunion d'information."), facts=facts)
    return Check(
        "ELIG-1",
        title,
        BLOCKING,
        _(
            "La participation à la réunion d'information est obligatoire : sans elle, l'accès aux "
            "contrats de professionnalisation est refusé (règlement §4)."
        ),
        _("Inscrivez-vous à la prochaine réunion d'information auprès du service Contrats pro."),
        facts=facts,
    )


def check_sio(f):
    """ELIG-2: a validated SIO; without it, a risk the student accepts, or a
    blocking condition when the year's policy says so."""
    title = _("Séjour à l'international obligatoire (SIO)")
    facts = (f.sio_validated, f.sio_blocking)
    if f.sio_validated:
        return Check("ELIG-2", title, OK, _("Votre SIO est validé."), facts=facts)
    if f.sio_blocking:
        return Check(
            "ELIG-2",
            title,
            BLOCKING,
            _("Cette année, un SIO validé est une condition d'accès au contrat de professionnalisation (règlement §4)."),
            _("Faites valider votre SIO auprès de la scolarité, puis revenez ici."),
            facts=facts,
        )
    return Check(
        "ELIG-2",
        title,
        WARNING,
        _(
            "Votre SIO n'est pas validé. Un contrat de professionnalisation reste possible, sous votre "
            "seule responsabilité : vous ne serez pas diplômé si le SIO n'est pas validé, selon le "
            "règlement de scolarité, avant la phase PFE de votre contrat (règlement §4)."
        ),
        _("Lisez ce risque et confirmez l'avoir compris."),
        needs_acknowledgement=True,
        facts=facts,
    )


def check_toeic(f):
    """ELIG-3: TOEIC not validated: a risk the student accepts."""
    title = _("TOEIC")
    facts = (f.toeic_validated,)
    if f.toeic_validated:
        return Check("ELIG-3", title, OK, _("Votre TOEIC est validé."), facts=facts)
    return Check(
        "ELIG-3",
        title,
        WARNING,
        _(
            "Votre TOEIC n'est pas validé. Un contrat de professionnalisation reste possible, sous votre "
            "seule responsabilité : vous ne serez pas diplômé si le TOEIC n'est pas validé, selon le "
            "règlement de scolarité, avant la phase PFE de votre contrat (règlement §4)."
        ),
        _("Lisez ce risque et confirmez l'avoir compris."),
        needs_acknowledgement=True,
        facts=facts,
    )


def check_resits(f):
    """ELIG-4: a resit pending in S5, S6 or S7, or one threatening the
    passage to 3A, blocks. An S8 resit alone does not."""
    title = _("Rattrapages")
    facts = (f.resits, f.resit_threatens_3a)
    common_core = [s for s in f.resits if s in ("S5", "S6", "S7")]
    if common_core or f.resit_threatens_3a:
        reasons = []
        if common_core:
            reasons.append(_("rattrapage en attente au %(semesters)s") % {"semesters": ", ".join(common_core)})
        if f.resit_threatens_3a:
            reasons.append(_("rattrapage risquant d'interdire le passage en 3A"))
        return Check(
            "ELIG-4",
            title,
            BLOCKING,
            _(
                "%(reasons)s : le contrat de professionnalisation n'est pas accessible avec des rattrapages "
                "du tronc commun (S5, S6, S7) ou menaçant le passage en 3A (règlement §4)."
            )
            % {"reasons": _upper_first("; ".join(reasons))},
            _("Validez vos rattrapages ; la scolarité mettra votre situation à jour."),
            facts=facts,
        )
    if f.resits:
        return Check(
            "ELIG-4",
            title,
            OK,
            _("Rattrapage en attente au %(semesters)s seulement : il ne menace pas le passage en 3A.")
            % {"semesters": ", ".join(f.resits)},
            facts=facts,
        )
    return Check("ELIG-4", title, OK, _("Aucun rattrapage en attente."), facts=facts)


def check_mobility(f):
    """ELIG-5: an international mobility engaged for S9 or S10 blocks."""
    title = _("Mobilité internationale")
    facts = (f.international_mobility,)
    if not f.international_mobility:
        return Check("ELIG-5", title, OK, _("Aucune mobilité internationale engagée au S9 ou au S10."), facts=facts)
    return Check(
        "ELIG-5",
        title,
        BLOCKING,
        _(
            "Une mobilité internationale est engagée pour le S9 ou le S10 : elle est incompatible avec "
            "le contrat de professionnalisation (règlement §4, règles DAI)."
        ),
        _("Voyez avec la direction des affaires internationales si la mobilité peut être annulée."),
        facts=facts,
    )


def check_residence_permit(f):
    """ELIG-6: a foreign student needs a residence permit authorising work
    (as main activity after a 2A internship over 3 months, Code du travail
    R5221-7), valid until the contract ends."""
    title = _("Titre de séjour")
    facts = (
        f.foreign_national,
        f.permit_work_authorised,
        f.internship_2a_over_3_months,
        f.permit_main_activity,
        f.permit_expiry,
        f.contract_end,
        f.permit_expiry is not None and f.permit_expiry < f.today,
    )
    if not f.foreign_national:
        return Check("ELIG-6", title, OK, _("Sans objet : pas de titre de séjour requis."), facts=facts)
    next_step = _("Déposez votre titre de séjour en cours de validité auprès du service Contrats pro.")
    if not f.permit_work_authorised or (f.permit_expiry is not None and f.permit_expiry < f.today):
        return Check(
            "ELIG-6",
            title,
            BLOCKING,
            _("Un titre de séjour en cours de validité autorisant à travailler est obligatoire (règlement §4)."),
            next_step,
            facts=facts,
        )
    if f.internship_2a_over_3_months and not f.permit_main_activity:
        return Check(
            "ELIG-6",
            title,
            BLOCKING,
            _(
                "Votre stage de 2A a dépassé 3 mois : votre titre de séjour doit autoriser le travail "
                "à titre principal (article R5221-7 du code du travail)."
            ),
            next_step,
            facts=facts,
        )
    if f.permit_expiry is not None and f.permit_expiry < f.contract_end:
        return Check(
            "ELIG-6",
            title,
            WARNING,
            _(
                "Votre titre de séjour expire le %(expiry)s, avant la fin du contrat le %(end)s : "
                "il devra être renouvelé à temps."
            )
            % {"expiry": long_date(f.permit_expiry), "end": long_date(f.contract_end)},
            _("Demandez le renouvellement de votre titre de séjour dès que possible."),
            facts=facts,
        )
    return Check("ELIG-6", title, OK, _("Votre titre de séjour autorise le travail pour toute la durée du contrat."), facts=facts)


def check_double_diploma(f):
    """ELIG-7: an incoming double-diploma student needs the home institution's approval."""
    title = _("Double diplôme")
    facts = (f.double_diploma_incoming, f.home_approval_date)
    if not f.double_diploma_incoming:
        return Check("ELIG-7", title, OK, _("Sans objet : vous n'êtes pas en double diplôme entrant."), facts=facts)
    if f.home_approval_date:
        return Check(
            "ELIG-7",
            title,
            OK,
            _("Accord de %(home)s reçu le %(date)s.")
            % {"home": f.home_institution, "date": long_date(f.home_approval_date)},
            facts=facts,
        )
    return Check(
        "ELIG-7",
        title,
        BLOCKING,
        _(
            "En double diplôme entrant, l'accord de votre établissement d'origine (%(home)s) est "
            "nécessaire, après examen des modifications de programme induites par le contrat (règlement §4)."
        )
        % {"home": f.home_institution or _("établissement d'origine")},
        _("Demandez cet accord à votre établissement d'origine et transmettez-le au service Contrats pro."),
        facts=facts,
    )


def check_scholarship(f):
    """ELIG-8: for a scholarship holder, the contract ends the scholarship."""
    title = _("Bourse")
    facts = (f.scholarship_holder,)
    if not f.scholarship_holder:
        return Check("ELIG-8", title, OK, _("Sans objet : vous n'êtes pas boursier."), facts=facts)
    return Check(
        "ELIG-8",
        title,
        WARNING,
        _("Vous êtes boursier : l'obtention d'un contrat de professionnalisation entraîne l'arrêt de la bourse (règlement §4)."),
        _("Lisez ce risque et confirmez l'avoir compris."),
        needs_acknowledgement=True,
        facts=facts,
    )


RULES = (
    check_info_meeting,
    check_sio,
    check_toeic,
    check_resits,
    check_mobility,
    check_residence_permit,
    check_double_diploma,
    check_scholarship,
)
ACKNOWLEDGEABLE = frozenset({"ELIG-2", "ELIG-3", "ELIG-8"})


@dataclass(frozen=True)
class Eligibility:
    checks: tuple = field(default_factory=tuple)

    @property
    def blocking(self):
        return [c for c in self.checks if c.status == BLOCKING]

    @property
    def warnings(self):
        return [c for c in self.checks if c.status == WARNING]

    @property
    def awaiting_acknowledgement(self):
        return [c for c in self.checks if c.awaiting_acknowledgement]

    @property
    def status(self):
        if self.blocking:
            return BLOCKING
        return WARNING if self.warnings else OK

    @property
    def step_1_open(self):
        """Step 1 may be taken: nothing blocks and every stated risk is acknowledged."""
        return not self.blocking and not self.awaiting_acknowledgement

    def get(self, rule):
        return next(c for c in self.checks if c.rule == rule)


def facts_for(student, year, *, today=None, contract_end=None, attended_info_meeting=None):
    """Gather ``Facts`` from a student. Reads prefetched ``info_meetings``
    when present (see ``students_with_facts``), unless the caller already
    knows whether the student attended a meeting of ``year`` (ELIG-1)."""
    from django.utils import timezone

    resits = tuple(s for s in ("S5", "S6", "S7", "S8") if getattr(student, f"resit_{s.lower()}"))
    return Facts(
        attended_info_meeting=(
            attended_info_meeting if attended_info_meeting is not None
            else any(m.year_id == year.pk for m in student.info_meetings.all())
        ),
        sio_validated=student.sio_validated,
        sio_blocking=year.sio_blocking,
        toeic_validated=student.toeic_validated,
        resits=resits,
        resit_threatens_3a=student.resit_threatens_3a,
        international_mobility=student.international_mobility,
        foreign_national=student.foreign_national,
        internship_2a_over_3_months=student.internship_2a_over_3_months,
        permit_work_authorised=student.permit_work_authorised,
        permit_main_activity=student.permit_main_activity,
        permit_expiry=student.permit_expiry,
        contract_end=contract_end or year.contract_end,
        today=today or timezone.localdate(),
        double_diploma_incoming=student.double_diploma_incoming,
        home_institution=student.home_institution,
        home_approval_date=student.home_approval_date,
        scholarship_holder=student.scholarship_holder,
    )


def apply_records(check, acknowledgements, overrides):
    """Attach the latest acknowledgement and override still bound to the
    check's facts; an override whose facts changed is reported as lapsed."""
    fp = check.fingerprint
    ack = next((a for a in acknowledgements if a.rule == check.rule and a.fingerprint == fp), None)
    overrides = [o for o in overrides if o.rule == check.rule]
    current = next((o for o in overrides if o.fingerprint == fp), None)
    lapsed = None if current else next(iter(overrides), None)
    if current is not None and check.status != OK:
        return replace(check, acknowledgement=ack, override=current, status=OK)
    return replace(check, acknowledgement=ack if check.needs_acknowledgement else None, lapsed_override=lapsed)


def evaluate_facts(facts, acknowledgements=(), overrides=()):
    """Run every rule on ``facts`` (pure)."""
    acknowledgements = sorted(acknowledgements, key=lambda a: a.at, reverse=True)
    overrides = sorted(overrides, key=lambda o: o.at, reverse=True)
    return Eligibility(tuple(apply_records(rule(facts), acknowledgements, overrides) for rule in RULES))


def _student_facts(student, year, today):
    contract_end = None
    for dossier in student.dossiers.all():
        if dossier.year_id == year.pk and dossier.end_date:
            contract_end = dossier.end_date
    return facts_for(student, year, today=today, contract_end=contract_end)


def evaluate(student, year=None, *, today=None):
    """The eligibility of ``student`` for ``year`` (their own by default).
    ELIG-2's policy comes from the year; ELIG-6 compares the permit with the
    contract's end when a dossier has one, else with the year's."""
    year = year or student.year
    facts = _student_facts(student, year, today)
    return evaluate_facts(facts, student.acknowledgements.all(), student.overrides.all())


def valid_until(facts):
    """The last day on which a verdict drawn from ``facts`` holds, or
    ``None`` when no date can change it. Of all the rules only ELIG-6 reads
    today's date: a permit still valid today blocks from the day after it
    expires (and an override bound to the unexpired permit lapses then)."""
    if facts.foreign_national and facts.permit_expiry is not None and facts.permit_expiry >= facts.today:
        return facts.permit_expiry
    return None


@dataclass(frozen=True)
class Verdict:
    """What a list keeps of a student's eligibility (``Student.eligibility_*``)."""

    status: str
    until: datetime.date | None


def verdict(student, *, today=None):
    """The overall state of ``student``'s eligibility on ``today`` and the
    last day it holds (``valid_until``); reads what ``students_with_facts``
    prefetches."""
    facts = _student_facts(student, student.year, today)
    result = evaluate_facts(facts, student.acknowledgements.all(), student.overrides.all())
    return Verdict(result.status, valid_until(facts))


def students_with_facts(queryset):
    """Prefetch what ``evaluate`` reads, so a list costs a fixed number of queries."""
    return queryset.select_related("user", "year", "department", "option").prefetch_related(
        "info_meetings", "acknowledgements", "overrides", "dossiers"
    )
