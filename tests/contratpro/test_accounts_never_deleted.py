"""An account is deactivated, never deleted (AUTH-1): its history, its
signatures and grades keep naming it."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from contratpro.models import User
from tests import factories


@pytest.mark.django_db
def test_auth_1_the_admin_never_deletes_an_account():
    """AUTH-1: not even a superuser deletes an account in the admin (the
    office deactivates it from « Personnes »)."""
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    person = factories.UserFactory()
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = site._registry[User]
    assert model_admin.has_delete_permission(request, person) is False
    assert "delete_selected" not in model_admin.get_actions(request)
