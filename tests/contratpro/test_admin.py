"""The admin is for configuration only: the office edits years, calendar,
programme and barème there; students, dossiers, companies and scores are
daily records it may list and read, never add, change or delete there."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse

from conventions.dossier import steps
from conventions.models import Dossier
from grading import scoring
from students.models import Department, InfoMeeting, SmicRate, Student
from tests import factories

pytestmark = pytest.mark.django_db

CONFIGURATION = ["students_department", "students_module", "students_academicyear", "students_infomeeting",
                 "grading_baremeline"]
RECORDS = ["students_student", "conventions_company", "conventions_dossier", "grading_stepscore"]


@pytest.fixture
def dossier(year):
    """One object of each kind the admin lists: the year's barème comes with
    the first score (SCORE-2's defaults)."""
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    scoring.score_set(dossier=dossier, step="1", points=1, by=factories.UserFactory(groups=["Service Contrats Pro"]))
    InfoMeeting.objects.create(year=year, date=year.rentree)
    return dossier


@pytest.fixture
def office(login):
    """The office's account as the demo builds it: staff, in the office's
    group, with no Django model permission of its own (ROLE-2)."""
    return login(factories.UserFactory(is_staff=True, groups=["Service Contrats Pro"]))


@pytest.fixture
def superuser(login):
    return login(factories.UserFactory(is_staff=True, is_superuser=True))


def first_object_url(model):
    app_label, model_name = model.split("_", 1)
    obj = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    return reverse(f"admin:{model}_change", args=[obj.pk])


def _posted(value):
    if isinstance(value, (list, tuple)):
        return [getattr(item, "pk", item) for item in value]
    return "" if value is None else getattr(value, "pk", value)


def unchanged_form(response, **changes):
    """What the admin change page in ``response`` posts back untouched, its
    inlines included, with ``changes`` applied."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({formset.management_form.add_prefix(k): v for k, v in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is False:
                continue
            data[form.add_prefix(name)] = _posted(value)
    data.update(changes)
    return data


@pytest.mark.parametrize("model", CONFIGURATION)
def test_cal_1_prog_1_the_office_adds_and_changes_configuration(office, dossier, model):
    """CAL-1, PROG-1, SCORE-2: years, calendar, programme and barème open
    for adding and changing, with a save button."""
    assert office.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert office.get(reverse(f"admin:{model}_add")).status_code == 200
    response = office.get(first_object_url(model))
    assert response.status_code == 200
    assert 'name="_save"' in response.content.decode()


@pytest.mark.parametrize("client_name", ["office", "superuser"])
@pytest.mark.parametrize("model", RECORDS)
def test_data_4_daily_records_are_listed_and_shown_read_only(request, dossier, model, client_name):
    """DATA-4: students, companies, dossiers and scores are listed and shown
    to the office, and even to a superuser no add page and no save button."""
    client = request.getfixturevalue(client_name)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403
    response = client.get(first_object_url(model))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_data_4_a_dossier_posted_to_the_admin_is_refused_and_unchanged(superuser, dossier):
    """DATA-4: a change posted to a dossier's admin page answers 403 and changes nothing."""
    url = reverse("admin:conventions_dossier_change", args=[dossier.pk])

    response = superuser.post(url, {"student": dossier.student_id, "year": dossier.year_id, "contract_type": "cdi"})

    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.contract_type == Dossier.ContractType.CDD


def test_data_4_a_student_cannot_be_added_changed_or_deleted_in_the_admin(superuser, dossier):
    """DATA-4: adding, changing or deleting a student through the admin
    answers 403; the student stays as they were."""
    student = dossier.student
    change_url = reverse("admin:students_student_change", args=[student.pk])

    assert superuser.post(reverse("admin:students_student_add"), {"user": factories.UserFactory().pk}).status_code == 403
    assert superuser.post(change_url, {"student_number": "E0000000"}).status_code == 403
    assert superuser.post(reverse("admin:students_student_delete", args=[student.pk]), {"post": "yes"}).status_code == 403
    assert Student.objects.get(pk=student.pk).student_number == student.student_number


def test_data_4_model_permissions_do_not_open_daily_records(login, dossier):
    """DATA-4: a staff account granted Django's change permission on dossiers still cannot change one here."""
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_dossier", "add_dossier", "view_dossier"]))
    client = login(user)

    assert client.get(reverse("admin:conventions_dossier_changelist")).status_code == 200
    assert client.get(reverse("admin:conventions_dossier_add")).status_code == 403
    assert 'name="_save"' not in client.get(first_object_url("conventions_dossier")).content.decode()


def test_doc_10_the_office_adds_a_dated_smic_value(office, year):
    """DOC-10: the SMIC, on which the legal minimum pay is computed, is a dated value the office adds in the
    admin (a year can hold several); the year's page no longer offers a SMIC of its own."""
    assert 'name="smic_monthly"' not in office.get(
        reverse("admin:students_academicyear_change", args=[year.pk])
    ).content.decode()
    url = reverse("admin:students_smicrate_add")
    response = office.post(url, {"valid_from": "2027-01-01", "monthly_35h": "1850.00", "reference": "décret 2026-1"})

    assert response.status_code == 302
    assert SmicRate.objects.on(datetime.date(2027, 1, 1)).monthly_35h == Decimal("1850.00")


def test_prog_1_the_office_edits_a_department(office):
    """PROG-1: a department's PFE length is configuration the office changes in the admin."""
    department = Department.objects.get(code="GCBD")
    url = reverse("admin:students_department_change", args=[department.pk])
    data = unchanged_form(office.get(url), pfe_weeks=24)

    response = office.post(url, data)

    assert response.status_code == 302
    department.refresh_from_db()
    assert department.pfe_weeks == 24


def test_role_2_accounts_stay_with_the_superuser(office, superuser):
    """ROLE-2: editing accounts grants roles and admin rights, so the office
    does not reach them in the admin; the superuser adds and changes them."""
    assert office.get(reverse("admin:contratpro_user_changelist")).status_code == 403
    assert superuser.get(reverse("admin:contratpro_user_changelist")).status_code == 200
    assert superuser.get(reverse("admin:contratpro_user_add")).status_code == 200
