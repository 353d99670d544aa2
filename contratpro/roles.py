"""Who may see and do what: the one chokepoint (ROLE-1…9).

Every view, export, partial and PDF starts from the querysets here
(``dossiers_for``, ``students_for``): ``get_object_or_404`` on them answers
404 alike for "missing" and "not yours" (ROLE-9). Write rights are explicit
predicates (``can_*``, and ``link_problem`` for personal links) that views
turn into 403 and services check again whatever the caller; no module
defines a permission predicate of its own (the architecture test fails on
any ``def can_…``/``def may_…`` outside this file).

Where it sits: above the rooms' *models*, below their services and views.
It reads every room's models (a tutor sees a student through a dossier; a
teacher will see sessions through attendance) and imports nothing else of
ours; no models module imports it. The architecture test enforces both.

Roles come from three places: the user's groups (office, teachers, direction,
service social, scolarité), the student record linked to the user, and
relations (head of a department or option, tuteur école of a dossier).
Company people have no account at all (ROLE-5).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q, TextChoices
from django.urls import reverse
from django.utils import timezone
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
    """The set of roles of ``user``, read once and kept on the user object
    for the rest of the request (the sign-in backend reads it with the user
    itself: ``contratpro.backends``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_contratpro_roles", None)
    if cached is not None:
        return cached
    row = with_role_flags(get_user_model().objects.filter(pk=user.pk)).values(*_FLAGS).first() or {}
    return remember_roles(user, row)


# One flag per group, then the relations: student record, head of a
# department or of an option, tuteur école.
_GROUP_FLAGS = {f"role_group_{index}": group for index, group in enumerate(Group_)}
_FLAGS = (*_GROUP_FLAGS, "role_student", "role_heads_department", "role_heads_option", "role_tutors")


def with_role_flags(users):
    """``users`` annotated with what ``remember_roles`` reads: every role of
    each user in the same query as the user."""
    from conventions.models import Dossier
    from students.models import Department, Option, Student

    return users.annotate(
        role_student=Exists(Student.objects.filter(user=OuterRef("pk"))),
        role_heads_department=Exists(Department.objects.filter(head=OuterRef("pk"))),
        role_heads_option=Exists(Option.objects.filter(head=OuterRef("pk"))),
        role_tutors=Exists(Dossier.objects.filter(tuteur_ecole=OuterRef("pk"))),
        **{key: Exists(Group.objects.filter(user=OuterRef("pk"), name=group.value)) for key, group in _GROUP_FLAGS.items()},
    )


def remember_roles(user, flags=None):
    """Turn the flags of ``with_role_flags`` (a dict, or the user's own
    attributes) into the user's roles, and keep them on the user."""
    flags = flags if flags is not None else {name: getattr(user, name, False) for name in _FLAGS}
    roles = {_GROUP_ROLES[group] for key, group in _GROUP_FLAGS.items() if flags.get(key)}
    if flags.get("role_student"):
        roles.add(Role.STUDENT)
    if flags.get("role_heads_department") or flags.get("role_heads_option"):
        roles.add(Role.DEPARTMENT_HEAD)
    if flags.get("role_tutors"):
        roles.add(Role.TUTOR)
    if user.is_superuser:
        roles.add(Role.OFFICE)
    user._contratpro_roles = frozenset(roles)
    return user._contratpro_roles


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
    from conventions.models import Dossier
    from students.models import Student

    if not roles_of(user):
        return Student.objects.none()
    if sees_all(user):
        return Student.objects.all()
    # A tutee through an EXISTS, not a join: no duplicate rows, no DISTINCT
    # for the lists to sort and count (a school's 5 000 students).
    tutee = Exists(Dossier.objects.filter(student=OuterRef("pk"), tuteur_ecole=user))
    return Student.objects.filter(_personal_scope(user) | Q(tutee))


def eligibility_files_for(user):
    """The students whose eligibility file (facts, permit, scholarship,
    overrides) ``user`` reads: every student for the office, their
    department's or option's for a head (ROLE-2, ROLE-3). The direction,
    service social and scolarité follow dossiers without these facts (the
    dossier page's viewpoints hide them, ROLE-7, ROLE-8). A tuteur
    école sees their tutee's dossier, never this file, whatever their other
    roles (ROLE-4, ROLE-9)."""
    from students.models import Student

    if not roles_of(user):
        return Student.objects.none()
    if Role.OFFICE in roles_of(user):
        return Student.objects.all()
    if Role.DEPARTMENT_HEAD not in roles_of(user):
        return Student.objects.none()
    return Student.objects.filter(Q(department__head=user) | Q(option__head=user))


def reads_eligibility_file(user, dossier):
    """Whether the dossier page links ``user`` to the student's eligibility
    file: the same scope as ``eligibility_files_for``, without a query."""
    return Role.OFFICE in roles_of(user) or is_head_of(user, dossier)


def departments_headed_by(user):
    """Departments whose dossiers ``user`` sees as a head (of it or of one of its options)."""
    from students.models import Department

    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.filter(Q(head=user) | Q(options__head=user)).distinct()


def can_manage_dossiers(user):
    """Create and edit dossiers, validate documents, score: the office (ROLE-2)."""
    return Role.OFFICE in roles_of(user)


def needs_second_factor(user):
    """AUTH-2: the office and superusers confirm their sign-in with a second
    factor (when ``CONTRATPRO_REQUIRE_SECOND_FACTOR`` is on)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or Role.OFFICE in roles_of(user)
    )


def can_unlock_sign_ins(user):
    """AUTH-2: the office sees the locked accounts and addresses and unlocks them."""
    return Role.OFFICE in roles_of(user)


class Actor(TextChoices):
    """What a person is for one dossier: STEP-1's "Qui" column."""

    STUDENT = "eleve", _("Élève")
    COMPANY = "entreprise", _("Entreprise")
    HEAD = "responsable", _("Responsable de département")
    OFFICE = "bureau", _("Service Contrats Pro")
    TUTOR = "tuteur", _("Tuteur école")
    COMPANY_TUTOR = "tuteur_entreprise", _("Tuteur entreprise")
    DIRECTION = "direction", _("Direction")


def can_manage_accounts(user):
    """The office creates, invites, deactivates people and imports the staff
    list (AUTH-1); superusers hold the office's role."""
    return Role.OFFICE in roles_of(user)


def actors_of(user, dossier):
    """What ``user`` is for ``dossier`` (STEP-1), from the dossier's own
    relations and the user's groups: no query beyond ``roles_of``'s."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    actors = set()
    user_roles = roles_of(user)
    if dossier.student.user_id == user.pk:
        actors.add(Actor.STUDENT)
    if Role.OFFICE in user_roles:
        actors.add(Actor.OFFICE)
    if Role.DIRECTION in user_roles:
        actors.add(Actor.DIRECTION)
    if is_head_of(user, dossier):
        actors.add(Actor.HEAD)
    if dossier.tuteur_ecole_id == user.pk:
        actors.add(Actor.TUTOR)
    return frozenset(actors)


def is_head_of(user, dossier):
    """The head of the student's department or option (ROLE-3)."""
    option = dossier.student.option
    return bool(getattr(user, "is_authenticated", False)) and (
        dossier.student.department.head_id == user.pk or (option is not None and option.head_id == user.pk)
    )


def can_approve_contract(user, dossier):
    """ELIG-9: the head of the student's department (or option) approves the contract."""
    return is_head_of(user, dossier)


def can_edit_dossier_papers(user, dossier):
    """The fiche contact and the CERFA data are typed by the dossier's
    student and the office (DOC-1, DOC-7)."""
    return bool(actors_of(user, dossier) & {Actor.STUDENT, Actor.OFFICE})


def can_read_fiche(user, dossier):
    """DOC-1, STEP-6: the fiche contact is read by those who type it (the
    student, the office), the department head who signs it off at step 3
    and the tuteur école who follows the PFE subject (step D); read-only
    for the last two. Others who see the dossier get 403, outsiders 404
    (``dossiers_for``)."""
    return bool(actors_of(user, dossier) & {Actor.STUDENT, Actor.OFFICE, Actor.HEAD, Actor.TUTOR})


def can_upload(user, dossier):
    """Who deposits a dossier's files with an account: its student and the
    office (DOC-6); company people deposit through their personal link."""
    return bool(actors_of(user, dossier) & {Actor.STUDENT, Actor.OFFICE})


def can_report_incident(user, dossier):
    """ABS-3, step E: the student and the office report an incident."""
    return bool(actors_of(user, dossier) & {Actor.STUDENT, Actor.OFFICE})


def step_rights(actors, definition):
    """STEP-1, STEP-3: what ``actors`` may do on a step, whatever its state:
    its submitters hand it in, its validators validate or refuse it, the
    office reopens it. ``definition`` is the step's catalogue entry."""
    rights = set()
    if actors & definition.submitters and not definition.direct:
        rights.add("submit")
    if actors & definition.validators:
        rights.update(("validate", "refuse"))
    if Actor.OFFICE in actors:
        rights.add("reopen")
    return frozenset(rights)


def can_validate_step(user, dossier, definition):
    """STEP-3: ``user`` is one of the step's validators for this dossier."""
    return "validate" in step_rights(actors_of(user, dossier), definition)


def can_send_copies(user, dossier):
    """DOC-8, steps 6' and 7: the office sends the copies of the convention."""
    return Actor.OFFICE in actors_of(user, dossier)


def can_sign(user, dossier, *, party, method, link=None):
    """DOC-4, DOC-5, ROLE-5, ROLE-7: who signs the convention for whom, and how.

    The student in the portal for themself; the company through its own
    signing link only; the direction (or the office on its behalf) for the
    school; the office records any party's signature received on paper."""
    from conventions.models import ExternalLink, Signature

    actors = actors_of(user, dossier) if user is not None else frozenset()
    if method == Signature.Method.PAPER:
        return Actor.OFFICE in actors
    if party == Signature.Party.STUDENT and method == Signature.Method.PORTAL:
        return Actor.STUDENT in actors
    if party == Signature.Party.COMPANY and method == Signature.Method.LINK:
        return link is not None and link_problem(
            link, purpose=ExternalLink.Purpose.SIGN_CONVENTION, dossier=dossier
        ) is None
    if party == Signature.Party.SCHOOL and method == Signature.Method.PORTAL:
        return bool(actors & {Actor.DIRECTION, Actor.OFFICE})
    return False


# --- Personal links (ROLE-5) ------------------------------------------------

def link_state(link, now=None):
    """``"revoked"``, ``"expired"`` or ``"active"``, from the row's own fields."""
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def link_problem(link, *, purpose, dossier=None, now=None):
    """Why ``link`` may not serve ``purpose`` (one purpose or a collection)
    on ``dossier`` now, as a code — ``"purpose"``, ``"scope"`` (another
    dossier, or its contact no longer in the dossier's company),
    ``"revoked"``, ``"expired"`` — or None when it may (ROLE-5). The link
    row is the authority, so the office can end a link at any time."""
    allowed = {purpose} if isinstance(purpose, str) else set(purpose)
    if link.purpose not in allowed:
        return "purpose"
    if dossier is not None and link.dossier_id != dossier.pk:
        return "scope"
    if link.contact.company_id != link.dossier.company_id:
        return "scope"
    state = link_state(link, now)
    return None if state == "active" else state


def home_url(user):
    """Where each role lands after login: every role with a queue on what
    awaits it (« À faire »: ROLE-2, 3, 4, 7, 8); the student on their own
    dossier and its next step (ROLE-1); a teacher who tutors nobody on the
    sessions to sign (« Mes séances », ROLE-6)."""
    roles = roles_of(user)
    if roles & (SEE_ALL | {Role.DEPARTMENT_HEAD, Role.TUTOR}):
        return reverse("conventions:todo")
    if Role.STUDENT in roles:
        return reverse("conventions:my-dossier")
    if Role.TEACHER in roles:
        return reverse("attendance:my-sessions")
    return reverse("no-role")


# --- Attendance (ATT-1, ATT-2, ROLE-6) ----------------------------------------

def can_manage_sessions(user):
    """ATT-1: the office enters and imports the sessions of the timetable."""
    return Role.OFFICE in roles_of(user)


def can_sign_session(user, session):
    """ATT-1, ROLE-6: a session is signed by its own teacher, nobody else
    (not another teacher, not the office: the office corrects, with a reason)."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and session.teacher_id == user.pk


def can_correct_attendance(user):
    """ATT-1: only the office changes a signed session, with a written reason."""
    return Role.OFFICE in roles_of(user)


def sessions_for(user, *, to_sign=False):
    """The sessions ``user`` sees: every one for the office, their own for
    a teacher (ROLE-6); others 404. ``to_sign``: every session for any
    teacher too, so that signing another's answers 403, not 404."""
    from attendance.models import Session

    user_roles = roles_of(user)
    if Role.OFFICE in user_roles or (to_sign and Role.TEACHER in user_roles):
        return Session.objects.all()
    if not user_roles:
        return Session.objects.none()
    return Session.objects.filter(teacher=user)


def can_produce_carnet(user, dossier):
    """ATT-1, ATT-3: the carnet document is produced by the office, or by the
    student for their own dossier (« Mon carnet »), to hand it in (step F)."""
    return bool(actors_of(user, dossier) & {Actor.STUDENT, Actor.OFFICE})


# --- Absences and incidents (ABS-1…3, NOTIF-3) --------------------------------

def can_request_absence(user, dossier):
    """ABS-1, ABS-2: the student declares an arrêt or asks for an exceptional
    absence; the office may do it for them."""
    return bool(actors_of(user, dossier) & {Actor.STUDENT, Actor.OFFICE})


def can_read_sick_leave(user, dossier):
    """ABS-1: the arrêt de travail (a health document) is read by its
    student and the office only, not by every role that sees the dossier."""
    return bool(actors_of(user, dossier) & {Actor.STUDENT, Actor.OFFICE})


def can_decide_absence(user, dossier):
    """ABS-2, ROLE-3: the head of the student's department (or option)
    authorises or refuses an exceptional absence; nobody else."""
    return is_head_of(user, dossier)


def can_follow_makeup(user, dossier):
    """ABS-2: the office and the student's head plan a make-up and mark it done."""
    return bool(actors_of(user, dossier) & {Actor.OFFICE, Actor.HEAD})


def can_see_absence_queue(user):
    """ABS-2: the queue of exceptional absences is for the heads (theirs to
    decide) and the office (the make-ups to follow)."""
    return bool(roles_of(user) & {Role.OFFICE, Role.DEPARTMENT_HEAD})


def can_confirm_rupture(user):
    """ABS-3: the office confirms (or sets aside) a rupture; one it reports
    itself is confirmed at once."""
    return Role.OFFICE in roles_of(user)


def can_record_rupture_declaration(user):
    """NOTIF-3: the office records that the employer reported a rupture."""
    return Role.OFFICE in roles_of(user)


# --- Certificats de réalisation (CERT-1) --------------------------------------

def can_issue_certificates(user):
    """CERT-1: the office issues the certificats de réalisation, for one
    dossier or a whole year (the superuser as the office)."""
    return Role.OFFICE in roles_of(user)


# --- Tutors and the S9 Projet Entreprise (ROLE-3, ROLE-4, EVAL-1…3) ------------

def can_name_tutor(user, dossier):
    """ROLE-3: the head of the student's department (or option) names the
    dossier's tuteur école; the office may do it for them."""
    return bool(actors_of(user, dossier) & {Actor.HEAD, Actor.OFFICE})


def can_see_tutor_queue(user):
    """ROLE-3: « Tuteurs à nommer » is for the heads and the office."""
    return bool(roles_of(user) & {Role.OFFICE, Role.DEPARTMENT_HEAD})


def can_grade_report(user, dossier):
    """ROLE-4, EVAL-1: the dossier's tuteur école grades the S9 report."""
    return Actor.TUTOR in actors_of(user, dossier)


def can_type_appraisal(user, dossier):
    """ROLE-4, EVAL-1: the company tutor's paper appraisal is typed in by
    the office or the dossier's tuteur école."""
    return bool(actors_of(user, dossier) & {Actor.TUTOR, Actor.OFFICE})


def can_transmit_s9(user, dossier):
    """EVAL-2: the tuteur école passes the S9 grade to the scolarité."""
    return Actor.TUTOR in actors_of(user, dossier)


# --- The fiche contact PFE and the defences (DOC-2, PFE-1…3) -------------------

def can_review_fiche_pfe(user, dossier):
    """DOC-2, step D: the dossier's tuteur école validates the fiche PFE or
    sends it back with a comment."""
    return Actor.TUTOR in actors_of(user, dossier)


def can_schedule_defence(user, dossier):
    """PFE-1, ROLE-3: the head of the student's department or option organises the defence."""
    return Actor.HEAD in actors_of(user, dossier)


def can_set_report_deadline(user, dossier):
    """PFE-2, ROLE-4: the co-tutor sets the PFE report deadline; the school's
    co-tutor is the tuteur école, who follows the PFE (ROLE-4)."""
    return Actor.TUTOR in actors_of(user, dossier)


def can_grade_pfe(user, dossier, defence):
    """PFE-1: the jury's president or the head records the PFE grade."""
    if not getattr(user, "is_authenticated", False):
        return False
    return defence.president_id == user.pk or Actor.HEAD in actors_of(user, dossier)


def pfe_dossiers_for(user):
    """The dossiers whose PFE page ``user`` opens: the ones they see, and the
    ones whose defence they preside (PFE-1: the president grades)."""
    from conventions.models import Dossier

    seen = dossiers_for(user)
    if not getattr(user, "is_authenticated", False):
        return seen
    return Dossier.objects.filter(Q(pk__in=seen.values("pk")) | Q(defence__president=user))


def can_upload_pfe_report(user, dossier):
    """PFE-2: the student deposits their PFE report."""
    return Actor.STUDENT in actors_of(user, dossier)


# --- The company tutor's appraisal (EVAL-1, step B, ROLE-4, ROLE-5) ------------

def can_read_appraisal(user, dossier):
    """ROLE-4: the company tutor's detailed fiche « Avant PFE » (levels and
    comments) is read by the tuteur école who receives it, the office and
    the heads of the student's department or option; not by the student
    (the grade alone shows in the S9 panel), nor by the read-only roles."""
    return bool(actors_of(user, dossier) & {Actor.TUTOR, Actor.OFFICE, Actor.HEAD})


def can_hand_in_report(user, dossier):
    """EVAL-2, step A: the student hands in their S9 report with its four
    parts ticked (STEP-1: step A is the student's to hand in)."""
    return Actor.STUDENT in actors_of(user, dossier)


# --- The grades sent to the scolarité (ROLE-8, EVAL-2) ----------------------------

def can_see_grade_transmissions(user):
    """ROLE-8: the page of the grades and of their transmissions: the
    scolarité (read-only), the office, and the heads (their department or
    option only). Neither the direction nor the service social."""
    return bool(roles_of(user) & {Role.SCOLARITE, Role.OFFICE, Role.DEPARTMENT_HEAD})


def can_transmit_grades(user, department):
    """ROLE-8, EVAL-2: the office sends the scolarité one department's
    grades or the whole year's (``department`` None); the head of a
    department sends their department's. The scolarité only receives."""
    if Role.OFFICE in roles_of(user):
        return True
    return department is not None and Role.DEPARTMENT_HEAD in roles_of(user) and department.head_id == user.pk


# --- Reminders (NOTIF-1…3) ---------------------------------------------------------

def can_retry_reminders(user):
    """NOTIF-1: the office reads the reminders sent and failed, and sends a
    failed one again (« Relancer »)."""
    return Role.OFFICE in roles_of(user)


# --- Digests (NOTIF-1) ---------------------------------------------------------------

def can_read_digest(user):
    """NOTIF-1: the weekly digest (« Récapitulatif ») is the office's (every
    department) and each department or option head's (theirs, ROLE-3)."""
    return bool(roles_of(user) & {Role.OFFICE, Role.DEPARTMENT_HEAD})


# --- Calendar feeds (NOTIF-1) --------------------------------------------------------

# The roles that have deadlines of their own to act on (the deadlines
# registry's actors): a student, the office, a head, a tuteur école, the
# direction. A teacher with no tutee, the service social and the scolarité
# have none.
CALENDAR_ROLES = frozenset({Role.STUDENT, Role.OFFICE, Role.DEPARTMENT_HEAD, Role.TUTOR, Role.DIRECTION})


def can_subscribe_calendar(user):
    """NOTIF-1: a person whose roles have deadlines makes, renews and
    disables their own calendar's address (« Mon agenda »); a feed whose
    person no longer holds such a role reads nothing."""
    return bool(roles_of(user) & CALENDAR_ROLES)


# --- Notifications (issue 15) --------------------------------------------------------

def notifications_for(user):
    """A person's own notifications (the inbox): every school account reads
    its own, nobody reads another's (ROLE-9: another's answers 404). Company
    contacts have no inbox (ROLE-5): theirs are mailed only."""
    from conventions.models import Notification

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


# --- The OPCO deposit (NOTIF-3) ------------------------------------------------------

def can_record_opco_deposit(user):
    """NOTIF-3: the office records the day the employer deposited the
    contract with its OPCO (from the OPCO's acknowledgement or the
    employer's word), and corrects it."""
    return Role.OFFICE in roles_of(user)
