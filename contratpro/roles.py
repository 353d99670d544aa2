"""Who may see and do what: the one chokepoint (ROLE-1…9).

Every view, export, partial and PDF starts from the querysets here
(``dossiers_for``, ``students_for``): ``get_object_or_404`` on them answers
404 alike for "missing" and "not yours" (ROLE-9). Write rights are explicit
predicates (``can_*``) that views turn into 403.

Roles come from three places: the user's groups (office, teachers, direction,
service social, scolarité), the student record linked to the user, and
relations (head of a department or option, tuteur école of a dossier).
Company people have no account at all (ROLE-5).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q, TextChoices
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Group_(TextChoices):
    """The groups a school account can belong to, by their stored name."""

    OFFICE = "Service Contrats Pro", _("Service Contrats Pro")
    TEACHERS = "Enseignants", _("Enseignants")
    DIRECTION = "Direction", _("Direction")
    SOCIAL = "Service social", _("Service social")
    SCOLARITE = "Scolarité", _("Scolarité")


class Role(TextChoices):
    STUDENT = "eleve", _("Élève")  # ROLE-1
    OFFICE = "bureau", _("Service Contrats Pro")  # ROLE-2
    DEPARTMENT_HEAD = "responsable", _("Responsable de département")  # ROLE-3
    TUTOR = "tuteur", _("Tuteur école")  # ROLE-4
    TEACHER = "enseignant", _("Enseignant")  # ROLE-6
    DIRECTION = "direction", _("Direction")  # ROLE-7
    SOCIAL = "social", _("Service social")  # ROLE-8
    SCOLARITE = "scolarite", _("Scolarité")  # ROLE-8


_GROUP_ROLES = {
    Group_.OFFICE: Role.OFFICE,
    Group_.TEACHERS: Role.TEACHER,
    Group_.DIRECTION: Role.DIRECTION,
    Group_.SOCIAL: Role.SOCIAL,
    Group_.SCOLARITE: Role.SCOLARITE,
}

# Roles that see every dossier: the office works on them (ROLE-2), the
# direction signs conventions (ROLE-7), service social and scolarité receive
# copies and grades (ROLE-8), read-only.
SEE_ALL = frozenset({Role.OFFICE, Role.DIRECTION, Role.SOCIAL, Role.SCOLARITE})


def ensure_groups():
    """Create the role groups if missing; returns them by name."""
    return {g: Group.objects.get_or_create(name=g.value)[0] for g in Group_}


def roles_of(user):
    """The set of roles of ``user``, computed once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_contratpro_roles", None)
    if cached is not None:
        return cached
    roles = {
        _GROUP_ROLES[Group_(name)]
        for name in user.groups.values_list("name", flat=True)
        if name in Group_.values
    }
    if user.is_superuser:
        roles.add(Role.OFFICE)
    roles |= _relation_roles(user)
    user._contratpro_roles = frozenset(roles)
    return user._contratpro_roles


def _relation_roles(user):
    """Roles held through relations, read in one query."""
    from conventions.models import Dossier
    from students.models import Department, Option, Student

    flags = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            is_student=Exists(Student.objects.filter(user=OuterRef("pk"))),
            heads_department=Exists(Department.objects.filter(head=OuterRef("pk"))),
            heads_option=Exists(Option.objects.filter(head=OuterRef("pk"))),
            tutors=Exists(Dossier.objects.filter(tuteur_ecole=OuterRef("pk"))),
        )
        .values("is_student", "heads_department", "heads_option", "tutors")
        .first()
    ) or {}
    roles = set()
    if flags.get("is_student"):
        roles.add(Role.STUDENT)
    if flags.get("heads_department") or flags.get("heads_option"):
        roles.add(Role.DEPARTMENT_HEAD)
    if flags.get("tutors"):
        roles.add(Role.TUTOR)
    return roles


def sees_all(user):
    return bool(roles_of(user) & SEE_ALL)


def _personal_scope(user, prefix=""):
    """What a user reaches through relations: their own record (ROLE-1),
    their department or option (ROLE-3), their tutees (ROLE-4)."""
    return (
        Q(**{f"{prefix}user": user})
        | Q(**{f"{prefix}department__head": user})
        | Q(**{f"{prefix}option__head": user})
    )


def dossiers_for(user):
    """The dossiers ``user`` may see (ROLE-1…9). The base of every dossier view."""
    from conventions.models import Dossier

    if not roles_of(user):
        return Dossier.objects.none()
    if sees_all(user):
        return Dossier.objects.all()
    # Every relation followed here is single-valued: no duplicate rows, no DISTINCT.
    return Dossier.objects.filter(_personal_scope(user, "student__") | Q(tuteur_ecole=user))


def students_for(user):
    """The students ``user`` may see (same scope as their dossiers)."""
    from students.models import Student

    if not roles_of(user):
        return Student.objects.none()
    if sees_all(user):
        return Student.objects.all()
    return Student.objects.filter(_personal_scope(user) | Q(dossiers__tuteur_ecole=user)).distinct()


def departments_headed_by(user):
    """Departments whose dossiers ``user`` sees as a head (of it or of one of its options)."""
    from students.models import Department

    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.filter(Q(head=user) | Q(options__head=user)).distinct()


def can_manage_dossiers(user):
    """Create and edit dossiers, validate documents, score: the office (ROLE-2)."""
    return Role.OFFICE in roles_of(user)


def home_url(user):
    """Where each role lands after login."""
    roles = roles_of(user)
    if roles & SEE_ALL or Role.DEPARTMENT_HEAD in roles:
        return reverse("conventions:dossier-list")
    if Role.TUTOR in roles:
        return reverse("conventions:tutee-list")
    if Role.STUDENT in roles:
        return reverse("conventions:my-dossier")
    return reverse("no-role")
