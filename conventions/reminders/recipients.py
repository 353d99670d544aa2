"""Who must act, as people (NOTIF-1): the deadlines registry names actors
(``roles.Actor``); a reminder goes to persons.

- student: the student's account;
- tuteur école: ``dossier.tuteur_ecole``;
- head: the head of the student's option when it has one, else of the
  department (one person acts: the one who organises the option's defences);
- office: the office's mailbox of the dossier's year (CONTACT-1), one
  reminder for the whole service, not one per member;
- direction: each account of the Direction group;
- tuteur entreprise: ``dossier.tuteur_entreprise`` (a contact, ROLE-5);
- company: ``dossier.signataire`` (else the HR contact, else the tutor),
  and the office in copy: the employer's legal deadlines are reminded to
  the company contact and the office (NOTIF-3).

Set-based: one query for every dossier, one more when a direction must act.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from contratpro.roles import Actor, Group_
from conventions.dossier.models import Dossier

OFFICE = "office"


@dataclass(frozen=True)
class Recipient:
    key: str  # the claim's ``recipient``: "user:12", "contact:5", "office"
    actor: str
    user_id: int | None = None
    contact_id: int | None = None


# The columns each actor is read from (only those of the actors needed are
# read: a sweep of students' steps joins no department, option or contact).
_FIELDS = {
    Actor.STUDENT: ("student__user_id",),
    Actor.TUTOR: ("tuteur_ecole_id",),
    Actor.HEAD: ("student__option__head_id", "student__department__head_id"),
    Actor.COMPANY_TUTOR: ("tuteur_entreprise_id",),
    Actor.COMPANY: ("signataire_id", "hr_contact_id", "tuteur_entreprise_id"),
}


def _user(user_id, actor):
    return Recipient(f"user:{user_id}", actor, user_id=user_id) if user_id else None


def _contact(contact_id, actor):
    return Recipient(f"contact:{contact_id}", actor, contact_id=contact_id) if contact_id else None


def recipients_by_dossier(dossier_ids, actors_needed, dossiers=None):
    """``{dossier_id: {actor: [Recipient, …]}}`` for ``dossier_ids``, only
    for ``actors_needed``. Many ids are read through ``dossiers`` (a
    queryset holding them) rather than as a list of parameters."""
    ids = list(dossier_ids)
    needed = set(actors_needed)
    scope = dossiers.values("pk") if dossiers is not None and len(ids) > 1000 else ids
    columns = list(dict.fromkeys(name for actor in _FIELDS if actor in needed for name in _FIELDS[actor]))
    at = {name: index for index, name in enumerate(columns, start=1)}
    rows = Dossier.objects.filter(pk__in=scope).values_list("pk", *columns)
    direction = []
    if Actor.DIRECTION in needed:
        direction = list(
            get_user_model().objects.filter(groups__name=Group_.DIRECTION.value, is_active=True).values_list("pk", flat=True)
        )
    office = [Recipient(OFFICE, Actor.OFFICE)]
    office_for_company = Recipient(OFFICE, Actor.COMPANY)
    directors = [_user(user_id, Actor.DIRECTION) for user_id in direction]
    found = {}
    for row in rows:
        people = {}
        if Actor.STUDENT in needed:
            people[Actor.STUDENT] = _present(_user(row[at["student__user_id"]], Actor.STUDENT))
        if Actor.TUTOR in needed:
            people[Actor.TUTOR] = _present(_user(row[at["tuteur_ecole_id"]], Actor.TUTOR))
        if Actor.HEAD in needed:
            head = row[at["student__option__head_id"]] or row[at["student__department__head_id"]]
            people[Actor.HEAD] = _present(_user(head, Actor.HEAD))
        if Actor.OFFICE in needed:
            people[Actor.OFFICE] = office
        if Actor.DIRECTION in needed:
            people[Actor.DIRECTION] = directors
        if Actor.COMPANY_TUTOR in needed:
            people[Actor.COMPANY_TUTOR] = _present(_contact(row[at["tuteur_entreprise_id"]], Actor.COMPANY_TUTOR))
        if Actor.COMPANY in needed:
            contact = row[at["signataire_id"]] or row[at["hr_contact_id"]] or row[at["tuteur_entreprise_id"]]
            people[Actor.COMPANY] = [*_present(_contact(contact, Actor.COMPANY)), office_for_company]
        found[row[0]] = people
    return found


def _present(recipient):
    return [recipient] if recipient is not None else []


def recipients_of(obligation, by_dossier):
    """The persons who must act on ``obligation``, each once (a person who
    is two of its actors gets one reminder)."""
    people = by_dossier.get(obligation.dossier_id, {})
    if len(obligation.actors) == 1:  # most obligations: no one to count twice
        (actor,) = obligation.actors
        return list(people.get(actor, ()))
    seen = {}
    for actor in sorted(obligation.actors):
        for recipient in people.get(actor, ()):
            seen.setdefault(recipient.key, recipient)
    return list(seen.values())
