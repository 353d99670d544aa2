"""The office's pages of the mails' texts (issue 15): the list, a text's
page with its variables, « Aperçu » on a real dossier (subject, plain text,
the HTML part in a sandboxed frame under its own policy), save with what
was typed kept on an error, history, « Revenir au texte d'origine »;
office only (ROLE-2, ROLE-9); query counts that do not grow with texts,
versions or dossiers."""

import pytest
from django.urls import reverse

from conventions.dossier import steps
from conventions.mailtexts import registry, services
from conventions.mailtexts.models import MailTextVersion
from conventions.reminders import mail as reminder_mail
from tests import factories

KEY = reminder_mail.KEY
EDIT = reverse("conventions:mailtext-edit", args=[KEY])
LIST = reverse("conventions:mailtext-list")
FRAME = reverse("conventions:mailtext-preview-html", args=[KEY])


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory(student__year=year)
    steps.steps_sync(dossier)
    return dossier


def test_issue_15_the_list_shows_each_mail_and_who_changed_it(office, login):
    """Issue 15: « Textes des mails » lists every registered mail with its
    label and audience, « texte d'origine » or « modifié le … par … »."""
    page = login(office).get(LIST).content.decode()
    assert "Relance d&#x27;une échéance" in page and ">texte d'origine</td>" in page
    services.mailtext_save(key=KEY, subject="{{ echeance }}", body="Bonjour {{ nom }}", by=office)
    page = login(office).get(LIST).content.decode()
    assert "par Nadia Bureau" in page and "modifié le" in page


def test_issue_15_a_syntax_error_keeps_what_was_typed(office, login):
    """Issue 15: saving a text with an error answers the page again with
    the French message naming the line, and what was typed still in the
    fields; nothing is saved."""
    typed = "Bonjour {{ nom }},\n{% if en_retard %}\nÀ faire vite"
    response = login(office).post(EDIT, {"subject": "Mon objet", "body": typed, "action": "enregistrer"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ligne 2 : erreur de syntaxe" in page
    assert "Bonjour {{ nom }},\n{% if en_retard %}\nÀ faire vite</textarea>" in page
    assert 'value="Mon objet"' in page
    assert not MailTextVersion.objects.exists()


def test_issue_15_an_unknown_variable_is_refused_on_the_page(office, login):
    """Issue 15: a variable the mail does not have is refused on save, with
    the mail's variables listed."""
    response = login(office).post(EDIT, {"subject": "{{ x }}", "body": "Bonjour", "action": "enregistrer"})
    assert "la variable {{ x }} n&#x27;existe pas pour ce mail ; variables possibles : copie_employeur" in response.content.decode()
    assert not MailTextVersion.objects.exists()


def test_issue_15_save_history_and_restore(office, login):
    """Issue 15: « Enregistrer » saves the version the next mail uses and
    shows it in the history; « Revenir au texte d'origine » brings the
    shipped text back, both steps kept in the history."""
    client = login(office)
    response = client.post(EDIT, {"subject": "À faire : {{ echeance }}", "body": "Bonjour {{ nom }}", "action": "enregistrer"})
    assert response.status_code == 302 and response.url == EDIT
    assert registry.current_source(KEY) == ("À faire : {{ echeance }}", "Bonjour {{ nom }}")
    page = client.get(EDIT).content.decode()
    assert "objet « À faire : {{ echeance }} »" in page and "Revenir au texte d'origine" in page
    response = client.post(reverse("conventions:mailtext-restore", args=[KEY]))
    assert response.status_code == 302
    assert registry.current_source(KEY) == registry.default_source(KEY)
    page = client.get(EDIT).content.decode()
    assert "retour au texte d'origine" in page and "Revenir au texte d'origine</button>" not in page


def test_issue_15_preview_on_a_real_dossier_saves_nothing(office, login, dossier):
    """Issue 15: « Aperçu » on one of the office's dossiers shows the
    subject, the plain text with the student's name and the HTML part in
    a sandboxed frame; nothing is saved. The frame's page is the draft's
    HTML, styles inline allowed for it alone, no script, framed only by the
    portal."""
    client = login(office)
    typed = "Bonjour {{ nom }},\n\n{{ echeance }} : {{ quand }}.\n"
    response = client.post(EDIT, {"subject": "Pour {{ eleve }}", "body": typed, "dossier": dossier.pk, "action": "apercu"})
    page = response.content.decode()
    name = dossier.student.full_name
    assert f"Pour {name}" in page and f"Bonjour {name}," in page
    assert f'<iframe sandbox="" title="Aperçu de la version HTML du mail" src="{FRAME}?dossier={dossier.pk}">' in page
    assert not MailTextVersion.objects.exists()
    frame = client.get(FRAME, {"dossier": dossier.pk})
    assert frame.status_code == 200 and f"Bonjour {name}," in frame.content.decode()
    policy = dict(part.strip().partition(" ")[::2] for part in frame.headers["Content-Security-Policy"].split(";"))
    assert policy["style-src"] == "'unsafe-inline'" and policy["script-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'" and "sandbox" in policy and policy["default-src"] == "'none'"
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_issue_15_preview_without_a_dossier_shows_the_variables_names(office, login):
    """Issue 15: with no dossier chosen, the preview shows each variable by name."""
    response = login(office).post(EDIT, {"subject": "{{ echeance }}", "body": "Bonjour {{ nom }}", "action": "apercu"})
    assert "Bonjour [nom]" in response.content.decode()


def test_issue_15_the_pages_are_the_office_s_only(head, login, dossier):
    """Issue 15, ROLE-9: a head of department or a student gets 403 on the
    list, a text's page, its preview and its restore; nothing is saved."""
    for user in (head, dossier.student.user):
        client = login(user)
        assert client.get(LIST).status_code == 403
        assert client.get(EDIT).status_code == 403
        assert client.get(FRAME).status_code == 403
        assert client.post(EDIT, {"subject": "x", "body": "y", "action": "enregistrer"}).status_code == 403
        assert client.post(reverse("conventions:mailtext-restore", args=[KEY])).status_code == 403
    assert not MailTextVersion.objects.exists()


def test_issue_15_an_unknown_mail_is_404(office, login):
    """Issue 15: a key no room registered answers 404, even to the office."""
    assert login(office).get(reverse("conventions:mailtext-edit", args=["pas.un.mail"])).status_code == 404


# The list: the user (1), the latest versions with their authors (1), the
# page's frame — the « À faire » count of the navigation and the school's
# identity of the footer (2). The registered texts are code: no query.
LIST_QUERIES = 4
# A text's page: the user (1), the dossiers to preview on (1), the version
# in force (1), the history with its authors (1), the page's frame (2).
EDIT_QUERIES = 6


@pytest.mark.parametrize("versions", [1, 12])
def test_issue_15_the_pages_query_counts_do_not_grow(office, login, year, versions, django_assert_num_queries):
    """Issue 15: the list and a text's page read the same number of
    queries with 1 version and 12, 1 dossier and 12 to preview on."""
    for n in range(versions):
        services.mailtext_save(key=KEY, subject=f"Objet {n}", body="Bonjour {{ nom }}", by=office)
        factories.DossierFactory(student__year=year)
    client = login(office)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(EDIT_QUERIES):
        assert client.get(EDIT).status_code == 200


