"""The feed's secret address (issue 15, NOTIF-1, ROLE-9): read without a
session, its token stored only as a digest, any wrong token a bare 404."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from conventions.feeds import services
from conventions.feeds.models import CalendarFeed
from tests import factories

from .conftest import feed_path, subscribe

pytestmark = pytest.mark.django_db


def test_notif_1_the_feed_needs_no_session_and_makes_none(lea):
    """NOTIF-1: a calendar app with no cookie reads the feed; the answer
    opens no session (no cookie set) and marks the feed read."""
    token = subscribe(lea.student.user)
    response = Client().get(feed_path(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert not response.cookies
    assert CalendarFeed.objects.get(user=lea.student.user).last_read_at is not None


def test_notif_1_a_tampered_or_unknown_token_is_a_404_that_says_nothing(lea):
    """NOTIF-1, ROLE-9: one character changed, the token cut short or
    lengthened, or a token never issued: 404, the same bare text each time
    (no page, no cookie), with neither the person's name nor a calendar."""
    token = subscribe(lea.student.user)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    bodies = set()
    for wrong in (flipped, token[:-1], token + "x", "x" * 43, token.upper() if token.upper() != token else token.lower()):
        response = Client().get(feed_path(wrong))
        assert response.status_code == 404, wrong
        assert b"BEGIN:VCALENDAR" not in response.content and b"Martin" not in response.content
        assert not response.cookies
        bodies.add(response.content)
    assert bodies == {"Adresse d'agenda inconnue ou désactivée.".encode()}
    assert Client().get(feed_path(token)).status_code == 200


def test_notif_1_the_token_is_never_stored_in_clear(lea):
    """NOTIF-1: the feed's row holds the SHA-256 of the token, never the
    token: no column of the row contains it."""
    token = subscribe(lea.student.user)
    row = CalendarFeed.objects.filter(user=lea.student.user).values().get()
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(value) for value in row.values())


def test_notif_1_a_revoked_address_is_a_404_and_the_new_one_works(lea):
    """NOTIF-1: a new address revokes the previous one in the same
    transaction; the old token then answers 404 and the new one the feed;
    disabling ends the new one too."""
    user = lea.student.user
    old = subscribe(user)
    new = subscribe(user)
    assert Client().get(feed_path(old)).status_code == 404
    assert Client().get(feed_path(new)).status_code == 200
    assert services.feed_revoke(user=user, by=user) == 1
    assert Client().get(feed_path(new)).status_code == 404
    assert CalendarFeed.objects.filter(user=user).count() == 2  # ended, never deleted


def test_notif_1_one_active_address_per_person_whatever_writes_it(lea):
    """NOTIF-1: the database refuses a second active address for the same
    person, even written around the service."""
    subscribe(lea.student.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(user=lea.student.user, token_hash="0" * 64)


def test_role_9_a_deactivated_or_roleless_persons_feed_reads_nothing(lea, head):
    """ROLE-9, AUTH-1: the feed of an account the office deactivated, or of
    a person who no longer holds a role with deadlines, answers 404."""
    token = subscribe(lea.student.user)
    user = lea.student.user
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    assert Client().get(feed_path(token)).status_code == 404
    teacher = factories.UserFactory(username="ancien-tuteur", groups=["Enseignants"])
    lea.tuteur_ecole = teacher
    lea.save(update_fields=["tuteur_ecole"])
    teacher_token = subscribe(teacher)
    assert Client().get(feed_path(teacher_token)).status_code == 200
    lea.tuteur_ecole = None
    lea.save(update_fields=["tuteur_ecole"])
    assert Client().get(feed_path(teacher_token)).status_code == 404


def test_role_9_nobody_makes_or_ends_another_persons_address(lea, office):
    """ROLE-9: the service makes and ends only the acting person's own
    address, whoever calls it (the office included)."""
    with pytest.raises(PermissionDenied, match="Chacun crée l'adresse de son propre agenda."):
        services.feed_create(user=lea.student.user, by=office)
    subscribe(lea.student.user)
    with pytest.raises(PermissionDenied, match="Chacun désactive l'adresse de son propre agenda."):
        services.feed_revoke(user=lea.student.user, by=office)
    assert CalendarFeed.objects.filter(user=lea.student.user, revoked_at__isnull=True).count() == 1
