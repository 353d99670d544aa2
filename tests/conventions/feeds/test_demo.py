"""The feeds' part of the demo (order 920): the office and the student
« eleve » subscribed through the service, once."""

import pytest

from contratpro import demo as demo_builders
from conventions.feeds import demo
from conventions.feeds.models import CalendarFeed

pytestmark = pytest.mark.django_db


def test_notif_1_the_demo_subscribes_the_office_and_one_student_once(lea, office, login):
    """NOTIF-1: the demo builder (registered at order 920) gives the office
    and the student « eleve » an active address, so that « Mon agenda »
    shows the subscribed state; a second run writes nothing."""
    assert demo_builders._BUILDERS["conventions.feeds"].order == 920
    context = demo_builders.DemoContext(users={"bureau": office}, students={"eleve": lea.student})
    demo.build_feeds(context)
    assert set(CalendarFeed.objects.filter(revoked_at__isnull=True).values_list("user__username", flat=True)) == {
        office.username, lea.student.user.username,
    }
    assert context.tally["created"] == 2 and context.summary["demarche"] == ["agendas abonnés : 2"]
    again = demo_builders.DemoContext(users={"bureau": office}, students={"eleve": lea.student})
    demo.build_feeds(again)
    assert again.tally["created"] == 0 and CalendarFeed.objects.count() == 2
    assert "Abonnement actif" in login(office).get("/agenda/").content.decode()
