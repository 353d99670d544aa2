"""« Mon agenda » (issue 15, NOTIF-1): the page where a person makes, renews
and disables their calendar's address, shown once."""

import re

import pytest
from django.test import Client

from conventions.feeds import services
from conventions.feeds.models import CalendarFeed
from conventions.feeds.views import FRESH
from tests import factories

from .conftest import PUBLIC, dossier_of, feed_path

pytestmark = pytest.mark.django_db

PAGE, CREATE, REVOKE = "/agenda/", "/agenda/nouvelle-adresse/", "/agenda/desactiver/"
ADDRESS = re.compile(re.escape(PUBLIC) + r"/agenda/([A-Za-z0-9_-]+)\.ics")


def test_notif_1_mon_agenda_needs_a_sign_in(db):
    """NOTIF-1, ROLE-9: without a session the page and its two forms lead to
    the sign-in page, and nothing is made."""
    for url, method in ((PAGE, "get"), (CREATE, "post"), (REVOKE, "post")):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/"), url
    assert not CalendarFeed.objects.exists()


def test_notif_1_the_address_is_shown_once_right_after_it_is_made(lea, login):
    """NOTIF-1: « Créer mon adresse d'agenda » shows the address (and its
    webcal:// link) on the page the POST leads to, once: on the next visit
    the page says the subscription is active, the address is gone from the
    page and from the session, and it still works."""
    client = login(lea.student.user)
    assert "Créer mon adresse d'agenda" in client.get(PAGE).content.decode()
    response = client.post(CREATE, follow=True)
    page = response.content.decode()
    token = ADDRESS.search(page).group(1)
    assert f'value="{PUBLIC}/agenda/{token}.ics"' in page
    assert f'href="webcal://contrats-pro.example/agenda/{token}.ics"' in page
    assert "Gardez-la ; sinon créez-en une nouvelle, l'ancienne cessera de fonctionner." in page
    assert "Ajouter un calendrier › À partir d'Internet" in page and "Nouvel agenda › Sur le réseau" in page
    again = client.get(PAGE).content.decode()
    assert token not in again and "Abonnement actif" in again and "Créer une nouvelle adresse" in again
    assert FRESH not in client.session
    assert Client().get(feed_path(token)).status_code == 200


def test_notif_1_a_new_address_ends_the_old_one_and_disabling_ends_it_too(lea, login):
    """NOTIF-1: « Créer une nouvelle adresse » makes a working address and
    the previous one answers 404 at once; « Désactiver » ends the current
    one; one active address per person all along."""
    client = login(lea.student.user)
    first = ADDRESS.search(client.post(CREATE, follow=True).content.decode()).group(1)
    second = ADDRESS.search(client.post(CREATE, follow=True).content.decode()).group(1)
    assert first != second
    assert Client().get(feed_path(first)).status_code == 404
    assert Client().get(feed_path(second)).status_code == 200
    assert CalendarFeed.objects.filter(user=lea.student.user, revoked_at__isnull=True).count() == 1
    page = client.post(REVOKE, follow=True).content.decode()
    assert "Adresse désactivée" in page and "Créer mon adresse d'agenda" in page
    assert Client().get(feed_path(second)).status_code == 404
    assert not CalendarFeed.objects.filter(user=lea.student.user, revoked_at__isnull=True).exists()


def test_role_9_people_with_no_deadline_of_their_own_have_no_agenda(login):
    """ROLE-9, NOTIF-1: a teacher who tutors nobody and the scolarité have no
    deadline to act on: the page and its forms answer 403, nothing is made."""
    teacher = factories.UserFactory(username="enseignant", groups=["Enseignants"])
    scolarite = factories.UserFactory(username="scolarite", groups=["Scolarité"])
    for user in (teacher, scolarite):
        client = login(user)
        assert client.get(PAGE).status_code == 403
        assert client.post(CREATE).status_code == 403
        assert client.post(REVOKE).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_notif_1_the_forms_are_posts_checked_against_csrf(lea):
    """NOTIF-1: making or ending an address is a POST under the CSRF check;
    a GET is refused (405) and a POST without the token too (403)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(lea.student.user)
    assert client.get(CREATE).status_code == 405
    assert client.get(REVOKE).status_code == 405
    assert client.post(CREATE).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_notif_1_the_page_lists_the_next_deadlines_the_feed_carries(lea, login):
    """NOTIF-1: the page tells how many deadlines the feed carries, how many
    are late, and the next ones with their day and the place to act."""
    page = login(lea.student.user).get(PAGE).content.decode()
    assert "En ce moment : 5 échéances" in page and "dont 1 en retard" in page
    assert '<time datetime="2026-12-18">18 décembre 2026</time>' in page
    assert f'href="{PUBLIC}/dossiers/{lea.pk}/#etape-A"' in page


def _page_queries(client, django_assert_num_queries):
    # The user with their roles (the session is cached), the active feed;
    # the registry's sources over the office's open dossiers: steps,
    # billing, S9 reports, PFE, ruptures, certificates, and the employer's
    # 5 days; the students' names; the navigation's « À faire » count and
    # the school's identity (base.html). The same count whatever the dossiers.
    with django_assert_num_queries(QUERIES):
        response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


QUERIES = 12


def test_notif_1_the_pages_query_count_does_not_grow_with_the_dossiers(year, lea, office, login, django_assert_num_queries):
    """NOTIF-1: the office's « Mon agenda » reads the same number of queries
    with one dossier and with six, though its counts grow."""
    services.feed_create(user=office, by=office)
    client = login(office)
    client.get(PAGE)
    small = _page_queries(client, django_assert_num_queries)
    for n in range(5):
        dossier_of(year, "Élève", f"Numéro {n}")
    large = _page_queries(client, django_assert_num_queries)
    count = re.compile(r"En ce moment : (\d+) échéances")
    assert int(count.search(large).group(1)) == 6 * int(count.search(small).group(1))
