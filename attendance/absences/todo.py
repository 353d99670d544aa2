"""The head's « À faire » section of exceptional absences to decide (ABS-2,
ROLE-3), registered in conventions' queue registry from
``registrations.register_all``: counted in the navigation's one query, and
read only when it holds something."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.frenchdates import long_date
from contratpro.roles import Role
from conventions.todo.queues import Item, Section

from .models import AbsenceState, ExceptionalAbsence


def absences_to_decide(user):
    """ABS-2: the requests waiting for ``user``'s decision, as head of the
    student's department or option (the office follows them on its page)."""
    return ExceptionalAbsence.objects.filter(
        dossier__in=roles.dossiers_for(user), state=AbsenceState.REQUESTED,
    ).filter(Q(dossier__student__department__head=user) | Q(dossier__student__option__head=user))


def _items(user, limit):
    rows = absences_to_decide(user).select_related("dossier__student__user", "requested_by").order_by(
        "day", "pk")[:limit]
    return [
        Item(
            kind="absence",
            label=_("Absence exceptionnelle du %(day)s à autoriser ou refuser") % {"day": long_date(row.day)},
            student_name=row.dossier.student.full_name, dossier_id=row.dossier_id, since=row.requested_at,
            due=row.day, url=reverse("attendance:absence-detail", args=[row.pk]), detail=row.reason,
            actor=row.requested_by.get_full_name() or row.requested_by.username, action=_("Décider"),
        )
        for row in rows
    ]


SECTION = Section(
    "head-absences", gettext_lazy("Absences exceptionnelles à décider"), frozenset({Role.DEPARTMENT_HEAD}),
    items=_items, rows=absences_to_decide, order=140,
    empty=gettext_lazy("Aucune demande d'absence n'attend votre décision."),
    intro=gettext_lazy("Une journée hors des cours pour un besoin de l'entreprise : autorisez-la avec son rattrapage, "
                       "ou refusez-la en disant pourquoi."),
)
