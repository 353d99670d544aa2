"""The fiche contact's pages in Chromium, on the shared demo (DOC-1): the
head's read-only fiche with a visa on an earlier version, the student's and
the company's forms and the dossier panel: axe-core finds no serious or
critical violation, the Nu HTML checker no error, nothing scrolls sideways
on a 390 px phone. Screenshots land in var/screenshots/fiche-*.png."""

import pytest
from django.urls import reverse

from conventions.models import Dossier
from tests.e2e.test_accessibility import DESKTOP, PHONE, overflow

pytestmark = pytest.mark.e2e


def fiche_of(username, name="conventions:fiche-edit"):
    return reverse(name, args=[Dossier.objects.get(student__user__username=username).pk])


@pytest.mark.parametrize(("login", "page_name", "url", "says"), [
    ("respprism", "lecture-visa-anterieur", lambda: fiche_of("eleve26"),
     "sur une version antérieure — nouveau visa demandé"),
    ("eleve26", "partie-eleve", lambda: fiche_of("eleve26"), "Vos coordonnées"),
    ("bureau", "partie-entreprise", lambda: fiche_of("eleve", "conventions:fiche-company-edit"),
     "Téléphone du standard de l'entreprise"),
    ("bureau", "dossier-panneau", lambda: reverse("conventions:dossier-detail", args=[
        Dossier.objects.get(student__user__username="eleve26").pk]), "nouveau visa demandé"),
])
def test_doc_1_fiche_pages_accessible_valid_and_fit_a_phone(
    browser, shared_demo, axe_check, html_check, screenshot, login, page_name, url, says
):
    """DOC-1: each page of the fiche says what it is for (the stale visa on
    the head's page and the panel) and passes axe-core, the Nu checker and
    the 390 px width."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    try:
        page = context.new_page()
        shared_demo.sign_in(page, login)
        path = url()
        page.goto(shared_demo.url + path)
        page.wait_for_load_state()
        assert says in " ".join(page.content().replace("&#x27;", "'").replace("’", "'").split())
        problems = axe_check(page, f"{page_name} 1366 px")
        screenshot(page, f"fiche-{page_name}-1366")
        page.set_viewport_size(PHONE)
        extra, culprits = overflow(page)
        problems += [f"{page_name}: {extra} px too wide at 390 px: {', '.join(culprits)}"] if extra > 0 else []
        problems += axe_check(page, f"{page_name} 390 px")
        screenshot(page, f"fiche-{page_name}-390")
        problems += html_check({page_name: context.request.get(shared_demo.url + path).text()})
    finally:
        context.close()
    assert not problems, "\n".join(problems)
