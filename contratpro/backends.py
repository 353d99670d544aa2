"""Sign-in backend: Django's own (passwords, permissions), reading the
user's portal roles in the same query as the user on every request, so
that no page pays a query for who the viewer is (ROLE-9)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import roles


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = roles.with_role_flags(get_user_model()._default_manager.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        roles.remember_roles(user)
        return user
