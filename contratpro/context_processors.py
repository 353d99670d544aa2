from django.utils.functional import SimpleLazyObject

from . import roles
from .school.services import office_contact

# The « À faire » of the navigation, registered by the room that owns the
# queues (``conventions.todo``, from its AppConfig.ready): this module sits
# below the rooms and imports none of them.
_TODO = {}


def register_todo(*, url, count):
    """``url(user)``: the viewer's « À faire » page, or None without a queue
    (no query); ``count(user)``: how many things await them (a few queries)."""
    _TODO.update(url=url, count=count)


class LazyCount:
    """The navigation's number, counted the first time something reads it:
    a template calls what is callable, so ``{{ nav_todo_count }}`` and
    ``{% blocktranslate count … %}`` get a plain int, and a template that
    never shows it (a panel rendered alone) costs no query. Reads like an
    int in Python too."""

    def __init__(self, count, user):
        self._count, self._user, self._value = count, user, None

    def __call__(self):
        if self._value is None:
            self._value = self._count(self._user)
        return self._value

    def __int__(self):
        return self()

    __index__ = __int__

    def __eq__(self, other):
        return self() == other

    def __hash__(self):
        return hash(self())

    def __bool__(self):
        return bool(self())

    def __str__(self):
        return str(self())

    __repr__ = __str__


def portal(request):
    """The navigation's needs: the viewer's roles, the office's contact
    (CONTACT-1), and the « À faire » link with its number for the roles
    that have a queue (``nav_todo_url`` None otherwise)."""
    user = getattr(request, "user", None)
    user_roles = roles.roles_of(user) if user is not None else frozenset()
    todo_url = _TODO["url"](user) if user_roles and _TODO else None
    # The number is counted for whole pages only (an htmx partial has no
    # navigation), when shown: one query.
    counted = todo_url is not None and not getattr(request, "htmx", False)
    return {
        # django-htmx's {% htmx_script %} reads the CSP nonce under this name.
        "csp_nonce": getattr(request, "csp_nonce", ""),
        # CONTACT-1, DOC-11: the footer's and the pages' office contact, read
        # from the school's identity when a page prints it (one query).
        "contact": SimpleLazyObject(office_contact),
        "user_roles": user_roles,
        "Role": roles.Role,
        "nav_sees_list": bool(user_roles & roles.SEE_ALL) or roles.Role.DEPARTMENT_HEAD in user_roles,
        # The students' eligibility files: the office's and the heads'.
        "nav_sees_students": bool(user_roles & {roles.Role.OFFICE, roles.Role.DEPARTMENT_HEAD}),
        # « Mon agenda »: the roles that have deadlines of their own (NOTIF-1).
        "nav_calendar": bool(user_roles & roles.CALENDAR_ROLES),
        "nav_todo_url": todo_url,
        "nav_todo_count": LazyCount(_TODO["count"], user) if counted else 0,
    }
