"""Proposed scores (SCORE-1): a higher room that knows how a step went
proposes its points, the office confirms them or not; nothing is scored
automatically.

``register(code, propose)`` from an ``AppConfig.ready`` (attendance proposes
step C from the carnet); ``propose(dossier, maximum=…)`` returns a
``Proposal`` or None, ``maximum`` being the step's barème maximum (1 in
mode fait / non fait, 2 in mode progressive). The barème's panel reads
``proposal_for`` and never imports the room that proposes.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Proposal:
    points: int
    reason: str  # in French, what the points come from: « 46 présences signées sur 48 séances »


_PROPOSERS = {}


def register(code, propose):
    _PROPOSERS[code] = propose
    return propose


def proposes(code):
    """Whether a room proposes points for step ``code``."""
    return code in _PROPOSERS


def proposal_for(code, dossier, *, maximum):
    """The proposal for step ``code`` of ``dossier`` on a scale of 0 to
    ``maximum``, or None (no proposer, or nothing to propose yet)."""
    propose = _PROPOSERS.get(code)
    if propose is None:
        return None
    proposal = propose(dossier, maximum=maximum)
    if proposal is not None and not 0 <= proposal.points <= maximum:
        raise ValueError(f"proposal for step {code}: {proposal.points} outside 0–{maximum}")
    return proposal
