from django.conf import settings

from . import roles


def portal(request):
    """The navigation's needs: the viewer's roles and the office's contact (CONTACT-1)."""
    user = getattr(request, "user", None)
    user_roles = roles.roles_of(user) if user is not None else frozenset()
    return {
        "contact": settings.CONTRATPRO_CONTACT,
        "user_roles": user_roles,
        "Role": roles.Role,
        "nav_sees_list": bool(user_roles & roles.SEE_ALL) or roles.Role.DEPARTMENT_HEAD in user_roles,
    }
