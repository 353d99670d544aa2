"""The dossier page's eligibility panel, the department head's approval
(ELIG-9) and the student's history (DATA-4)."""

import datetime
import html

import pytest
from django.urls import reverse

from students import services as student_services
from students.models import Event, InfoMeeting
from tests import factories

pytestmark = pytest.mark.django_db


def text(response):
    """The page as a reader sees it: HTML entities decoded."""
    return html.unescape(response.content.decode())


def detail(dossier):
    return reverse("conventions:dossier-detail", args=[dossier.pk])


def approve(dossier):
    return reverse("conventions:dossier-approve", args=[dossier.pk])


@pytest.fixture
def dossier(year):
    """A 2IA dossier whose student attended the meeting and has SIO and TOEIC."""
    dossier = factories.DossierFactory(student__sio_validated=True, student__toeic_validated=True)
    InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12)).attendees.add(dossier.student)
    return dossier


def test_elig_9_head_approves_the_contract(login, head, dossier):
    """ELIG-9: the department head sees the approval button, approves, and
    the page shows who approved and when; the history records it."""
    client = login(head)
    assert "Donner mon accord sur le contrat" in text(client.get(detail(dossier)))
    response = client.post(approve(dossier), follow=True)
    dossier.refresh_from_db()
    assert dossier.head_approval_by == head
    assert dossier.head_approval_at is not None
    content = text(response)
    assert "Accord donné" in content
    assert "Accord de Hélène Garnier le" in content
    assert "Donner mon accord sur le contrat" not in content
    assert "Accord du responsable de département sur le contrat." in content


def test_elig_9_only_the_head_may_approve(login, office, head, dossier):
    """ELIG-9, ROLE-9: the office and the student see the dossier but get
    403 on the approval; another department's head gets 404; nobody but
    the head sees the button."""
    other_head = factories.UserFactory(groups=["Enseignants"])
    gcbd = factories.department("GCBD")
    gcbd.head = other_head
    gcbd.save()
    for user in (office, dossier.student.user):
        client = login(user)
        content = text(client.get(detail(dossier)))
        assert "en attente" in content
        assert "Donner mon accord sur le contrat" not in content
        assert client.post(approve(dossier)).status_code == 403
    assert login(other_head).post(approve(dossier)).status_code == 404
    dossier.refresh_from_db()
    assert dossier.head_approval_at is None


def test_elig_9_second_approval_is_refused_with_a_message(login, head, dossier):
    """ELIG-9: approving twice keeps the first approval and says so."""
    client = login(head)
    client.post(approve(dossier))
    response = client.post(approve(dossier), follow=True)
    assert "Le contrat a déjà reçu l'accord du responsable de département." in text(response)
    assert Event.objects.filter(verb="conventions.dossier.approve").count() == 1


def test_elig_2_accepted_risk_stays_flagged_on_the_dossier(login, office, dossier):
    """ELIG-2, ELIG-3: an accepted risk stays on the dossier with who
    accepted it and when, until the fact changes."""
    student = dossier.student
    student_services.student_facts_update(student=student, values={"toeic_validated": False}, by=office)
    student_services.eligibility_acknowledge(student=student, rule="ELIG-3", by=student.user)
    content = text(login(office).get(detail(dossier)))
    assert "Éligibilité et risques" in content
    assert "risque accepté" in content
    assert f"Risque lu et accepté par {student.user.get_full_name()} le" in content
    student_services.student_facts_update(student=student, values={"toeic_validated": True}, by=office)
    content = text(login(office).get(detail(dossier)))
    assert "Toutes les conditions d'éligibilité sont remplies" in content


def test_elig_10_override_shows_on_the_dossier_with_its_reason(login, office, head, dossier):
    """ELIG-10: an office override shows on the dossier with its author and
    reason, to the head too, and lands in the history."""
    student = dossier.student
    student_services.student_facts_update(student=student, values={"international_mobility": True}, by=office)
    student_services.eligibility_override(
        student=student, rule="ELIG-5", reason="Mobilité annulée, attestation de la DAI.", by=office
    )
    content = text(login(head).get(detail(dossier)))
    assert "levé par dérogation" in content
    assert "Levé par dérogation par" in content
    assert "Mobilité annulée, attestation de la DAI." in content
    assert "Dérogation accordée (Mobilité internationale)" in content
    assert reverse("students:student-detail", args=[student.pk]) in content


def test_data_4_dossier_shows_the_students_history(login, office, dossier):
    """DATA-4: the dossier's "Historique" lists the student's events with
    date, author and summary, newest first."""
    student_services.student_facts_update(student=dossier.student, values={"scholarship_holder": True}, by=office)
    content = text(login(dossier.student.user).get(detail(dossier)))
    assert "Historique" in content
    assert "Situation mise à jour : boursier." in content
    assert office.get_full_name() in content
    assert reverse("students:my-eligibility") in content
