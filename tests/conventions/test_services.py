"""Step 1 (inform the office and the head) and the head's approval (ELIG-9)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conventions.dossier import services, steps
from conventions.models import Dossier
from students import services as student_services
from students.models import InfoMeeting, Student
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(year, head):
    """A 2IA student (``head``'s department) who attended the year's meeting."""
    student = factories.StudentFactory()
    InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12)).attendees.add(student)
    return Student.objects.get(pk=student.pk)


def test_step_1_opens_the_dossier_and_notifies_office_and_head(student, head, mailoutbox, django_capture_on_commit_callbacks):
    """STEP-1 (step 1), NOTIF-2: once eligible, the student opens the dossier; the office and the head get an e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_open(student=student, by=student.user)
    assert dossier.year == student.year and dossier.company is None
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {"contrats-pro@mines-ales.fr", "resp2ia@mines-ales.fr"}
    assert student.full_name in mailoutbox[0].subject
    assert "étape 1" in mailoutbox[0].body


def test_elig_1_step_1_refused_while_a_check_blocks(year):
    """ELIG-1, STEP-1: without the information meeting, step 1 is refused and no dossier opens."""
    student = factories.StudentFactory()
    with pytest.raises(ValidationError, match="Réunion d'information"):
        services.dossier_open(student=student, by=student.user)
    assert not Dossier.objects.exists()


def test_elig_8_step_1_waits_for_the_acknowledgement(student):
    """ELIG-8, STEP-1: a scholarship holder first accepts the stated risk, then may take step 1."""
    student.scholarship_holder = True
    student.save()
    with pytest.raises(ValidationError, match="acceptez d'abord"):
        services.dossier_open(student=student, by=student.user)
    student_services.eligibility_acknowledge(student=student, rule="ELIG-8", by=student.user)
    assert services.dossier_open(student=Student.objects.get(pk=student.pk), by=student.user).pk


def test_step_1_only_once_and_only_by_the_student(student, head):
    """STEP-1: nobody takes step 1 for the student, and it is taken once."""
    with pytest.raises(PermissionDenied):
        services.dossier_open(student=student, by=head)
    services.dossier_open(student=student, by=student.user)
    with pytest.raises(ValidationError, match="déjà ouvert"):
        services.dossier_open(student=student, by=student.user)


def test_elig_9_head_approves_the_contract(student, head):
    """ELIG-9: the department head approves; the guard for step 3 then passes."""
    dossier = factories.DossierFactory(student=student)
    assert steps.contract_approved(steps.Evidence(dossier)) is not None
    services.dossier_approve_contract(dossier=dossier, by=head)
    dossier.refresh_from_db()
    assert steps.contract_approved(steps.Evidence(dossier)) is None
    assert dossier.head_approval_by == head
    assert student.events.filter(verb="conventions.dossier.approve").exists()


def test_elig_9_only_the_students_head_approves(student):
    """ELIG-9: the office, another head or the student cannot give the head's approval."""
    dossier = factories.DossierFactory(student=student)
    other_head = factories.UserFactory(groups=["Enseignants"])
    gcbd = factories.department("GCBD")
    gcbd.head = other_head
    gcbd.save()
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    for user in (office, other_head, student.user):
        with pytest.raises(PermissionDenied):
            services.dossier_approve_contract(dossier=dossier, by=user)
    assert steps.contract_approved(steps.Evidence(dossier)) is not None


def test_elig_9_option_head_may_approve(student):
    """ELIG-9: the head of the student's option (responsable d'option) may approve too."""
    option_head = factories.UserFactory(groups=["Enseignants"])
    student.option.head = option_head
    student.option.save()
    dossier = factories.DossierFactory(student=student)
    services.dossier_approve_contract(dossier=dossier, by=option_head)
    assert steps.contract_approved(steps.Evidence(dossier)) is None
