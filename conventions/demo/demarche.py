"""The démarche of every demo dossier as on 21 November 2026 (STEP-1…6, ELIG-9).

Every dossier has its steps with their deadlines, moved by their actors
through ``step_transition`` so each change is in the timeline, stamped on
the day of the story it happened; two conventions (5') are overdue, a CERFA
is refused, an arrêt de travail brings step E, a double diploma step 3'.
Each step moves with what it attests (``evidence``, STEP-6). A step moves
only when it is not in its state yet, so a second run writes nothing.
"""

import datetime

from django.test.utils import override_settings
from django.utils.translation import gettext as _

from conventions.convention.services import (
    TO_COMPANY,
    TO_SOCIAL,
    convention_copies_send,
)
from conventions.dossier import steps
from conventions.dossier.services import dossier_approve_contract, incident_report
from conventions.models import Dossier, DossierStep, Incident, StepState
from students.models import Event

from .data import DEMARCHE, HEAD_APPROVED, INCIDENTS, REFUSALS
from .evidence import provide_evidence, stamp
from .records import at
from .story import Story, backdate, last_event, story_dossiers


def sync_steps(dossier, story, tally):
    """STEP-2, STEP-5: the applicable steps with their deadlines, step E
    once the dossier's incident is reported (by the student, ABS-3)."""
    before = dict(dossier.steps.values_list("code", "deadline"))
    incident = INCIDENTS.get(story.username)
    if incident and not Incident.objects.filter(dossier=dossier, kind=incident.kind, start=incident.start).exists():
        reported = incident_report(dossier=dossier, kind=incident.kind, start=incident.start,
                                   description=str(incident.description), by=dossier.student.user)
        moment = at(incident.start + datetime.timedelta(days=1), 8, 5)
        backdate(moment, (Incident, reported.pk, "reported_at"), event=last_event(dossier))
        tally["created"] += 1
    steps.steps_sync(dossier)
    after = dict(dossier.steps.values_list("code", "deadline"))
    tally["created"] += len(after.keys() - before.keys())
    tally["deleted"] += len(before.keys() - after.keys())
    tally["updated"] += sum(1 for code in after.keys() & before.keys() if after[code] != before[code])


def approve_contract(dossier, story, tally):
    """ELIG-9: the head approves the contract before step 3 is validated."""
    wanted = story.username in HEAD_APPROVED or DEMARCHE[story.username].get("3") == StepState.VALIDATED
    if not wanted or dossier.head_approval_at:
        return
    head = dossier.student.department.head
    dossier_approve_contract(dossier=dossier, by=head)
    moment = story.approval()
    Dossier.objects.filter(pk=dossier.pk).update(head_approval_at=moment)
    dossier.head_approval_at = moment
    event = Event.objects.filter(student=dossier.student, verb="conventions.dossier.approve").latest("pk")
    backdate(moment, (Event, event.pk, "at"))
    tally["updated"] += 1


def moves(state, target, direct):
    """The transitions from ``state`` to ``target`` (STEP-3). A step found
    further on than the story wants is reopened first; one the story wants
    « à faire » stays as it is, no transition leads back there."""
    if state == target or target == StepState.TODO:
        return []
    if state == StepState.VALIDATED:
        return [steps.REOPEN, *moves(StepState.TODO, target, direct)]
    hand_in = [] if state == StepState.SUBMITTED or direct else [steps.SUBMIT]
    return hand_in + {
        StepState.SUBMITTED: [],
        StepState.VALIDATED: [steps.VALIDATE],
        StepState.REFUSED: [steps.REFUSE],
    }[target]


def actor(action, code, dossier, users):
    """Who makes the move (STEP-1): the student hands in; the head validates
    3 and 3', the direction signs 6, the tuteur école validates A, B and D,
    the office the rest."""
    if action == steps.SUBMIT:
        return dossier.student.user
    if action == steps.REOPEN:
        return users["bureau"]
    if code in ("3", "3p"):
        return dossier.student.department.head
    if code == "6":
        return users["direction"]
    if code in ("A", "B", "D"):
        return dossier.tuteur_ecole
    return users["bureau"]


# DOC-8: steps 6' and 7 are the copies the office sends; sending validates them.
SENDS = {"6p": TO_COMPANY, "7": TO_SOCIAL}


def send_copies(dossier, story, code, users, tally):
    """DOC-8: the office sends the copies of step ``code`` through the
    sending service, which validates the step; the demo's mail stays in
    memory (its addresses are made up), stamped on the story's day."""
    since = last_event(dossier)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        convention_copies_send(dossier_id=dossier.pk, target=SENDS[code], by_id=users["bureau"].pk)
    moment = story.moment(code, steps.VALIDATE)
    stamp(dossier, since, moment)
    DossierStep.objects.filter(dossier=dossier, code=code).update(updated_at=moment)
    tally["updated"] += 1


def move_steps(dossier, story, users, tally):
    """Each step to the state the story gives it (STEP-3), through
    ``step_transition`` so each move is an event with its author; the
    copies of 6' and 7 through the sending service."""
    plan = DEMARCHE[story.username]
    for row in dossier.steps.all():
        target = plan.get(row.code, StepState.TODO)
        if row.code in SENDS and target == StepState.VALIDATED and row.state != StepState.VALIDATED:
            send_copies(dossier, story, row.code, users, tally)
            continue
        # A step put back after a hand edit keeps the clock's time.
        in_story = row.state == StepState.TODO
        for action in moves(row.state, target, steps.BY_CODE[row.code].direct):
            comment = REFUSALS.get((story.username, row.code), "") if action == steps.REFUSE else ""
            if action == steps.REOPEN:
                comment = _("Remis dans l'état de la démonstration.")
            row = steps.step_transition(step=row, action=action, by=actor(action, row.code, dossier, users),
                                        comment=str(comment))
            if in_story:
                backdate(story.moment(row.code, action), (DossierStep, row.pk, "updated_at"),
                         event=last_event(dossier))
            tally["updated"] += 1


def build_demarche(context):
    """The démarche of every demo dossier on 21 November 2026 (STEP-1…5, ELIG-9)."""
    for dossier in story_dossiers(context.year):
        story = Story(dossier)
        sync_steps(dossier, story, context.tally)
        approve_contract(dossier, story, context.tally)
        provide_evidence(dossier, story, context.users, context.tally)  # STEP-6: what the moves attest
        move_steps(dossier, story, context.users, context.tally)
