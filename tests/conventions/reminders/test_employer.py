"""The employer's legal deadlines (NOTIF-3, DOMAIN.md §3): the contract to
the OPCO within 5 days of its start, a rupture reported within 30 days —
reminded to the company contact, with a personal link that works (ROLE-5),
and to the office."""

import datetime
import re

import pytest
from django.core import mail

from attendance.absences import services as absences
from conventions.dossier import steps
from conventions.models import Dossier, ExternalLink, Incident
from conventions.reminders import opco, services, tasks
from conventions.reminders.models import ReminderClaim
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
LINK = re.compile(r"https?://[^/\s]+(/lien/[^\s\"<]+/)")


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory(student__year=year)
    dossier.signataire = factories.CompanyContactFactory(
        company=dossier.company, role="signataire", first_name="Claire", last_name="Bonnet"
    )
    dossier.save(update_fields=["signataire"])
    steps.steps_sync(dossier)
    return dossier


def sweep(day, capture):
    with capture(execute=True):
        return services.reminders_sweep(day, queue=tasks.send_reminder.delay)


def mails_about(label):
    return [m for m in mail.outbox if label in m.subject]


def follow_link(client, message):
    (path,) = set(LINK.findall(message.body))
    return client.get(path)


def test_notif_3_a_rupture_s_30_days_are_reminded_to_the_company_with_a_working_link(
    dossier, office, client, django_capture_on_commit_callbacks,
):
    """NOTIF-3, ROLE-5: a rupture on 10 November is reported by the employer
    by 10 December (30 calendar days); on 7 December the company's signatory
    gets the reminder with a personal link — it opens the link's landing
    page without an account (200), never a login page — and the office's
    mailbox gets its copy. Once the office records the declaration, the
    reminder after the deadline does not go out."""
    incident = absences.incident_declare(dossier=dossier, kind=Incident.Kind.RUPTURE, start=D(2026, 11, 10), by=office)
    assert absences.rupture_due(incident) == D(2026, 12, 10)
    mail.outbox.clear()
    sweep(D(2026, 12, 7), django_capture_on_commit_callbacks)
    rupture = mails_about("Déclarer la rupture à l'OPCO")
    assert sorted(m.to[0] for m in rupture) == sorted([dossier.signataire.email, "contrats-pro@mines-ales.fr"])
    (company,) = [m for m in rupture if m.to == [dossier.signataire.email]]
    assert "dans 3 jours" in company.body and "10 décembre 2026" in company.body
    assert "/accounts/login" not in company.body and "connexion" not in company.body.lower()
    response = follow_link(client, company)
    assert response.status_code == 200
    assert dossier.student.full_name in response.content.decode()
    link = ExternalLink.objects.get(dossier=dossier, contact=dossier.signataire)
    assert link.created_by.username == services.ROBOT_USERNAME
    (office_copy,) = [m for m in rupture if m.to == ["contrats-pro@mines-ales.fr"]]
    assert "le contact de l'entreprise a reçu la même relance" in office_copy.body
    assert office_copy.body.startswith("Bonjour,\n")
    assert not LINK.search(office_copy.body)

    absences.rupture_declaration_record(incident=incident, by=office)
    mail.outbox.clear()
    sweep(D(2026, 12, 11), django_capture_on_commit_callbacks)
    assert mails_about("rupture") == []


def test_notif_3_the_contract_to_the_opco_within_5_days_of_its_start(dossier, client, django_capture_on_commit_callbacks):
    """NOTIF-3: the contract starting on Tuesday 1 September 2026 reaches
    the OPCO by Sunday 6 September (5 calendar days); the company is
    reminded 3 days before, on the 3rd, with a working personal link, the
    office in copy; after the deadline, the reminder says it is missed.
    A second reminder of the company reuses the same link."""
    assert dossier.start_date == D(2026, 9, 1)
    sweep(D(2026, 9, 3), django_capture_on_commit_callbacks)
    opco = mails_about("Transmettre le contrat de professionnalisation à l'OPCO")
    assert sorted(m.to[0] for m in opco) == sorted([dossier.signataire.email, "contrats-pro@mines-ales.fr"])
    (company,) = [m for m in opco if m.to == [dossier.signataire.email]]
    assert "6 septembre 2026" in company.body
    assert follow_link(client, company).status_code == 200
    mail.outbox.clear()
    sweep(D(2026, 9, 7), django_capture_on_commit_callbacks)
    (late,) = [m for m in mails_about("OPCO") if m.to == [dossier.signataire.email]]
    assert late.subject.startswith("Échéance dépassée : ")
    assert ExternalLink.objects.filter(dossier=dossier, contact=dossier.signataire).count() == 1


def test_notif_3_the_opco_reminder_stops_once_the_deposit_is_recorded(dossier, office, django_capture_on_commit_callbacks):
    """NOTIF-3: the office records the day the employer deposited the
    contract with its OPCO: a reminder claimed before it is not sent, and
    no reminder of the 5 days goes out after it. Step 4' (the signed CERFA's
    copy with the office) is not the deposit: it stops nothing."""
    factories.evidence(dossier, "4p", office=office)
    four_p = dossier.steps.get(code="4p")
    steps.step_transition(step=four_p, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=four_p, action=steps.VALIDATE, by=office)
    services.reminders_sweep(D(2026, 9, 3), queue=lambda claim_id: None)
    claims = ReminderClaim.objects.filter(key="opco:contract")
    assert claims.count() == 2  # the signatory and the office's copy, claimed
    opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 2), by=office)
    assert {services.reminder_send(claim.pk) for claim in claims} == {"cancelled"}
    sweep(D(2026, 9, 7), django_capture_on_commit_callbacks)
    assert mails_about("OPCO") == []
    assert not ReminderClaim.objects.filter(key="opco:contract", state=ReminderClaim.State.SENT).exists()


def test_notif_3_a_contact_outside_the_company_gets_no_link_and_the_claim_says_why(dossier, django_capture_on_commit_callbacks):
    """ROLE-5: a signatory who no longer belongs to the dossier's company
    gets no personal link; the claim fails with the reason, for the office,
    and is not retried."""
    Dossier.objects.filter(pk=dossier.pk).update(signataire=factories.CompanyContactFactory())
    sweep(D(2026, 9, 3), django_capture_on_commit_callbacks)
    claim = ReminderClaim.objects.get(key="opco:contract", recipient__startswith="contact:")
    assert claim.state == ReminderClaim.State.FAILED
    assert claim.error == "Cette personne n'appartient pas à l'entreprise du dossier : aucun lien n'est créé."
    assert claim.attempts == services.MAX_ATTEMPTS
