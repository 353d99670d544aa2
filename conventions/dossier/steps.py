"""The démarche (seed §5.3): the step catalogue, who acts, deadlines,
which steps apply, and the one service that moves a step (STEP-1…5).

A dossier holds a ``DossierStep`` row for each step that applies to it
(``steps_sync``); every move goes through ``step_transition``, which checks
the actor and the state and records a ``Event``.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.roles import Actor, actors_of  # noqa: F401 (the catalogue's vocabulary)
from contratpro.workdays import previous_working_day
from students.history import event_record

from . import deadlines
from .deadlines import Obligation
from .models import DossierStep, Incident, StepState

A = Actor


# STEP-2 deadlines, from the year's calendar.
def _before_rentree(year):
    """5': at the latest two weeks before the rentrée."""
    return previous_working_day(year.rentree - datetime.timedelta(days=14))


def _before_christmas(year):
    """A, B: before the Christmas holidays: their last working day before."""
    return previous_working_day(year.christmas_start - datetime.timedelta(days=1))


def _end_of_s9(year):
    """D: by the end of S9."""
    return year.s9_end


def _before_pfe(year):
    """F: before leaving for the PFE."""
    return previous_working_day(year.pfe_start - datetime.timedelta(days=1))


@dataclass(frozen=True)
class StepDef:
    code: str
    label: str
    actors: tuple  # who takes part, as the seed's table says (shown)
    submitters: frozenset  # who may hand the step in
    validators: frozenset  # who may validate or refuse it
    document: str = ""
    deadline: object = None  # function(year) -> date
    direct: bool = False  # validators may validate without a submission (office-only steps)

    @property
    def display_code(self):
        return self.code.replace("p", "'")


CATALOGUE = (
    StepDef("1", gettext_lazy("Informer le service Contrats pro et le responsable de département"),
            (A.STUDENT,), frozenset({A.STUDENT}), frozenset({A.OFFICE})),
    StepDef("2", gettext_lazy("Établir la fiche contact (dactylographiée)"),
            (A.STUDENT, A.COMPANY), frozenset({A.STUDENT}), frozenset({A.OFFICE}),
            document=gettext_lazy("Fiche contact")),
    StepDef("3", gettext_lazy("Faire valider les activités par le responsable de département"),
            (A.STUDENT, A.HEAD), frozenset({A.STUDENT}), frozenset({A.HEAD}),
            document=gettext_lazy("Fiche contact signée")),
    StepDef("3p", gettext_lazy("Double diplôme : obtenir l'accord de l'établissement d'origine"),
            (A.STUDENT, A.HEAD), frozenset({A.STUDENT}), frozenset({A.HEAD, A.OFFICE}),
            document=gettext_lazy("Accord de l'établissement d'origine")),
    StepDef("4", gettext_lazy("Établir le contrat de travail (CERFA 12434 pré-rempli)"),
            (A.STUDENT, A.COMPANY, A.OFFICE), frozenset({A.STUDENT}), frozenset({A.OFFICE}),
            document=gettext_lazy("CERFA 12434")),
    StepDef("4p", gettext_lazy("Transmettre une copie du CERFA signé au service"),
            (A.STUDENT, A.OFFICE), frozenset({A.STUDENT}), frozenset({A.OFFICE}),
            document=gettext_lazy("CERFA 12434 signé")),
    StepDef("5", gettext_lazy("Signer et faire signer la convention de formation"),
            (A.STUDENT, A.COMPANY, A.OFFICE), frozenset({A.STUDENT}), frozenset({A.OFFICE}),
            document=gettext_lazy("Convention de formation")),
    StepDef("5p", gettext_lazy("Transmettre la convention signée au service"),
            (A.STUDENT, A.COMPANY, A.OFFICE), frozenset({A.STUDENT}), frozenset({A.OFFICE}),
            document=gettext_lazy("Convention signée par l'élève et l'entreprise"), deadline=_before_rentree),
    StepDef("6", gettext_lazy("Faire signer la convention par la direction"),
            (A.OFFICE,), frozenset({A.OFFICE}), frozenset({A.OFFICE, A.DIRECTION}), direct=True),
    StepDef("6p", gettext_lazy("Envoyer la convention signée des deux parties à l'entreprise"),
            (A.OFFICE,), frozenset({A.OFFICE}), frozenset({A.OFFICE}), direct=True),
    StepDef("7", gettext_lazy("Transmettre CERFA et convention au service social"),
            (A.OFFICE,), frozenset({A.OFFICE}), frozenset({A.OFFICE}), direct=True),
    StepDef("A", gettext_lazy("Remettre le rapport de Projet Entreprise au tuteur école"),
            (A.STUDENT, A.TUTOR), frozenset({A.STUDENT}), frozenset({A.TUTOR}),
            document=gettext_lazy("Rapport de Projet Entreprise"), deadline=_before_christmas),
    StepDef("B", gettext_lazy("Transmettre la note du tuteur entreprise au tuteur école"),
            (A.STUDENT, A.COMPANY_TUTOR, A.TUTOR), frozenset({A.STUDENT}), frozenset({A.TUTOR}),
            document=gettext_lazy("Fiche d'évaluation tuteur « Avant PFE »"), deadline=_before_christmas),
    StepDef("C", gettext_lazy("Faire signer le carnet de présence à chaque cours"),
            (A.STUDENT, A.OFFICE), frozenset({A.STUDENT}), frozenset({A.OFFICE}),
            document=gettext_lazy("Carnet de présence")),
    StepDef("D", gettext_lazy("Mettre à jour le projet sur la fiche contact en fin de S9"),
            (A.STUDENT, A.TUTOR), frozenset({A.STUDENT}), frozenset({A.TUTOR}),
            document=gettext_lazy("Fiche contact PFE"), deadline=_end_of_s9),
    StepDef("E", gettext_lazy("Informer le service de tout incident (arrêt, accident, rupture)"),
            (A.STUDENT, A.OFFICE), frozenset({A.STUDENT}), frozenset({A.OFFICE})),
    StepDef("F", gettext_lazy("Remettre le carnet de présence complet avant le départ en PFE"),
            (A.STUDENT, A.OFFICE), frozenset({A.STUDENT}), frozenset({A.OFFICE}),
            document=gettext_lazy("Carnet de présence complet"), deadline=_before_pfe),
)
BY_CODE = {step.code: step for step in CATALOGUE}
ORDER = {step.code: index for index, step in enumerate(CATALOGUE, start=1)}


def applies(step, dossier, *, has_incident):
    """STEP-5: 3' only for double-diploma students; E only once an incident occurred."""
    if step.code == "3p":
        return dossier.student.double_diploma_incoming
    if step.code == "E":
        return has_incident
    return True


def deadline_of(step, year):
    return step.deadline(year) if step.deadline else None


def ended_by_rupture(step, row):
    """ABS-3, STEP-5: after a rupture the office confirmed, the démarche stops: a step not
    validated by then no longer applies (its row goes, so it counts neither
    in the points nor in the maxima, SCORE-3, and has no deadline left);
    the validated ones stay as they were scored, and so does E, which
    reports the rupture itself."""
    return step.code != "E" and (row is None or row.state != StepState.VALIDATED)


@transaction.atomic
def steps_sync(dossier):
    """Make the dossier's step rows match what applies (STEP-5) with their
    deadlines (STEP-2). A step that stops applying is removed only while
    nothing was done on it, but for a rupture, which ends every step not yet
    validated (``ended_by_rupture``). Safe to call any time."""
    kinds = incident_kinds(dossier)
    has_incident, ruptured = bool(kinds), Incident.Kind.RUPTURE in kinds
    existing = {s.code: s for s in dossier.steps.all()}
    for step in CATALOGUE:
        row = existing.get(step.code)
        if ruptured and ended_by_rupture(step, row):
            if row is not None:
                row.delete()
            continue
        if applies(step, dossier, has_incident=has_incident):
            deadline = deadline_of(step, dossier.year)
            if row is None:
                DossierStep.objects.create(dossier=dossier, code=step.code, order=ORDER[step.code], deadline=deadline)
            elif row.deadline != deadline:
                row.deadline = deadline
                row.save(update_fields=["deadline", "updated_at"])
        elif row is not None and row.state == StepState.TODO:
            row.delete()
    return list(dossier.steps.all())


def sync_student_dossiers(student):
    """Re-sync the steps of a student's dossiers after their facts changed
    (registered as a students hook, STEP-5)."""
    for dossier in student.dossiers.select_related("student", "year"):
        steps_sync(dossier)


def steps_refresh_year(year):
    """Recompute the deadlines of a year's dossiers after its calendar
    changed (STEP-2); returns how many step rows moved. Called when the
    office saves the year's calendar (``students`` facts-changed hook for
    years, registered in ``ConventionsConfig.ready``)."""
    moved = 0
    for step in CATALOGUE:
        if step.deadline:
            moved += (
                DossierStep.objects.filter(dossier__year=year, code=step.code)
                .exclude(deadline=step.deadline(year))
                .update(deadline=step.deadline(year))
            )
    return moved


def step_deadlines(dossiers, due_between=None):
    """The deadlines registry's view of the steps (STEP-2): one obligation
    per step with a calendar deadline, done once validated; one query, its
    rows read as tuples (a model instance per row cost the reminder sweep
    a second at 10 000 dossiers), only those due within ``due_between``
    when given (the sweep's window, read in the database)."""
    rows = DossierStep.objects.filter(dossier__in=dossiers, deadline__isnull=False)
    if due_between is not None:
        rows = rows.filter(deadline__range=due_between)
    url = deadlines.dossier_url("conventions:dossier-detail")
    per_code = {}  # label translated and actors joined once per step, not once per row
    validated = StepState.VALIDATED
    for dossier_id, code, deadline, state in rows.values_list("dossier_id", "code", "deadline", "state"):
        if code not in per_code:
            definition = BY_CODE[code]
            per_code[code] = (
                f"step:{code}",
                _("Étape %(code)s : %(label)s") % {"code": definition.display_code, "label": definition.label},
                definition.submitters | (definition.validators if definition.direct else frozenset()),
                f"#etape-{code}",
            )
        key, label, actors, anchor = per_code[code]
        yield Obligation(
            dossier_id=dossier_id, key=key, label=label, actors=actors, due=deadline, done=state == validated,
            url=f"{url(dossier_id)}{anchor}",
        )


SUBMIT, VALIDATE, REFUSE, REOPEN = "submit", "validate", "refuse", "reopen"


# STEP-6: what a move needs, by (step, action). Each check takes the
# dossier's ``Evidence`` and returns None or the French reason the move is
# not yet possible (what is missing, what to do). The dossier's own checks
# are declared here; higher subjects (documents, fiche, CERFA, convention)
# add theirs, with the facts they read, from ``ConventionsConfig.ready``.
_PRECONDITIONS = {}
_FACTS = {}
_EVIDENCE_LINKS = {}


def register_precondition(code, action, check):
    checks = _PRECONDITIONS.setdefault((code, action), [])
    if check not in checks:
        checks.append(check)
    return check


def preconditions(code, action):
    return tuple(_PRECONDITIONS.get((code, action), ()))


def register_fact(name, reader):
    """``reader(dossier)`` reads one fact the checks look at (the documents
    present, the signatures of the convention in force…), once per
    ``Evidence``."""
    _FACTS[name] = reader
    return reader


def register_evidence_link(code, link):
    """``link(evidence, user)`` returns the ``(label, url)`` pairs of what
    step ``code`` attests (the fiche, the file, the signatures) that
    ``user`` may open; None for a link not (yet) there."""
    _EVIDENCE_LINKS[code] = link
    return link


class Evidence:
    """What a dossier holds that its steps attest (STEP-6), as one snapshot:
    each registered fact is read at most once, on first use, so a page that
    checks every step reads each fact once, however many steps look at it.
    ``read_all`` reads them all up front (a page: a fixed number of queries,
    whatever the steps shown)."""

    def __init__(self, dossier):
        self.dossier = dossier
        self._facts = {}

    def __getattr__(self, name):
        facts = self.__dict__.get("_facts")
        if facts is None or name not in _FACTS:
            raise AttributeError(name)
        if name not in facts:
            facts[name] = _FACTS[name](self.dossier)
        return facts[name]

    def read_all(self):
        for name in _FACTS:
            getattr(self, name)
        return self


def evidence_of(dossier):
    """The dossier's ``Evidence`` for the request, kept on the dossier object
    (which lives as long as the request): the step rows share it."""
    evidence = dossier.__dict__.get("_step_evidence")
    if evidence is None:
        evidence = dossier.__dict__["_step_evidence"] = Evidence(dossier)
    return evidence


def blocking_reason(code, action, evidence):
    """The first reason ``action`` on step ``code`` is not yet possible, or None (STEP-6)."""
    for check in preconditions(code, action):
        problem = check(evidence)
        if problem:
            return problem
    return None


def evidence_links(code, evidence, user):
    """``[(label, url)]`` of what step ``code`` attests, for ``user`` to read it."""
    link = _EVIDENCE_LINKS.get(code)
    return [pair for pair in (link(evidence, user) if link is not None else ()) if pair]


def contract_approved(evidence):
    """ELIG-9: step 3 is validated only once the department head approved the contract."""
    if evidence.dossier.head_approval_at is None:
        return _(
            "Le responsable de département doit d'abord donner son accord sur le contrat "
            "(rubrique « Accord du responsable de département »), puis valider l'étape 3."
        )
    return None


def incident_kinds(dossier):
    """The kinds of the dossier's incidents, in one query (empty: none); a
    rupture counts as one only once the office confirmed it (ABS-3), before
    that it is an incident like another (step E applies, nothing closes)."""
    rows = dossier.incidents.values_list("kind", "confirmed_at")
    return frozenset(
        Incident.Kind.OTHER if kind == Incident.Kind.RUPTURE and confirmed is None else kind for kind, confirmed in rows
    )


def not_after_rupture(evidence):
    """ABS-3: once a rupture is confirmed, the steps it closed are gone and
    the validated ones stay as scored: reopening one would lose it at the
    next sync, so nothing is reopened."""
    if Incident.Kind.RUPTURE in evidence.has_incident:
        return _("Le contrat est rompu : les étapes restantes sont closes et celles déjà validées ne se rouvrent plus.")
    return None


def incident_recorded(evidence):
    """Step E attests an incident: one must be recorded (STEP-5, STEP-6)."""
    if not evidence.has_incident:
        return _("Aucun incident n'est enregistré dans ce dossier : signalez d'abord l'incident (arrêt, accident, rupture).")
    return None


HAND_IN = (SUBMIT, VALIDATE)  # a step is handed in and validated with the same evidence

# The dossier's own facts and checks; ``ConventionsConfig.ready`` registers them with the others'.
# ``has_incident`` is the kinds of the incidents (``incident_kinds``): empty, it reads as false.
FACTS = {"has_incident": incident_kinds}
CHECKS = (
    ("3", (VALIDATE,), contract_approved),
    ("E", HAND_IN, incident_recorded),
    *((step.code, (REOPEN,), not_after_rupture) for step in CATALOGUE),
)
LINKS = {}


def register_evidence(*, facts, checks, links):
    """Register one subject's facts, checks ``(code, actions, check)`` and links (STEP-6)."""
    for name, reader in facts.items():
        register_fact(name, reader)
    for code, actions, check in checks:
        for action in actions:
            register_precondition(code, action, check)
    for code, link in links.items():
        register_evidence_link(code, link)
ACTION_LABELS = {
    SUBMIT: gettext_lazy("Marquer comme soumis"),
    VALIDATE: gettext_lazy("Valider"),
    REFUSE: gettext_lazy("Refuser"),
    REOPEN: gettext_lazy("Rouvrir"),
}
_TARGET = {SUBMIT: StepState.SUBMITTED, VALIDATE: StepState.VALIDATED, REFUSE: StepState.REFUSED, REOPEN: StepState.TODO}


def allowed_actions(step_row, actors):
    """The moves ``actors`` may make on ``step_row`` now (STEP-3): the
    state's arrows, kept to the rights ``roles.step_rights`` gives them."""
    step = BY_CODE[step_row.code]
    state = step_row.state
    rights = roles.step_rights(actors, step)
    actions = []
    if state in (StepState.TODO, StepState.REFUSED) and SUBMIT in rights:
        actions.append(SUBMIT)
    if VALIDATE in rights:
        if state == StepState.SUBMITTED or (step.direct and state in (StepState.TODO, StepState.REFUSED)):
            actions.append(VALIDATE)
        if state == StepState.SUBMITTED:
            actions.append(REFUSE)
    if state == StepState.VALIDATED and REOPEN in rights:
        actions.append(REOPEN)
    return actions


@transaction.atomic
def step_transition(*, step, action, by, comment=""):
    """Move one step (STEP-3): only its actors, only along the allowed
    arrows; refusing and reopening need a comment; handing in and
    validating only with what the step attests (STEP-6, its registered
    preconditions), whoever the caller. Records the event."""
    step = DossierStep.objects.select_for_update(of=("self",)).select_related(
        "dossier__student__department", "dossier__student__option", "dossier__year"
    ).get(pk=step.pk)
    dossier = step.dossier
    definition = BY_CODE[step.code]
    comment = (comment or "").strip()
    if action not in allowed_actions(step, actors_of(by, dossier)):
        raise PermissionDenied(
            _("Vous ne pouvez pas « %(action)s » l'étape %(code)s dans l'état « %(state)s ».")
            % {"action": ACTION_LABELS.get(action, action), "code": definition.display_code, "state": step.get_state_display()}
        )
    if action in (REFUSE, REOPEN) and not comment:
        raise ValidationError({"comment": _("Expliquez à l'élève ce qui manque : le commentaire est obligatoire.")})
    problem = blocking_reason(step.code, action, Evidence(dossier))  # STEP-6, read fresh under the lock
    if problem:
        raise ValidationError(problem)
    before = step.state
    step.state = _TARGET[action]
    step.comment = comment
    step.save(update_fields=["state", "comment", "updated_at"])
    event_record(
        dossier=dossier, actor=by, verb=f"conventions.step.{action}", step=step.code,
        from_state=before, to_state=step.state, comment=comment,
        summary=_("Étape %(code)s : %(before)s → %(after)s")
        % {"code": definition.display_code, "before": StepState(before).label, "after": step.get_state_display()},
    )
    return step
