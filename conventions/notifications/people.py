"""Who the rules name, as ids, read set-based: a dossier's people in one
query, the office's or the direction's members in one more (ROLE-2,
ROLE-3, ROLE-4, ROLE-7). The office's system account (the reminders'
robot) has no mailbox and reads no inbox: it is never a recipient."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from contratpro.roles import Actor, Group_
from conventions.dossier.models import Dossier
from conventions.reminders.services import ROBOT_USERNAME


@dataclass(frozen=True)
class DossierPeople:
    pk: int
    student_user: int | None
    student_name: str
    department_head: int | None
    option_head: int | None
    tutor: int | None
    signatory: int | None

    @property
    def head(self):
        """The head who acts on the dossier: the option's when it has one,
        else the department's (as the reminders name them)."""
        return self.option_head or self.department_head

    @property
    def heads(self):
        """Both heads, each once (an exceptional absence is told to both, ABS-2)."""
        return tuple(dict.fromkeys(pk for pk in (self.department_head, self.option_head) if pk))


def dossier_people(dossier_id):
    """The people of one dossier, in one query (None if it is gone)."""
    row = (
        Dossier.objects.filter(pk=dossier_id)
        .values_list(
            "pk", "student__user_id", "student__user__first_name", "student__user__last_name",
            "student__user__username", "student__department__head_id", "student__option__head_id",
            "tuteur_ecole_id", "signataire_id",
        )
        .first()
    )
    if row is None:
        return None
    pk, user, first, last, username, department_head, option_head, tutor, signatory = row
    return DossierPeople(
        pk=pk, student_user=user, student_name=f"{first} {last}".strip() or username,
        department_head=department_head, option_head=option_head, tutor=tutor, signatory=signatory,
    )


def members_of(group):
    """The active accounts of ``group`` (a ``Group_``), one query."""
    return tuple(
        get_user_model().objects.filter(groups__name=group.value, is_active=True)
        .exclude(username=ROBOT_USERNAME).values_list("pk", flat=True).order_by("pk")
    )


def office_members():
    return members_of(Group_.OFFICE)


def direction_members():
    return members_of(Group_.DIRECTION)


def people_of_actors(actors, people):
    """The accounts behind ``actors`` (``roles.Actor``) for one dossier."""
    found = []
    if Actor.STUDENT in actors:
        found.append(people.student_user)
    if Actor.HEAD in actors:
        found.append(people.head)
    if Actor.TUTOR in actors:
        found.append(people.tutor)
    if Actor.OFFICE in actors:
        found.extend(office_members())
    if Actor.DIRECTION in actors:
        found.extend(direction_members())
    return tuple(dict.fromkeys(pk for pk in found if pk))
