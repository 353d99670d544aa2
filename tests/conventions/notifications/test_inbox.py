"""The inbox (issue 15, ROLE-9): a person's own notifications, newest
first, unread marked, paginated in the database; opening one marks it
read and goes to its place; the header's count costs no query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contratpro.models import User
from conventions.models import Notification
from conventions.notifications import views
from tests import factories

pytestmark = pytest.mark.django_db


def notify(user, n, *, start=0, unread=True):
    """``n`` notifications for ``user``, the counter kept as the service keeps it."""
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, kind="step_validated", title=f"Étape {i} validée", url=f"/dossiers/{i}/",
                     created_at=now - datetime.timedelta(minutes=i), read_at=None if unread else now,
                     mail=Notification.Mail.NONE)
        for i in range(start, start + n)
    )
    if unread:
        User.objects.filter(pk=user.pk).update(unread_notifications=user.unread_notifications + n)
        user.refresh_from_db()
    return rows


def test_role_9_the_inbox_lists_ones_own_notifications_newest_first(login):
    """ROLE-9: the inbox shows the person's own notifications, newest first,
    the unread ones marked; another person's never."""
    me, other = factories.UserFactory(), factories.UserFactory()
    notify(me, 3)
    notify(other, 1, start=7)
    page = login(me).get(reverse("conventions:notification-list")).content.decode()
    assert page.index("Étape 0 validée") < page.index("Étape 1 validée") < page.index("Étape 2 validée")
    assert "Étape 7 validée" not in page
    assert "3 notifications non lues." in page and "Non lue :" in page
    assert "Tout marquer comme lu" in page


def test_role_9_anothers_notification_is_404_and_stays_unread(login):
    """ROLE-9: opening another person's notification answers 404 and changes nothing."""
    me, other = factories.UserFactory(), factories.UserFactory()
    [theirs] = notify(other, 1)
    response = login(me).post(reverse("conventions:notification-open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None and User.objects.get(pk=other.pk).unread_notifications == 1


def test_notif_1_opening_marks_read_and_goes_to_the_place(login):
    """Opening a notification (a POST) marks it read, takes one off the
    counter, and redirects to its place; opening it again takes nothing more."""
    me = factories.UserFactory()
    first, second = notify(me, 2)
    client = login(me)
    response = client.post(reverse("conventions:notification-open", args=[first.pk]))
    assert response.status_code == 302 and response.url == first.url
    first.refresh_from_db()
    assert first.read_at is not None and User.objects.get(pk=me.pk).unread_notifications == 1
    client.post(reverse("conventions:notification-open", args=[first.pk]))
    assert User.objects.get(pk=me.pk).unread_notifications == 1
    assert client.get(reverse("conventions:notification-open", args=[first.pk])).status_code == 405


def test_notif_1_the_counter_never_goes_below_zero(login):
    """A counter already at zero (it drifted) stays at zero when a row is read."""
    me = factories.UserFactory()
    [row] = notify(me, 1)
    User.objects.filter(pk=me.pk).update(unread_notifications=0)
    login(me).post(reverse("conventions:notification-open", args=[row.pk]))
    assert User.objects.get(pk=me.pk).unread_notifications == 0


def test_notif_1_an_outside_url_is_not_followed(login):
    """A notification's place is a page of the portal: an outside address
    leads back to the inbox."""
    me = factories.UserFactory()
    [row] = notify(me, 1)
    Notification.objects.filter(pk=row.pk).update(url="https://ailleurs.example/")
    response = login(me).post(reverse("conventions:notification-open", args=[row.pk]))
    assert response.url == reverse("conventions:notification-list")


def test_notif_1_mark_all_read(login):
    """« Tout marquer comme lu »: every unread row read, the counter at zero,
    another person's untouched."""
    me, other = factories.UserFactory(), factories.UserFactory()
    notify(me, 3)
    notify(other, 2)
    response = login(me).post(reverse("conventions:notification-read-all"), follow=True)
    assert "3 notifications marquées comme lues." in response.content.decode()
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert User.objects.get(pk=me.pk).unread_notifications == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 2


def test_notif_1_the_inbox_fixes_a_drifted_counter(login):
    """Opening the inbox counts the unread rows and sets the header's
    counter right if it drifted."""
    me = factories.UserFactory()
    notify(me, 2)
    User.objects.filter(pk=me.pk).update(unread_notifications=9)
    login(me).get(reverse("conventions:notification-list"))
    assert User.objects.get(pk=me.pk).unread_notifications == 2


def test_notif_1_the_empty_inbox_says_what_will_appear(login):
    """An empty inbox says what will appear there."""
    page = login(factories.UserFactory()).get(reverse("conventions:notification-list")).content.decode()
    assert "Aucune notification pour l'instant." in page and "une convention à signer" in page


def test_notif_1_the_header_shows_the_unread_count_with_its_label(login):
    """The header's « Notifications » link carries the count and its
    accessible words; none when everything is read."""
    me = factories.UserFactory()
    client = login(me)
    assert "non lue" not in client.get(reverse("accounts:my-account")).content.decode()
    notify(me, 3)
    page = client.get(reverse("accounts:my-account")).content.decode()
    assert '<span aria-hidden="true">3</span><span class="visually-hidden">3 notifications non lues</span>' in page


def test_notif_1_the_header_count_costs_no_query(login, django_assert_num_queries):
    """The badge reads the user's own column: a page costs the same number
    of queries with 0 and with 5 unread notifications."""
    me = factories.UserFactory()
    client = login(me)
    client.get(reverse("accounts:my-account"))
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("accounts:my-account"))
    notify(me, 5)
    with django_assert_num_queries(len(empty.captured_queries)):
        assert "5 notifications non lues" in client.get(reverse("accounts:my-account")).content.decode()


# The inbox: the session, the user, the unread count, the page's count and
# its rows (pinned: the same for 2 notifications and for 27, two pages).
INBOX_QUERIES = 5


def test_notif_1_the_inbox_reads_as_many_queries_for_2_and_27_notifications(login, django_assert_num_queries):
    """The inbox paginates in the database: 2 rows and 27 cost the same queries."""
    me = factories.UserFactory()
    client = login(me)
    counts = []
    for n, start in ((2, 0), (25, 2)):
        notify(me, n, start=start)
        client.get(reverse("conventions:notification-list"))  # the recount settles
        with django_assert_num_queries(INBOX_QUERIES) as captured:
            response = client.get(reverse("conventions:notification-list"))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert response.context["page"].paginator.num_pages == 2 and len(response.context["page"].object_list) == views.PAGE_SIZE


def test_role_9_the_inbox_asks_to_log_in(client):
    """ROLE-9: without a session, the inbox leads to the login page."""
    response = client.get(reverse("conventions:notification-list"))
    assert response.status_code == 302 and reverse("login") in response.url
