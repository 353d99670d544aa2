"""The mails' texts the office edits (issue 15): the latest version is the
one the next mail uses, « Revenir au texte d'origine » restores the
shipped files, and a text is checked on save — its syntax (with the line),
its tags and filters (nothing to include, nothing to load), its variables
(only the mail's own) — then rendered from plain values, escaped in the
HTML part."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from conventions.dossier import steps
from conventions.mailtexts import registry, services
from conventions.mailtexts.models import MailTextVersion
from conventions.reminders import mail as reminder_mail
from conventions.reminders import services as reminders
from conventions.reminders import tasks as reminder_tasks
from tests import factories

KEY = reminder_mail.KEY
FIVE_P_DUE = datetime.date(2026, 8, 18)
BODY = "Bonjour {{ nom }},\n\n{{ echeance }} : {{ quand }}.\n{{ url }}\n"


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory(student__year=year)
    steps.steps_sync(dossier)
    dossier.steps.filter(code="5p").update(deadline=FIVE_P_DUE)
    return dossier


def sweep(capture):
    """The sweep of Saturday 15 August 2026: step 5''s −3 (NOTIF-1)."""
    with capture(execute=True):
        reminders.reminders_sweep(datetime.date(2026, 8, 15), queue=reminder_tasks.send_reminder.delay)
    return [m for m in mail.outbox if "Étape 5'" in m.subject]


def test_notif_1_the_next_reminder_uses_the_text_the_office_saved(dossier, office, django_capture_on_commit_callbacks):
    """NOTIF-1, issue 15: the office's saved version of « reminders.deadline »
    is what the next reminder says, subject and body, in both parts."""
    services.mailtext_save(key=KEY, subject="À faire : {{ echeance }}", body=BODY, by=office)
    (message,) = sweep(django_capture_on_commit_callbacks)
    assert message.subject == "À faire : Étape 5' : Transmettre la convention signée au service"
    assert message.body.startswith(f"Bonjour {dossier.student.full_name},\n\nÉtape 5' : Transmettre la convention signée au service : dans 3 jours.\n")
    html, _mimetype = message.alternatives[0]
    assert "dans 3 jours" in html and "Une échéance approche" not in html


def test_notif_1_restoring_the_default_text_sends_the_shipped_wording_again(dossier, office, django_capture_on_commit_callbacks):
    """NOTIF-1, issue 15: « Revenir au texte d'origine » saves a version
    marked as the default: the shipped text applies again and both steps
    stay in the history, newest first."""
    services.mailtext_save(key=KEY, subject="À faire : {{ echeance }}", body=BODY, by=office)
    services.mailtext_restore(key=KEY, by=office)
    (message,) = sweep(django_capture_on_commit_callbacks)
    assert message.subject.startswith("Rappel : Étape 5'")
    assert "Une échéance approche (dans 3 jours) :" in message.body
    assert registry.current_source(KEY) == registry.default_source(KEY)
    assert list(MailTextVersion.objects.filter(key=KEY).order_by("-edited_at", "-pk").values_list("is_default", flat=True)) == [True, False]


def test_notif_1_the_reminder_reads_as_before_the_move_to_editable_texts(dossier, django_capture_on_commit_callbacks, settings):
    """NOTIF-1: the shipped « reminders.deadline » says what the reminder
    said before its text became editable: greeting, what is due and when,
    the student, the date, the place to act, the office's address; its HTML
    part has the button to the place to act and no remote image."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    (message,) = sweep(django_capture_on_commit_callbacks)
    name = dossier.student.full_name
    url = f"https://contrats-pro.example/dossiers/{dossier.pk}/#etape-5p"
    assert message.body == (
        f"Bonjour {name},\n\n"
        "Une échéance approche (dans 3 jours) :\n\n"
        "    Étape 5' : Transmettre la convention signée au service\n"
        f"    Élève : {name}\n"
        f"    Entreprise : {dossier.company.name}\n"
        "    Échéance : 18 août 2026\n\n"
        "Pour agir, ouvrez le portail à cet endroit :\n"
        f"{url}\n\n"
        "Si c'est déjà fait, ne tenez pas compte de ce message : aucune autre relance ne partira une fois "
        "l'échéance enregistrée comme tenue.\n\n"
        f"Le service Contrats pro d'IMT Mines Alès – {message.reply_to[0]}\n"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{url}" style=' in html and ">Ouvrir le portail à cet endroit</a>" in html
    assert "<img" not in html and "Étape 5&#x27; : Transmettre la convention signée au service" in html


def test_notif_1_the_html_part_escapes_what_a_variable_holds(year, django_capture_on_commit_callbacks):
    """NOTIF-1, issue 15: a student named « <b>x</b> » reads as such in the
    HTML part, escaped, never as markup; the plain text keeps it as typed."""
    dossier = factories.DossierFactory(student__year=year, student__user__first_name="<b>x</b>", student__user__last_name="<i>y</i>")
    steps.steps_sync(dossier)
    dossier.steps.filter(code="5p").update(deadline=FIVE_P_DUE)
    (message,) = sweep(django_capture_on_commit_callbacks)
    html, _mimetype = message.alternatives[0]
    assert "<b>x</b>" in message.body
    assert "<b>x</b>" not in html and "<i>y</i>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def check(body, subject="Objet"):
    services.mailtext_check(key=KEY, subject=subject, body=body)


def test_issue_15_a_syntax_error_is_refused_with_its_line():
    """Issue 15, mail texts: a text that does not compile is refused with a
    French message naming the line of the error."""
    with pytest.raises(ValidationError) as raised:
        check("Bonjour,\n\n{% if en_retard %}\nEn retard.\n")
    (message,) = raised.value.message_dict["body"]
    assert message.startswith("Ligne 3 : erreur de syntaxe (")
    assert "{% endif %}" in message


def test_issue_15_a_variable_the_mail_does_not_have_is_refused():
    """Issue 15, mail texts: « La variable {{ x }} n'existe pas pour ce
    mail », with the mail's variables listed — in the subject as in the
    body, in a condition or a filter's argument as well; a loop's own name
    is allowed inside its loop."""
    with pytest.raises(ValidationError) as raised:
        check("Bonjour {{ nom }},\n{{ salaire }}\n")
    (message,) = raised.value.message_dict["body"]
    assert message == (
        "Ligne 2 : la variable {{ salaire }} n'existe pas pour ce mail ; variables possibles : "
        + ", ".join(sorted(reminder_mail.TEXT.variables)) + "."
    )
    for body in ("{% if secret %}x{% endif %}", "{{ nom|default:motdepasse }}", "{% for a in liste %}{{ a }}{% endfor %}"):
        with pytest.raises(ValidationError, match="n'existe pas pour ce mail"):
            check(body)
    with pytest.raises(ValidationError, match=r"\{\{ x \}\} n'existe pas"):
        check("Bonjour", subject="{{ x }}")
    check("{% with n=nom %}{{ n|upper }}{% endwith %}{% if en_retard and not pour_le_service %}!{% endif %}")


@pytest.mark.parametrize("body, refused", [
    ('{% include "emails/texts/_layout.html" %}', "la balise {% include %} n'est pas permise"),
    ('{% extends "base.html" %}', "la balise {% extends %} n'est pas permise"),
    ("{% load static %}{% static 'x' %}", "la balise {% load %} n'est pas permise"),
    ("{% debug %}", "la balise {% debug %} n'est pas permise"),
    ("{{ nom|safe }}", "le filtre |safe n'est pas permis"),
    ("{{ nom.__class__ }}", "erreur de syntaxe"),
])
def test_issue_15_an_edited_text_cannot_include_a_template_or_load_a_library(body, refused):
    """Issue 15, mail texts: an edited text reaches nothing but its
    values: no {% include %}, {% extends %}, {% load %}, {% debug %}, no
    |safe, no attribute beginning with an underscore — refused on save."""
    with pytest.raises(ValidationError, match=refused.replace("{", r"\{").replace("}", r"\}").replace("|", r"\|")):
        check("Bonjour,\n" + body)


def test_issue_15_the_render_engine_itself_knows_no_include_nor_load():
    """Issue 15, mail texts: even a text saved around the checks cannot
    include a template or load a library: the mails' engine has no loader
    and no library, so such a mail falls back to the shipped text."""
    from django.template import TemplateSyntaxError

    for source in ('{% include "emails/texts/_layout.html" %}', "{% load i18n %}", "{% debug %}", "{{ x|safe }}"):
        with pytest.raises(TemplateSyntaxError):
            registry.render_source(source, {"x": "<b>"})


def test_issue_15_only_the_office_saves_a_text(head):
    """Issue 15, ROLE-2: a head of department cannot save a mail's text."""
    with pytest.raises(PermissionDenied):
        services.mailtext_save(key=KEY, subject="x", body="y", by=head)
    assert not MailTextVersion.objects.exists()


def test_issue_15_the_reminder_preview_uses_a_real_dossier(dossier):
    """Issue 15: the reminder's sample on a real dossier holds plain
    values only (strings and booleans), its student and first open
    obligation; without a dossier the preview shows the variables' names."""
    context = reminder_mail.TEXT.sample(dossier)
    assert context["eleve"] == dossier.student.full_name and context["echeance"]
    assert all(isinstance(value, (str, bool, int)) for value in context.values())
    assert set(reminder_mail.TEXT.variables) <= set(context)
    assert services.preview_context(reminder_mail.TEXT, None)["nom"] == "[nom]"


def test_issue_15_every_shipped_text_passes_the_checks_it_is_edited_under():
    """Issue 15: each registered mail's shipped subject and body pass the
    checks an edited text passes (allowed tags and filters, the mail's own
    variables): the office can save a default unchanged, and the mails'
    engine renders every default."""
    texts = registry.registered()
    assert KEY in {text.key for text in texts}
    for text in texts:
        subject, body = registry.default_source(text.key)
        services.mailtext_check(key=text.key, subject=subject.strip(), body=body)
