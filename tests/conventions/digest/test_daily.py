"""The daily digest of notifications (NOTIF-1, NOTIF-2): one mail a day for
a person who chose « quotidien », with their notifications not yet mailed,
exactly those then marked mailed."""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from conventions.digest import services, tasks
from conventions.digest.models import DigestClaim
from conventions.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2026, 12, 11)


@pytest.fixture
def daily_person(db):
    return factories.UserFactory(username="quotidienne", first_name="Claire", last_name="Roumajon",
                                 email="claire.roumajon@mines-ales.fr", notifications="quotidien")


def notify(user, title, *, mail_as="digest", url="/dossiers/1/", body=""):
    return Notification.objects.create(recipient=user, kind="test", title=title, body=body, url=url, mail=mail_as)


def sweep(day, capture, now=None):
    with capture(execute=True):
        return services.daily_sweep(day, queue=tasks.send_digest.delay, now=now)


def test_notif_1_the_daily_digest_sends_the_waiting_notifications_then_marks_them(
        daily_person, django_capture_on_commit_callbacks, settings):
    """NOTIF-1: one mail to the person, each notification's title, text and
    absolute link; each then carries ``mailed_at``; read in the inbox or not."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    first = notify(daily_person, "Étape 2 validée : Jeanne Aubrac", body="Le service a validé la fiche contact.",
                   url="/dossiers/7/#etape-2")
    second = notify(daily_person, "Fiche contact à viser : Paul Vidal", url="/dossiers/8/#etape-3")
    sweep(DAY, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["claire.roumajon@mines-ales.fr"]
    assert message.subject == "Votre récapitulatif du 11 décembre : 2 notifications"
    assert "Étape 2 validée : Jeanne Aubrac" in message.body
    assert "Le service a validé la fiche contact." in message.body
    assert "https://contrats-pro.example/dossiers/7/#etape-2" in message.body
    assert "https://contrats-pro.example/dossiers/8/#etape-3" in message.body
    assert all(n.mailed_at is not None for n in Notification.objects.filter(pk__in=[first.pk, second.pk]))
    assert DigestClaim.objects.get().notification_ids == [first.pk, second.pk]


def test_notif_1_the_daily_digest_marks_only_what_it_sent(daily_person, django_capture_on_commit_callbacks, monkeypatch):
    """NOTIF-1: a notification arriving while the digest is being sent (after
    its notifications were read) is not marked: it goes in the next day's."""
    first = notify(daily_person, "Étape 2 validée")
    send = EmailMultiAlternatives.send
    arrived = []

    def send_while_one_arrives(message, *args, **kwargs):
        arrived.append(notify(daily_person, "Étape 3 validée"))
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_while_one_arrives)
    sweep(DAY, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    first.refresh_from_db()
    (late,) = arrived
    late.refresh_from_db()
    assert first.mailed_at is not None and late.mailed_at is None
    assert "Étape 3 validée" not in mail.outbox[0].body
    sweep(DAY + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and "Étape 3 validée" in mail.outbox[1].body and "Étape 2" not in mail.outbox[1].body


def test_notif_1_one_daily_digest_a_day_two_sweeps_or_a_rerun(daily_person, django_capture_on_commit_callbacks):
    """NOTIF-1: two sweeps the same morning send one digest; a notification
    of the afternoon waits for the next morning's (the day's claim is taken)."""
    notify(daily_person, "Étape 2 validée")
    sweep(DAY, django_capture_on_commit_callbacks)
    sweep(DAY, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    notify(daily_person, "Étape 3 validée")
    assert sweep(DAY, django_capture_on_commit_callbacks) == []
    assert len(mail.outbox) == 1
    sweep(DAY + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and DigestClaim.objects.count() == 2


def test_notif_1_a_person_who_chose_immediate_mails_gets_no_daily_digest(daily_person, django_capture_on_commit_callbacks):
    """NOTIF-1: only « quotidien » people get the daily digest; nor are
    notifications mailed at once or kept to the portal put in one."""
    immediate = factories.UserFactory(username="immediat", notifications="immediat")
    notify(immediate, "Étape 2 validée")
    notify(daily_person, "Déjà envoyée", mail_as="immediate")
    notify(daily_person, "Dans le portail seulement", mail_as="none")
    assert sweep(DAY, django_capture_on_commit_callbacks) == []
    assert mail.outbox == [] and not DigestClaim.objects.exists()


def test_notif_1_a_daily_digest_without_address_fails_and_marks_nothing(django_capture_on_commit_callbacks):
    """NOTIF-1: a person without an e-mail address: the claim says why, no
    notification is marked (they stay in the inbox)."""
    person = factories.UserFactory(username="sansadresse", email="", notifications="quotidien")
    waiting = notify(person, "Étape 2 validée")
    sweep(DAY, django_capture_on_commit_callbacks)
    claim = DigestClaim.objects.get()
    assert (claim.state, claim.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert "n'a pas d'adresse e-mail" in claim.error
    waiting.refresh_from_db()
    assert waiting.mailed_at is None and mail.outbox == []


def test_notif_1_a_notification_created_after_the_sweep_s_moment_waits(daily_person, django_capture_on_commit_callbacks):
    """NOTIF-1: the sweep claims for what exists at its moment; the send
    includes the notifications up to its own moment only."""
    now = timezone.now()
    notify(daily_person, "Hier soir")
    Notification.objects.filter(recipient=daily_person).update(created_at=now - datetime.timedelta(hours=10))
    later = notify(daily_person, "Plus tard")
    Notification.objects.filter(pk=later.pk).update(created_at=now + datetime.timedelta(hours=1))
    sweep(DAY, django_capture_on_commit_callbacks, now=now)
    assert "Hier soir" in mail.outbox[0].body and "Plus tard" not in mail.outbox[0].body
