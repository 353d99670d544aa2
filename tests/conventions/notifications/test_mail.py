"""The notifications' mails (issue 15): one registered text per kind, in
French, with its variables listed and a preview on a real dossier; HTML
and plain-text parts; absolute links."""

import pytest
from django.core import mail

from conventions.dossier import steps
from conventions.mailtexts import registry
from conventions.models import DossierStep

pytestmark = pytest.mark.django_db

KINDS = ("generic", "step_validated", "step_refused", "step_submitted", "convention_to_sign", "convention_school",
         "company_proposal", "report_to_grade")


@pytest.mark.parametrize("kind", KINDS)
def test_notif_1_each_kind_has_its_text_checked_and_a_preview(kind, people):
    """Each mailed kind is a registered text whose shipped subject and body
    pass the office's checks (their variables are the text's own) and whose
    preview on a real dossier renders both parts, every variable filled."""
    text = registry.text_of(f"notifications.{kind}")
    subject, body = registry.default_source(text.key)
    registry.check_source(subject, text.variables)
    registry.check_source(body, text.variables)
    rendered = registry.render_mail(text.key, text.sample(people["dossier"]))
    assert rendered.subject and "{{" not in rendered.text and rendered.text.startswith("Bonjour ")
    assert '<html lang="fr">' in rendered.html


def test_notif_1_the_refusal_mail_reads_in_french_with_an_absolute_link(people, settings,
                                                                      django_capture_on_commit_callbacks):
    """The student's mail of a refused step: its subject, the reason, an
    absolute link to the step (CONTRATPRO_PUBLIC_URL), an HTML part with the
    same link, a reply to the office."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.mines-ales.fr"
    dossier, student, office = people["dossier"], people["student"], people["office"]
    row = DossierStep.objects.get(dossier=dossier, code="1")
    steps.step_transition(step=row, action=steps.SUBMIT, by=student)
    with django_capture_on_commit_callbacks(execute=True):
        steps.step_transition(step=row, action=steps.REFUSE, by=office, comment="Le courriel manque.")
    [message] = mail.outbox
    link = f"https://contrats-pro.mines-ales.fr/dossiers/{dossier.pk}/#etape-1"
    assert message.subject == "Étape 1 refusée : Informer le service Contrats pro et le responsable de département"
    assert "Bonjour Léa Martin" in message.body and "Motif : Le courriel manque." in message.body
    assert link in message.body and f'href="{link}"' in message.alternatives[0][0]
    assert message.reply_to == ["contrats-pro@mines-ales.fr"]
