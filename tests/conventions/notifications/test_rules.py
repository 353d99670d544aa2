"""Each event rule notifies the right people (issue 15, NOTIF-1, STEP-3,
DOC-4, DOC-12, EVAL-1, PFE-1, ABS-2)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from attendance.absences import services as absences
from contratpro.models import User
from conventions.companies.services import record_change
from conventions.convention import services as convention
from conventions.dossier import steps
from conventions.models import DossierStep, Notification, Signature
from grading.s9 import services as s9
from students.history import event_record
from tests import factories

pytestmark = pytest.mark.django_db


def step(dossier, code):
    return DossierStep.objects.get(dossier=dossier, code=code)


def rows(**filters):
    return list(Notification.objects.filter(**filters).order_by("pk"))


def test_notif_1_step_3_refused_step_notifies_student_with_comment(people):
    """STEP-3: a step refused tells the student why, with the comment, and
    links to the step in the dossier; the office who refused is not told."""
    dossier, student, office = people["dossier"], people["student"], people["office"]
    steps.step_transition(step=step(dossier, "1"), action=steps.SUBMIT, by=student)
    steps.step_transition(step=step(dossier, "1"), action=steps.REFUSE, by=office,
                          comment="Le courriel au responsable de département manque.")
    [notice] = rows(recipient=student)
    assert notice.kind == "step_refused"
    assert notice.title == "Étape 1 refusée : Informer le service Contrats pro et le responsable de département"
    assert notice.body == "Motif : Le courriel au responsable de département manque."
    assert notice.url == reverse("conventions:dossier-detail", args=[dossier.pk]) + "#etape-1"
    assert not Notification.objects.filter(recipient=office, kind="step_refused").exists()
    assert User.objects.get(pk=student.pk).unread_notifications == 1


def test_notif_1_step_3_validated_step_notifies_the_student(people):
    """STEP-3: a step validated tells the student."""
    dossier, student, office = people["dossier"], people["student"], people["office"]
    steps.step_transition(step=step(dossier, "1"), action=steps.SUBMIT, by=student)
    steps.step_transition(step=step(dossier, "1"), action=steps.VALIDATE, by=office)
    assert [n.kind for n in rows(recipient=student)] == ["step_validated"]
    assert rows(recipient=student)[0].title.startswith("Étape 1 validée")


def test_notif_1_step_3_submitted_step_goes_to_its_validators_not_to_its_author(people):
    """STEP-1, STEP-3: step 1 handed in goes to each office member (its
    validators), not to the student who handed it in nor to the head."""
    dossier, student = people["dossier"], people["student"]
    steps.step_transition(step=step(dossier, "1"), action=steps.SUBMIT, by=student)
    assert {n.recipient_id for n in rows(kind="step_submitted")} == {people["office"].pk, people["office2"].pk}
    assert rows(kind="step_submitted")[0].title == "Étape 1 à valider : Léa Martin"


def test_notif_1_step_3_handed_in_goes_to_the_department_head(people):
    """STEP-1: step 3, validated by the head, goes to the head only."""
    dossier, student = people["dossier"], people["student"]
    factories.evidence(dossier, "3", office=people["office"])
    steps.step_transition(step=step(dossier, "3"), action=steps.SUBMIT, by=student)
    assert [n.recipient_id for n in rows(kind="step_submitted")] == [people["head"].pk]


def test_notif_1_doc_4_convention_produced_goes_to_the_student_and_the_signatory(
    people, django_capture_on_commit_callbacks, tiny_pdf_layout,
):
    """DOC-4: a new version of the convention goes to the student (inbox
    and mail) and to the company's signatory (a mail with a personal link
    to sign, ROLE-5)."""
    dossier = people["dossier"]
    factories.convention_ready(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        convention.convention_request(dossier=dossier, by=people["office"])
    assert [n.kind for n in rows(recipient=people["student"])] == ["convention_to_sign"]
    assert [n.kind for n in rows(contact=people["signatory"])] == ["convention_to_sign"]
    assert sorted(m.to[0] for m in mail.outbox) == ["lea.martin@mines-ales.org", "s.durand@cevennes.example"]


def test_notif_1_role_5_signatorys_mail_carries_a_working_personal_link(
    people, client, django_capture_on_commit_callbacks, tiny_pdf_layout,
):
    """ROLE-5: the signatory's mail carries a personal link to sign the
    convention; followed, it opens the signature page (200)."""
    dossier = people["dossier"]
    factories.convention_ready(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        convention.convention_request(dossier=dossier, by=people["office"])
    [message] = [m for m in mail.outbox if m.to == ["s.durand@cevennes.example"]]
    assert "Bonjour Sophie Durand" in message.body and "lien personnel" in message.body
    url = re.search(r"http://\S+/lien/\S+/", message.body).group(0)
    assert "/lien/" in message.alternatives[0][0] and url in message.alternatives[0][0]
    landing = url.replace("http://127.0.0.1:8000", "")
    page = client.get(landing)
    assert page.status_code == 200 and landing + "convention/" in page.content.decode()
    signing = client.get(landing + "convention/")
    assert signing.status_code == 200
    assert "Je signe au nom de Cévennes Ingénierie SAS" in signing.content.decode()


def test_notif_1_doc_4_both_first_signatures_call_the_direction(people, tiny_pdf_layout):
    """DOC-4, ROLE-7: once the student and the company have signed, the
    direction is told the convention waits for the school's signature;
    not before."""
    dossier, office = people["dossier"], people["office"]
    factories.convention_ready(dossier)
    document = factories.convention_produced(dossier)
    convention.convention_sign(document=document, party=Signature.Party.STUDENT, method=Signature.Method.PORTAL,
                               signer_name="Léa Martin", by=people["student"])
    assert not rows(recipient=people["direction"])
    convention.convention_sign(document=document, party=Signature.Party.COMPANY, method=Signature.Method.PAPER,
                               signer_name="Sophie Durand", by=office)
    [notice] = rows(recipient=people["direction"])
    assert (notice.kind, notice.title) == ("convention_school", "Convention de Léa Martin à signer pour l'école")


def test_notif_1_doc_12_company_proposal_goes_to_the_office(people):
    """DOC-12: a change a student proposes to a company other dossiers use
    waits for the office's review: each office member is told, with the
    page of the changes to check."""
    dossier = people["dossier"]
    factories.DossierFactory(company=dossier.company)  # another dossier shares the company
    record_change(record=dossier.company, values={"city": "Nîmes"}, dossier=dossier, by=people["student"])
    notices = rows(kind="company_proposal")
    assert {n.recipient_id for n in notices} == {people["office"].pk, people["office2"].pk}
    assert notices[0].url == reverse("conventions:company-review")


def test_notif_1_eval_1_report_handed_in_goes_to_the_tutor_to_grade(people):
    """EVAL-1, EVAL-2: the S9 report handed in with its parts goes to the
    tuteur école, who grades it; step A's own handing-in tells nobody twice."""
    dossier = people["dossier"]
    event_record(dossier=dossier, actor=people["student"], verb="grading.s9.report_parts", step="A",
                 summary="Rapport remis", changes={"version": 2})
    event_record(dossier=dossier, actor=people["student"], verb="conventions.step.submit", step="A",
                 from_state="a_faire", to_state="soumis", summary="Étape A soumise")
    [notice] = rows(recipient=people["tutor"])
    assert notice.kind == "report_to_grade" and notice.mail == Notification.Mail.IMMEDIATE
    assert notice.url == reverse("grading:s9-report", args=[dossier.pk])
    assert "version 2" in notice.body


def test_notif_1_role_4_named_tutor_in_the_inbox_mailed_once_by_grading(people, django_capture_on_commit_callbacks):
    """ROLE-3, ROLE-4: the teacher named tuteur école finds it in the inbox;
    grading mails them itself, so the notification adds no second mail."""
    dossier, head = people["dossier"], people["head"]
    teacher = factories.UserFactory(username="nouveau", groups=["Enseignants"])
    with django_capture_on_commit_callbacks(execute=True):
        s9.tutor_name(dossier=dossier, tutor=teacher, by=head)
    [notice] = rows(recipient=teacher)
    assert (notice.kind, notice.mail) == ("tutor_named", Notification.Mail.NONE)
    assert [m.to for m in mail.outbox] == [[teacher.email]]


def test_notif_1_pfe_1_defence_scheduled_goes_to_the_jury(people):
    """PFE-1: the jury of a defence scheduled finds it in the inbox (grading
    mails the invitation itself); the head who scheduled it is not told."""
    dossier, head = people["dossier"], people["head"]
    member = factories.UserFactory(username="jury", groups=["Enseignants"])
    event_record(dossier=dossier, actor=head, verb="grading.defence.schedule", summary="Soutenance programmée",
                 changes={"jury": [people["tutor"].pk, member.pk, head.pk]})
    notices = rows(kind="defence_scheduled")
    assert {n.recipient_id for n in notices} == {people["tutor"].pk, member.pk}
    assert {n.mail for n in notices} == {Notification.Mail.NONE}


def test_notif_1_abs_2_absence_request_goes_to_the_head(people, monkeypatch):
    """ABS-2, ROLE-3: an exceptional absence asked for goes to the head
    (attendance mails them itself: the inbox only), with the request's page."""
    dossier = people["dossier"]
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2026, 10, 1))
    absence = absences.absence_request(dossier=dossier, day=datetime.date(2026, 10, 20), reason="Mise en service client",
                                       by=people["student"])
    [notice] = rows(recipient=people["head"])
    assert (notice.kind, notice.mail) == ("absence_to_decide", Notification.Mail.NONE)
    assert notice.url == reverse("attendance:absence-detail", args=[absence.pk])


def test_notif_1_unknown_verb_costs_no_query(people, django_assert_num_queries):
    """The listener ignores a verb it has no rule for, at no query cost:
    recording such an event is the event's INSERT alone."""
    with django_assert_num_queries(1):
        event_record(dossier=people["dossier"], actor=people["office"], verb="conventions.pdf.queued", summary="x")
    assert not Notification.objects.exists()


def test_notif_1_step_3_the_offices_own_steps_tell_the_student_nothing(people):
    """STEP-3: the office's own steps (6', 7: validated directly, nothing
    handed in by the student) are no news the student waits for."""
    dossier, office = people["dossier"], people["office"]
    event_record(dossier=dossier, actor=office, verb="conventions.step.validate", step="6p", from_state="a_faire",
                 to_state="valide", summary="Étape 6' validée")
    assert not Notification.objects.exists()
