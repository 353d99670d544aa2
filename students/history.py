"""Writing the one event log (DATA-4): every service of every room records
what it changed through ``event_record``, inside its own transaction."""

from .models import Event

# A company person's capacity, as the timeline names it (ROLE-5).
EXTERNAL_ROLE = "entreprise"

# Who hears of each event recorded (``conventions.notifications``
# registers from its AppConfig.ready): ``listener(event)`` is called inside
# the recording transaction, and defers to ``transaction.on_commit`` what
# must wait for the commit.
_LISTENERS = []


def event_listener_register(listener):
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def event_record(*, verb, summary, student=None, dossier=None, actor=None, link=None, step="", from_state="",
                 to_state="", comment="", changes=None):
    """Record one event of ``student`` (or of ``dossier``, whose student it
    then concerns). An act through a personal link (``link``, ROLE-5) has no
    account: the person's name is kept as it was at that moment."""
    if student is None and dossier is None:
        raise ValueError("an event concerns a student or a dossier")
    event = Event(
        student_id=student.pk if student is not None else dossier.student_id,
        dossier=dossier, verb=verb, summary=summary, step=step, from_state=from_state, to_state=to_state,
        comment=comment, changes=changes or {},
    )
    if link is not None:
        event.link = link
        event.external_actor = link.contact.full_name[:200]
        event.external_role = EXTERNAL_ROLE
    else:
        event.actor = actor
    event.save()
    for listener in _LISTENERS:
        listener(event)
    return event
