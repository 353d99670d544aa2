"""The company tutor's appraisal through a personal link (EVAL-1, step B,
ROLE-4, ROLE-5): the fiche « Avant PFE » as data, the page reached by the
link, what a refused link leaves (nothing), the read-only page and the
blank printed form."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conventions.dossier import steps
from conventions.links import services as links
from conventions.links.models import ExternalLink, LinkUse
from grading.appraisal import criteria, services
from grading.appraisal.models import Appraisal
from grading.s9 import services as s9
from grading.s9.models import S9Evaluation
from students.models import Event
from tests import factories

D = Decimal


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-ev", first_name="Julien", last_name="Bastide", groups=["Enseignants"])


@pytest.fixture
def dossier(db, tutor):
    d = factories.DossierFactory(tuteur_ecole=tutor, student__user__last_name="Fabre", student__user__first_name="Léa")
    d.tuteur_entreprise = factories.CompanyContactFactory(company=d.company, first_name="Anne", last_name="Salles")
    d.save()
    steps.steps_sync(d)
    return d


@pytest.fixture
def link(office, dossier):
    return links.link_create(dossier=dossier, contact=dossier.tuteur_entreprise,
                             purpose=ExternalLink.Purpose.APPRAISAL, by=office)


def url(link_or_token):
    token = link_or_token if isinstance(link_or_token, str) else links.make_token(link_or_token)
    return reverse("grading:appraisal-link", args=[token])


def filled(grade="15,5", **overrides):
    data = {f"level_{key}": "satisfaisant" for key in criteria.CRITERION_KEYS}
    data.update({"comment_autonomie": "Prend des initiatives.", "overall_comment": "Très bonne première période.",
                 "grade": grade})
    data.update(overrides)
    return data


def answers(level="satisfaisant"):
    return {key: {"level": level, "comment": ""} for key in criteria.CRITERION_KEYS}


def evaluation_state(dossier):
    row = S9Evaluation.objects.filter(dossier=dossier).values().first()
    return row


# --- The fiche as data ---------------------------------------------------------

def test_eval_1_criteria_list_validated():
    """The stored answers follow the fiche: one known level per criterion of
    the list, no unknown criterion; a missing or unknown level is named."""
    assert len(criteria.CRITERIA) == 6 and len(set(criteria.CRITERION_KEYS)) == 6
    assert criteria.answers_problems(answers()) == {}
    missing = answers()
    del missing["qualite"]
    assert set(criteria.answers_problems(missing)) == {"qualite"}
    wrong = answers()
    wrong["technique"]["level"] = "excellent"
    assert "Compétences techniques mobilisées" in criteria.answers_problems(wrong)["technique"]
    extra = {**answers(), "salaire": {"level": "satisfaisant"}}
    assert "salaire" in criteria.answers_problems(extra)["__all__"]
    assert criteria.answers_problems(["satisfaisant"]) == {"__all__": "Les réponses de la fiche sont mal formées."}


def test_eval_1_model_clean_refuses_answers_off_the_list(dossier, link):
    """The model checks its answers against the list too (admin, imports)."""
    row = Appraisal(dossier=dossier, answers={"qualite": {"level": "satisfaisant"}}, grade=D("12"),
                    filled_by_name="X", filled_at=timezone.now(), updated_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "answers" in error.value.message_dict


# --- ROLE-5: refused links store nothing -------------------------------------------

def _assert_nothing_stored(dossier, before_events):
    assert not Appraisal.objects.filter(dossier=dossier).exists()
    assert not S9Evaluation.objects.filter(dossier=dossier, appraisal_grade__isnull=False).exists()
    assert Event.objects.filter(dossier=dossier).count() == before_events


def test_role_5_expired_appraisal_link_refused_nothing_stored(client, dossier, link):
    """EVAL-1, ROLE-5: an expired link's POST answers 410 and stores nothing
    (no appraisal, no grade, the S9 evaluation unchanged), its use recorded as refused."""
    s9.report_grade_set(dossier=dossier, grade=D("13"), by=dossier.tuteur_ecole)
    before = evaluation_state(dossier)
    ExternalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    events = Event.objects.filter(dossier=dossier).count()
    response = client.post(url(link), filled())
    assert response.status_code == 410
    assert "expiré" in response.content.decode()
    _assert_nothing_stored(dossier, events)
    assert evaluation_state(dossier) == before
    use = LinkUse.objects.get(link=link)
    assert not use.accepted and use.action == "evaluation" and "expiré" in use.reason


def test_role_5_revoked_appraisal_link_refused_nothing_stored(client, office, dossier, link):
    """A revoked link is refused (403) and stores nothing."""
    links.link_revoke(link=link, by=office)
    events = Event.objects.filter(dossier=dossier).count()
    response = client.post(url(link), filled())
    assert response.status_code == 403 and "révoqué" in response.content.decode()
    _assert_nothing_stored(dossier, events)
    assert LinkUse.objects.filter(link=link, accepted=False).count() == 1


def test_role_5_link_of_another_purpose_refused_nothing_stored(client, office, dossier):
    """The fiche contact's link does not open the appraisal."""
    other = links.link_create(dossier=dossier, contact=dossier.tuteur_entreprise,
                              purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    events = Event.objects.filter(dossier=dossier).count()
    response = client.post(url(other), filled())
    assert response.status_code == 403 and "ne sert pas à cette démarche" in response.content.decode()
    _assert_nothing_stored(dossier, events)
    assert LinkUse.objects.filter(link=other, accepted=False).count() == 1


def test_role_5_tampered_token_refused_nothing_stored(client, dossier, link):
    """A token changed by one character is refused; the refused use is recorded without a link."""
    token = links.make_token(link)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    events = Event.objects.filter(dossier=dossier).count()
    response = client.post(url(tampered), filled())
    assert response.status_code == 403
    _assert_nothing_stored(dossier, events)
    assert LinkUse.objects.filter(link=None, accepted=False).exists()


# --- EVAL-1: a valid fill ---------------------------------------------------------------

def test_eval_1_link_page_shows_whom_without_login(client, dossier, link):
    """The page opens without an account and names the student, the company and the period."""
    response = client.get(url(link))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Léa Fabre" in body and dossier.company.name in body and "S9 Projet Entreprise, du" in body
    assert body.count("<fieldset") == len(criteria.CRITERIA) and "<legend" in body
    assert "Imprimer la fiche vierge" in body
    assert LinkUse.objects.filter(link=link, accepted=True, action="ouverture").count() == 1


def test_eval_1_valid_fill_sets_s9_appraisal_with_source_link(client, dossier, link):
    """A valid fill stores the fiche and the S9 grade's appraisal part, source
    LINK, with an event of step B naming the company tutor and the link."""
    response = client.post(url(link), filled("15,5"))
    assert response.status_code == 302
    appraisal = Appraisal.objects.get(dossier=dossier)
    assert appraisal.grade == D("15.50") and appraisal.link == link and appraisal.filled_by == dossier.tuteur_entreprise
    assert appraisal.answers["autonomie"] == {"level": "satisfaisant", "comment": "Prend des initiatives."}
    evaluation = S9Evaluation.objects.get(dossier=dossier)
    assert evaluation.appraisal_grade == D("15.50") and evaluation.appraisal_source == S9Evaluation.Source.LINK
    event = Event.objects.get(dossier=dossier, verb="grading.appraisal.fill")
    assert event.step == "B" and event.link == link and event.external_actor == "Anne Salles"
    assert event.changes["appraisal_grade"] == ["—", "15,50"]
    thanks = client.get(url(link)).content.decode()
    assert "Merci" in thanks and "Le tuteur école de l'élève reçoit votre évaluation" in thanks


def test_eval_1_second_fill_corrects_with_before_after(client, dossier, link):
    """[decision] Filling twice corrects the fiche until transmission; the
    event keeps the grade and the levels before and after."""
    client.post(url(link), filled("12"))
    client.post(url(link), filled("14,25", level_qualite="tres_satisfaisant"))
    assert Appraisal.objects.count() == 1
    assert S9Evaluation.objects.get(dossier=dossier).appraisal_grade == D("14.25")
    event = Event.objects.filter(dossier=dossier, verb="grading.appraisal.fill").order_by("-pk").first()
    assert event.changes["appraisal_grade"] == ["12,00", "14,25"]
    assert event.changes["levels"] == {"qualite": ["Satisfaisant", "Très satisfaisant"]}
    assert "corrigée" in event.summary


@pytest.mark.parametrize("data, field, message", [
    (filled("21"), "grade", "Une note va de 0 à 20."),
    (filled("12,345"), "grade", "Une note a au plus deux décimales"),
    (filled(level_qualite=""), "level_qualite", "Choisissez un niveau pour « Qualité et rigueur du travail »."),
])
def test_eval_1_form_keeps_input_on_error(client, dossier, link, data, field, message):
    """A refused form (grade 21, three decimals, a missing level) comes back
    with what was typed and a French error; nothing is stored."""
    response = client.post(url(link), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert "Très bonne première période." in body and "Prend des initiatives." in body
    assert f'value="{data["grade"]}"' in body
    assert body.count('value="satisfaisant" checked') == len(criteria.CRITERIA) - (1 if field == "level_qualite" else 0)
    assert not Appraisal.objects.exists() and not S9Evaluation.objects.filter(appraisal_grade__isnull=False).exists()


def test_eval_1_service_refuses_whatever_the_caller(dossier, link):
    """The service checks the grade and levels itself (not only the form)."""
    with pytest.raises(ValidationError) as error:
        services.appraisal_fill(link=link, answers=answers(), grade=D("20.001"))
    assert "grade" in error.value.message_dict
    wrong = answers()
    wrong["communication"]["level"] = ""
    with pytest.raises(ValidationError) as error:
        services.appraisal_fill(link=link, answers=wrong, grade=D("12"))
    assert "level_communication" in error.value.message_dict
    assert not Appraisal.objects.exists()


def test_eval_1_after_transmission_link_changes_nothing(client, dossier, link, tutor, office):
    """ROLE-4: once the S9 grade is transmitted, the link page says so and a
    POST changes neither the fiche nor the grade."""
    services.appraisal_fill(link=link, answers=answers(), grade=D("15"))
    s9.report_grade_set(dossier=dossier, grade=D("13"), by=tutor)
    S9Evaluation.objects.filter(dossier=dossier).update(transmitted_at=timezone.now(), transmitted_by=tutor)
    before = evaluation_state(dossier)
    events = Event.objects.filter(dossier=dossier).count()
    response = client.post(url(link), filled("19"))
    body = response.content.decode()
    assert response.status_code == 200 and "déjà été transmise à la scolarité" in body
    assert 'name="grade"' not in body
    assert evaluation_state(dossier) == before
    assert Appraisal.objects.get(dossier=dossier).grade == D("15.00")
    assert Event.objects.filter(dossier=dossier).count() == events
    with pytest.raises(services.AppraisalTransmitted):
        services.appraisal_fill(link=link, answers=answers(), grade=D("19"))


# --- ROLE-4: the read-only page -----------------------------------------------------------

def test_role_4_appraisal_page_access(login, dossier, link, tutor, office, head):
    """The filled fiche is read by the tuteur école, the office and the
    department head (200); the student gets 403; another tutor 404."""
    services.appraisal_fill(link=link, answers=answers(), grade=D("15"), overall_comment="Bon travail.")
    page = reverse("grading:appraisal-detail", args=[dossier.pk])
    for user in (tutor, office, head):
        response = login(user).get(page)
        assert response.status_code == 200, user
        body = response.content.decode()
        assert "via son lien personnel" in body and "Anne Salles" in body and "Bon travail." in body
    assert login(dossier.student.user).get(page).status_code == 403
    other = factories.UserFactory(username="autre-tuteur", groups=["Enseignants"])
    factories.DossierFactory(tuteur_ecole=other)
    assert login(other).get(page).status_code == 404


# --- The blank form --------------------------------------------------------------------------

def test_eval_1_blank_form_pdf_from_link_and_for_tutor(client, login, dossier, link, tutor):
    """The blank fiche is a PDF built by its task and stored once per what it
    prints; the link and the tuteur école get the same file; the student does not."""
    response = client.get(reverse("grading:appraisal-link-blank", args=[links.make_token(link)]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    again = login(tutor).get(reverse("grading:appraisal-blank", args=[dossier.pk]))
    assert again.status_code == 200 and again.content == response.content
    assert login(dossier.student.user).get(reverse("grading:appraisal-blank", args=[dossier.pk])).status_code == 403


def test_role_5_landing_page_leads_to_the_appraisal(client, link):
    """The link's landing page (conventions' link-open) has its « Continuer » to the fiche."""
    token = links.make_token(link)
    body = client.get(reverse("conventions:link-open", args=[token])).content.decode()
    assert f'href="{url(token)}"' in body


def test_step_6_filled_fiche_becomes_the_document_step_b_attests(
    dossier, link, tiny_pdf_layout, django_capture_on_commit_callbacks
):
    """STEP-6, step B: a fill queues the PDF of the filled fiche, attached as
    the dossier's « Fiche d'évaluation tuteur » — the student may then hand
    step B in (its document check passes); a correction adds a version."""
    from conventions.documents.models import Document, DocumentKind
    from conventions.dossier.steps import SUBMIT, Evidence, blocking_reason

    assert blocking_reason("B", SUBMIT, Evidence(dossier)) is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.appraisal_fill(link=link, answers=answers(), grade=D("15"))
    document = Document.objects.get(dossier=dossier, kind=DocumentKind.EVALUATION_TUTEUR)
    assert document.generated and document.version == 1
    fresh = type(dossier).objects.get(pk=dossier.pk)  # the dossier's documents are read once per object
    assert blocking_reason("B", SUBMIT, Evidence(fresh)) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.appraisal_fill(link=link, answers=answers("tres_satisfaisant"), grade=D("16"))
    assert Document.objects.filter(dossier=dossier, kind=DocumentKind.EVALUATION_TUTEUR).count() == 2


def test_eval_1_filled_fiche_pdf_says_what_was_filled(dossier, link):
    """The filled fiche prints the levels ticked, the comments and the grade."""
    from django.template.loader import render_to_string

    from grading.appraisal import pdf

    services.appraisal_fill(link=link, answers={**answers(), "qualite": {"level": "a_ameliorer", "comment": "Relire."}},
                            grade=D("13.5"), overall_comment="Bonne période.")
    template, context = pdf.filled_build(dossier)
    html = render_to_string(template, context)
    assert html.count("✓") == len(criteria.CRITERIA)
    assert '<span class="lv chosen"><span class="tick">✓</span>À améliorer</span>' in html
    assert "Relire." in html and "Bonne période." in html and "13,50 / 20" in html and "Anne Salles" in html


def test_role_4_the_tutors_pages_lead_to_the_fiche_filled_by_link_the_students_do_not(client, login, dossier, link,
                                                                                           tutor):
    """ROLE-4: once filled by link, « Notes du S9 », the report's grade page
    and the dossier's Évaluation panel lead the tuteur école to the fiche;
    the student's dossier page shows the grade, never the link to the fiche."""
    client.post(url(link), filled("15,5"))
    detail = reverse("grading:appraisal-detail", args=[dossier.pk])
    teacher = login(tutor)
    for page in ("/s9/", reverse("grading:s9-report", args=[dossier.pk]), f"/dossiers/{dossier.pk}/"):
        assert f'href="{detail}"' in teacher.get(page).content.decode(), page
    own = login(dossier.student.user).get(f"/dossiers/{dossier.pk}/").content.decode()
    assert "15,50/20" in own and f'href="{detail}"' not in own


# Measured once filled (7 each): pinned, so that a query added per
# criterion or per answer shows.
APPRAISAL_PAGE_QUERIES = {"link": 7, "detail": 7}


@pytest.mark.parametrize("page", sorted(APPRAISAL_PAGE_QUERIES))
def test_role_5_the_appraisal_pages_read_a_fixed_number_of_queries(client, login, dossier, link, tutor, page,
                                                                    django_assert_num_queries):
    """ROLE-5, ROLE-4: the fiche reached by the link and its read-only page,
    once filled, read a pinned number of queries: none per criterion."""
    client.post(url(link), filled("15,5"))
    if page == "link":
        viewer, path = client, url(link)
    else:
        viewer, path = login(tutor), reverse("grading:appraisal-detail", args=[dossier.pk])
    viewer.get(path)  # warm the session and the caches
    with django_assert_num_queries(APPRAISAL_PAGE_QUERIES[page]):
        assert viewer.get(path).status_code == 200
