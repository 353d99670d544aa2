"""Each notification once, after commit (issue 15): one row per event and
person under the unique constraints, the mail queued after commit and
taken once, the daily choice left to the digest, nobody told of their own
act, each mail on the dossier's timeline."""

import pytest
from django.core import mail
from django.db import transaction

from contratpro.models import User
from conventions.dossier import steps
from conventions.models import DossierStep, Notification
from conventions.notifications import registrations, services
from students.models import Event

pytestmark = pytest.mark.django_db


def hand_in_step_1(people):
    return steps.step_transition(step=DossierStep.objects.get(dossier=people["dossier"], code="1"),
                                 action=steps.SUBMIT, by=people["student"])


def refuse_step_1(people):
    return steps.step_transition(step=DossierStep.objects.get(dossier=people["dossier"], code="1"),
                                 action=steps.REFUSE, by=people["office"], comment="Le courriel manque.")


def last_event(verb):
    return Event.objects.filter(verb=verb).latest("pk")


def test_notif_1_the_listener_run_twice_writes_one_row_and_counts_once(people):
    """Once per event: the listener run again on the same event inserts
    nothing (unique constraint) and the counter stays at one."""
    hand_in_step_1(people)
    refuse_step_1(people)
    event = last_event("conventions.step.refuse")
    assert registrations.listener(event) == []
    assert Notification.objects.filter(event=event).count() == 1
    assert User.objects.get(pk=people["student"].pk).unread_notifications == 1


def test_notif_1_the_mail_task_run_twice_sends_one_mail(people, django_capture_on_commit_callbacks):
    """Once per mail: the task, run again (a redelivery), finds the row
    taken (``mailed_at`` set) and sends nothing."""
    hand_in_step_1(people)
    with django_capture_on_commit_callbacks(execute=True):
        refuse_step_1(people)
    notice = Notification.objects.get(recipient=people["student"])
    assert [m.to for m in mail.outbox] == [["lea.martin@mines-ales.org"]]
    assert services.notification_send(notice.pk) == "skipped"
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.mailed_at is not None and notice.mail_error == ""


def test_notif_2_mails_wait_for_the_commit(people, django_capture_on_commit_callbacks):
    """NOTIF-2: nothing is mailed inside the transaction; the mail is one
    callback queued for after the commit."""
    hand_in_step_1(people)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refuse_step_1(people)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_notif_1_a_change_rolled_back_notifies_nobody(people):
    """A change rolled back (an error after the event) leaves no
    notification, no counter raised, no mail."""
    hand_in_step_1(people)
    mail.outbox.clear()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            refuse_step_1(people)
            assert Notification.objects.filter(recipient=people["student"]).count() == 1
            raise RuntimeError("after the event")
    assert not Notification.objects.filter(recipient=people["student"]).exists()
    assert User.objects.get(pk=people["student"].pk).unread_notifications == 0
    assert mail.outbox == [] or all(m.to != ["lea.martin@mines-ales.org"] for m in mail.outbox)


def test_notif_1_daily_choice_gets_no_immediate_mail(people, django_capture_on_commit_callbacks):
    """A person who chose « quotidien » gets the notification in the inbox
    and for the daily digest (``mail=digest``, not mailed now)."""
    User.objects.filter(pk=people["student"].pk).update(notifications=User.Notifications.DIGEST)
    hand_in_step_1(people)
    with django_capture_on_commit_callbacks(execute=True):
        refuse_step_1(people)
    notice = Notification.objects.get(recipient=people["student"])
    assert (notice.mail, notice.mailed_at) == (Notification.Mail.DIGEST, None)
    assert mail.outbox == []
    assert services.notification_send(notice.pk) == "skipped" and mail.outbox == []


def test_notif_1_nobody_is_told_of_their_own_act(people):
    """One does not notify oneself: an office member who hands a step in
    (an event of theirs) is not among the office members told."""
    office = people["office"]
    event = Event.objects.create(student=people["dossier"].student, dossier=people["dossier"], actor=office,
                                 verb="conventions.step.submit", step="1", to_state="soumis", summary="x")
    registrations.listener(event)
    assert list(Notification.objects.filter(event=event).values_list("recipient_id", flat=True)) == [people["office2"].pk]


def test_notif_1_data_4_each_mail_sent_is_on_the_dossiers_timeline(people, django_capture_on_commit_callbacks):
    """DATA-4: the mail sent is an event of the dossier (who, what, when),
    of a verb the listener ignores (no notification of a notification)."""
    hand_in_step_1(people)
    with django_capture_on_commit_callbacks(execute=True):
        refuse_step_1(people)
    sent = Event.objects.filter(dossier=people["dossier"], verb=services.SENT_VERB).get()
    assert sent.summary == ("Notification envoyée par e-mail à Léa Martin : Étape 1 refusée : Informer le service "
                            "Contrats pro et le responsable de département")
    assert not Notification.objects.filter(event=sent).exists()


def test_notif_1_a_failed_mail_keeps_its_error_and_is_sent_on_retry(people, monkeypatch):
    """A transient failure keeps the error on the row and gives the claim
    back: the retry sends it, once."""
    hand_in_step_1(people)
    refuse_step_1(people)
    notice = Notification.objects.get(recipient=people["student"])

    def down(*args, **kwargs):
        raise ConnectionRefusedError("serveur de messagerie injoignable")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", down)
    assert services.notification_send(notice.pk) == "failed"
    notice.refresh_from_db()
    assert (notice.mailed_at, notice.mail_error) == (None, "serveur de messagerie injoignable")
    monkeypatch.undo()
    assert services.notification_send(notice.pk) == "sent" and len(mail.outbox) == 1
    assert services.notification_send(notice.pk) == "skipped" and len(mail.outbox) == 1


def test_notif_1_a_contact_without_a_possible_link_is_not_mailed(people, django_capture_on_commit_callbacks,
                                                                 tiny_pdf_layout):
    """ROLE-5: a signatory whose address the office has not confirmed gets
    no link to sign, so no mail: the reason is kept on the row."""
    from conventions.convention import services as convention
    from tests import factories

    signatory = people["signatory"]
    type(signatory).objects.filter(pk=signatory.pk).update(email_confirmed_at=None)
    factories.convention_ready(people["dossier"])
    with django_capture_on_commit_callbacks(execute=True):
        convention.convention_request(dossier=people["dossier"], by=people["office"])
    notice = Notification.objects.get(contact=signatory)
    assert notice.mailed_at is None and "n'est pas encore confirmée" in notice.mail_error
    assert all(m.to != [signatory.email] for m in mail.outbox)
