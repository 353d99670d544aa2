"""The digests in the demo (issue 15): nothing written, nothing sent; the
summary says what « Récapitulatif » shows today for the office and the
head of 2IA."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from contratpro.demo import DemoContext, builders
from conventions.digest import demo
from conventions.digest.models import DigestClaim

pytestmark = pytest.mark.django_db


def test_notif_1_the_demo_s_digest_builder_runs_after_billing_and_writes_nothing(year, head, make_dossier):
    """NOTIF-1: the builder (order 910, after billing's 890) counts the
    week of the office and of the head of 2IA, writes no row, sends no mail."""
    make_dossier(A=timezone.localdate() + datetime.timedelta(days=2))
    make_dossier("PRISM", A=timezone.localdate() - datetime.timedelta(days=1))
    assert [b.order for b in builders() if b.name == "conventions.digest"] == [910]
    context = DemoContext(year=year, users={"resp2ia": head})
    demo.build_digest(context)
    assert context.summary["demarche"] == [
        "récapitulatif de la semaine du service : 1 en retard, 1 à venir cette semaine ; "
        "du responsable de 2IA : rien en retard, 1 à venir cette semaine"
    ]
    assert sum(context.tally.values()) == 0 and not DigestClaim.objects.exists() and mail.outbox == []
