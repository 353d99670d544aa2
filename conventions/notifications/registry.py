"""The rules that turn an event into notifications (issue 15).

A rule is ``rule(event) -> iterable of Notice``, registered for one verb
(``register("conventions.step.validate", rule)``) from an AppConfig.ready:
conventions registers its own (``rules``), grading and attendance theirs
(``grading/notifications.py``, ``attendance/notifications.py``), since
conventions never imports them. The listener looks rules up by
``event.verb``: an event of a verb without rules costs nothing.

A ``Notice`` names its recipients as ids — school accounts (``users``: the
inbox, and a mail) and company contacts (``contacts``: a mail only, with a
personal link whose purpose the kind's mail names, ``mail.LINK_PURPOSES``, ROLE-5) — and what they read: a title,
a body, the place to act (``url``, a path of the portal). ``mailed_by_room``
says that the room which recorded the event already mails these people
about it (grading's mail to the named tutor, to the jury; attendance's to
the heads): the notice then goes to the inbox only, never a second mail.
"""

from collections import defaultdict
from dataclasses import dataclass

_RULES = defaultdict(list)

# Steps whose handing-in another room tells the validator about in its own
# words (grading: the S9 report to grade, step A): the step rule keeps quiet.
_SUBMISSIONS_TOLD_ELSEWHERE = set()


@dataclass(frozen=True)
class Notice:
    kind: str  # the mail text's key is ``notifications.<kind>``
    title: str
    body: str = ""
    url: str = ""
    users: tuple = ()
    contacts: tuple = ()
    mailed_by_room: bool = False


def register(verb, rule):
    """Add ``rule`` for the events of ``verb`` (once)."""
    if rule not in _RULES[verb]:
        _RULES[verb].append(rule)
    return rule


def rules_for(verb):
    return _RULES.get(verb, ())


def verbs():
    return sorted(verb for verb, rules in _RULES.items() if rules)


def submission_told_elsewhere(code):
    """A room tells the validators of step ``code``'s handing-in itself."""
    _SUBMISSIONS_TOLD_ELSEWHERE.add(code)


def is_submission_told_elsewhere(code):
    return code in _SUBMISSIONS_TOLD_ELSEWHERE
