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


_FIELDS = (
    "pk", "student__user_id", "tuteur_ecole_id", "student__department__head_id", "student__option__head_id",
    "tuteur_entreprise_id", "signataire_id", "hr_contact_id",
)


def _user(user_id, actor):
    return Recipient(f"user:{user_id}", actor, user_id=user_id) if user_id else None


def _contact(contact_id, actor):
    return Recipient(f"contact:{contact_id}", actor, contact_id=contact_id) if contact_id else None


def recipients_by_dossier(dossier_ids, actors_needed, dossiers=None):
    """``{dossier_id: {actor: [Recipient, …]}}`` for ``dossier_ids``, only
    for ``actors_needed``. Many ids are read through ``dossiers`` (a
    queryset holding them) rather than as a list of parameters."""
    ids = list(dossier_ids)
    scope = dossiers.values("pk") if dossiers is not None and len(ids) > 1000 else ids
    rows = Dossier.objects.filter(pk__in=scope).values_list(*_FIELDS)
    direction = []
    if Actor.DIRECTION in actors_needed:
        direction = list(
            get_user_model().objects.filter(groups__name=Group_.DIRECTION.value, is_active=True).values_list("pk", flat=True)
        )
    office = Recipient(OFFICE, Actor.OFFICE)
    office_for_company = Recipient(OFFICE, Actor.COMPANY)
    needed = set(actors_needed)
    found = {}
    for pk, student, tutor, department_head, option_head, company_tutor, signatory, hr in rows:
        people = {}
        if Actor.STUDENT in needed:
            people[Actor.STUDENT] = [_user(student, Actor.STUDENT)]
        if Actor.TUTOR in needed:
            people[Actor.TUTOR] = [_user(tutor, Actor.TUTOR)]
        if Actor.HEAD in needed:
            people[Actor.HEAD] = [_user(option_head or department_head, Actor.HEAD)]
        if Actor.OFFICE in needed:
            people[Actor.OFFICE] = [office]
        if Actor.DIRECTION in needed:
            people[Actor.DIRECTION] = [_user(user_id, Actor.DIRECTION) for user_id in direction]
        if Actor.COMPANY_TUTOR in needed:
            people[Actor.COMPANY_TUTOR] = [_contact(company_tutor, Actor.COMPANY_TUTOR)]
        if Actor.COMPANY in needed:
            people[Actor.COMPANY] = [_contact(signatory or hr or company_tutor, Actor.COMPANY), office_for_company]
        found[pk] = {actor: [r for r in listed if r is not None] for actor, listed in people.items()}
    return found


def recipients_of(obligation, by_dossier):
    """The persons who must act on ``obligation``, each once (a person who
    is two of its actors gets one reminder)."""
    people = by_dossier.get(obligation.dossier_id, {})
    seen = {}
    for actor in sorted(obligation.actors):
        for recipient in people.get(actor, ()):
            seen.setdefault(recipient.key, recipient)
    return list(seen.values())
