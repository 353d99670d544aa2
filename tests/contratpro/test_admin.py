"""The admin is where the office configures years, barème and programme."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["students_department", "students_module", "students_academicyear", "students_student", "students_infomeeting",
     "conventions_company", "conventions_dossier", "contratpro_user", "grading_baremeline"],
)
def test_admin_pages_open_for_the_office(login, year, model):
    """CAL-1, PROG-1: years, calendar and programme stay editable in the admin."""
    factories.DossierFactory()
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client = login(admin)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{model}_add")).status_code == 200
