"""The company tutor's appraisal in Chromium (EVAL-1, step B, ROLE-5): the
tutor opens their personal link WITHOUT an account, fills the six criteria
and the grade and sends; the tuteur école then signs in and reads that
grade in « Notes du S9 ». The form passes axe-core at 1366 px and on a 390 px
phone, where it fits in one column, and the Nu HTML checker. Screenshots land in
var/screenshots/appraisal-link-*.png."""

import pytest
from django.urls import reverse

from conventions.dossier import steps
from conventions.links import services as links
from conventions.links.models import ExternalLink
from grading.appraisal.criteria import CRITERIA
from grading.s9.models import S9Evaluation
from tests import factories
from tests.e2e.test_accessibility import DESKTOP, PHONE, overflow

pytestmark = pytest.mark.e2e

PASSWORD = "Un-mot-de-passe-2026"
LEVELS = ("Très satisfaisant", "Satisfaisant", "Satisfaisant", "Très satisfaisant", "À améliorer", "Satisfaisant")


@pytest.fixture
def world(transactional_db):
    office = factories.UserFactory(username="bureau-e2e", groups=["Service Contrats Pro"])
    tutor = factories.UserFactory(username="tuteur-e2e", first_name="Julien", last_name="Bastide",
                                  groups=["Enseignants"], password=PASSWORD)
    dossier = factories.DossierFactory(tuteur_ecole=tutor, student__user__first_name="Léa",
                                       student__user__last_name="Fabre", company__name="Occitanie Data Conseil")
    dossier.tuteur_entreprise = factories.CompanyContactFactory(company=dossier.company, first_name="Anne",
                                                                last_name="Salles")
    dossier.save()
    steps.steps_sync(dossier)
    link = links.link_create(dossier=dossier, contact=dossier.tuteur_entreprise,
                             purpose=ExternalLink.Purpose.APPRAISAL, by=office)
    return {"dossier": dossier, "tutor": tutor, "token": links.make_token(link)}


def test_eval_1_company_tutor_fills_by_link_and_grade_reaches_tuteur_ecole(
    browser, live_server, world, sign_in, axe_check, html_check, screenshot
):
    """ROLE-5, EVAL-1: no sign-in for the company tutor; the grade they send
    is the « Tuteur entreprise » part of the S9 grade on the tuteur école's
    « Notes du S9 »; the form is accessible and one column on a phone."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("grading:appraisal-link", args=[world["token"]]))
        page.wait_for_load_state()
        assert "Léa Fabre" in page.content() and page.locator("fieldset").count() == len(CRITERIA)
        problems = axe_check(page, "appraisal 1366 px")
        screenshot(page, "appraisal-link-1366")
        page.set_viewport_size(PHONE)
        extra, culprits = overflow(page)
        problems += [f"{extra} px too wide at 390 px: {', '.join(culprits)}"] if extra > 0 else []
        problems += axe_check(page, "appraisal 390 px")
        # One column on the phone: every level of a criterion is as wide as its group (a big target).
        first = page.locator("fieldset").first.locator("label.list-group-item")
        widths = {round(first.nth(i).bounding_box()["width"]) for i in range(first.count())}
        assert len(widths) == 1 and widths.pop() > 300, widths
        assert first.first.bounding_box()["height"] >= 44
        screenshot(page, "appraisal-link-390")
        form_url = live_server.url + reverse("grading:appraisal-link", args=[world["token"]])
        problems += html_check({"appraisal-link": context.request.get(form_url).text()})
        assert not problems, "\n".join(problems)

        for index, level in enumerate(LEVELS):
            page.locator("fieldset").nth(index).get_by_label(level, exact=True).check()
        page.get_by_role("textbox", name="Appréciation générale").fill("Première période très positive.")
        page.get_by_label("Note proposée, sur 20").fill("15,75")
        page.get_by_role("button", name="Envoyer l'évaluation").click()
        page.wait_for_load_state()
        assert "Merci : votre évaluation est enregistrée" in page.content()
        screenshot(page, "appraisal-link-merci-390")
    finally:
        context.close()

    evaluation = S9Evaluation.objects.get(dossier=world["dossier"])
    assert evaluation.appraisal_source == S9Evaluation.Source.LINK and str(evaluation.appraisal_grade) == "15.75"

    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, "tuteur-e2e", PASSWORD)
        page.goto(live_server.url + reverse("grading:s9-tutees"))
        page.wait_for_load_state()
        card = page.locator("section").filter(has_text="FABRE Léa")
        part = card.locator("dt", has_text="Tuteur entreprise").locator("xpath=following-sibling::dd[1]")
        assert part.inner_text().strip() == "15,75/20"
        screenshot(page, "appraisal-link-notes-du-s9")
        page.goto(live_server.url + reverse("grading:appraisal-detail", args=[world["dossier"].pk]))
        assert "Anne Salles" in page.content() and "via son lien personnel" in page.content()
        problems = axe_check(page, "appraisal detail 1366 px")
        screenshot(page, "appraisal-detail-1366")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
