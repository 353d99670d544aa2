"""The digests' mail texts (issue 15, NOTIF-1): registered with their
variables, their shipped texts valid for the office's editor, and a
preview on a real dossier."""

import datetime

import pytest
from django.utils import timezone

from conventions.digest import mail as digest_mail
from conventions.mailtexts import registry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", [digest_mail.WEEKLY, digest_mail.DAILY])
def test_notif_1_each_digest_s_shipped_text_uses_only_its_listed_variables(key):
    """NOTIF-1: the shipped subject and body pass the check an edited text
    passes (tags, filters, and only the variables listed to the office)."""
    text = registry.text_of(key)
    subject, body = registry.default_source(key)
    registry.check_source(subject, text.variables)
    registry.check_source(body, text.variables)
    assert text.sample is not None


def test_notif_1_the_weekly_digest_s_preview_lists_the_dossier_s_department(make_dossier, head):
    """NOTIF-1: the preview on a real dossier shows the digest of that
    dossier's department (its head's), with the dossier's student."""
    dossier = make_dossier("2IA", first_name="Jeanne", last_name="Aubrac",
                           A=timezone.localdate() + datetime.timedelta(days=2))
    make_dossier("PRISM", first_name="Paul", last_name="Vidal", A=timezone.localdate() + datetime.timedelta(days=2))
    rendered = registry.render_mail(digest_mail.WEEKLY, registry.text_of(digest_mail.WEEKLY).sample(dossier))
    assert "Jeanne Aubrac" in rendered.text and "Paul Vidal" not in rendered.text
    assert rendered.subject.startswith("Récapitulatif de la semaine du ")
    assert "rien en retard, 1 à venir cette semaine" in rendered.subject


def test_notif_1_the_daily_digest_s_preview_has_an_example_when_the_dossier_has_no_notification(make_dossier):
    """NOTIF-1: a dossier without notifications previews one example line."""
    dossier = make_dossier()
    rendered = registry.render_mail(digest_mail.DAILY, registry.text_of(digest_mail.DAILY).sample(dossier))
    assert f"Étape validée : {dossier.student.full_name}" in rendered.text
    assert "1 notification)" in rendered.text
