"""The fiche contact PFE (DOC-2, step D): the title's words as a reader
counts them, the tuteur école's review of the version they read, step D
validated only on a validated fiche, and the titles the diploma supplement
reads (``pfe_titles``)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conventions.dossier import steps
from conventions.fiche import services as fiche
from conventions.models import DossierStep, StepState
from students.models import Event
from grading.pfe import services
from grading.pfe.models import FichePfeReview
from conventions.fiche.wording import title_word_count, validate_title
from tests import factories

PFE = dict(factories.PFE_PART)
Verdict = FichePfeReview.Verdict


# --- The word rule -------------------------------------------------------------

def test_doc_2_an_11_word_title_is_refused_with_its_count():
    """DOC-2: eleven words are refused, and the message says eleven."""
    title = "Optimisation des tournées de livraison par un solveur de contraintes hybride"
    assert title_word_count(title) == 11
    with pytest.raises(ValidationError, match="Le titre du PFE compte 11 mots : 10 au plus"):
        validate_title(title)


def test_doc_2_ten_words_are_allowed():
    """DOC-2: ten words, the limit, pass."""
    title = "Optimisation des tournées de livraison par un solveur de contraintes"
    assert title_word_count(title) == 10
    validate_title(title)


@pytest.mark.parametrize(("title", "count"), [
    ("Supervision temps-réel", 2),  # a hyphenated compound is one word
    ("Jumeau-numérique d'atelier", 2),
    ("Modernisation de l'usine", 3),  # an elided article goes with its word
    ("Maintenance d’aujourd’hui", 2),  # the typographic apostrophe too
])
def test_doc_2_hyphens_and_apostrophes_join_a_word(title, count):
    """DOC-2: « temps-réel » and « l'usine » are one word each, as a reader says them."""
    assert title_word_count(title) == count


@pytest.mark.parametrize(("title", "count"), [
    ("3 lignes en 2027", 4),  # numbers count as words
    ("Industrie 4.0 et IA", 4),  # a decimal number is one word
    ("Réduire de 2,5 % les pertes", 5),  # « % » alone is no word
])
def test_doc_2_numbers_count_as_words(title, count):
    """DOC-2: « 3 », « 2027 », « 4.0 » are one word each."""
    assert title_word_count(title) == count


def test_doc_2_punctuation_alone_is_no_word():
    """DOC-2: « : », « – » and French quotes with their spaces do not count:
    ten words with them pass, where a split on spaces would count fourteen."""
    title = "Jumeau numérique : « supervision » – ligne pilotée d'assemblage de 2027 en usine"
    assert len(title.split()) == 14
    assert title_word_count(title) == 10
    validate_title(title)


# --- The review ------------------------------------------------------------------

@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-pfe", groups=["Enseignants"])


@pytest.fixture
def dossier(year, tutor):
    dossier = factories.DossierFactory(student__year=year, tuteur_ecole=tutor)
    steps.steps_sync(dossier)
    return dossier


def fill(dossier, **changes):
    fiche.fiche_save_pfe(dossier=dossier, data={**PFE, **changes}, by=dossier.student.user)
    dossier.refresh_from_db()
    return dossier


def step_d(dossier):
    return DossierStep.objects.get(dossier=dossier, code="D")


def test_doc_2_the_tutor_validates_the_fiche_and_the_event_keeps_its_title(dossier, tutor):
    """DOC-2: the tuteur école's validation keeps the version read (content
    and SHA-256) and records an event naming the title."""
    fill(dossier)
    review = services.fiche_pfe_review(dossier=dossier, verdict=Verdict.VALIDATED, by=tutor)
    assert review.content["pfe_title"] == PFE["pfe_title"]
    assert len(review.fingerprint) == 64
    event = Event.objects.filter(dossier=dossier, verb="grading.fiche_pfe.validate").get()
    assert PFE["pfe_title"] in event.summary
    assert services.pfe_titles(type(dossier).objects.filter(pk=dossier.pk)) == {dossier.pk: PFE["pfe_title"]}


def test_doc_2_only_the_tuteur_ecole_reviews(dossier, head):
    """DOC-2, ROLE-4: the head is not the tuteur école here: refused, nothing stored."""
    fill(dossier)
    with pytest.raises(PermissionDenied):
        services.fiche_pfe_review(dossier=dossier, verdict=Verdict.VALIDATED, by=head)
    assert not FichePfeReview.objects.exists()


def test_doc_2_sending_back_needs_a_comment_and_refuses_step_d(dossier, tutor):
    """DOC-2, step D: sent back without a comment is refused; with one, a
    handed-in step D goes back to the student refused with that comment."""
    fill(dossier)
    steps.step_transition(step=step_d(dossier), action=steps.SUBMIT, by=dossier.student.user)
    with pytest.raises(ValidationError, match="le commentaire est obligatoire"):
        services.fiche_pfe_review(dossier=dossier, verdict=Verdict.RETURNED, by=tutor)
    services.fiche_pfe_review(dossier=dossier, verdict=Verdict.RETURNED, comment="Précisez les objectifs.", by=tutor)
    row = step_d(dossier)
    assert (row.state, row.comment) == (StepState.REFUSED, "Précisez les objectifs.")
    assert services.pfe_titles(type(dossier).objects.filter(pk=dossier.pk)) == {}


def test_doc_2_step_d_is_validated_only_on_a_validated_fiche(dossier, tutor):
    """STEP-6, DOC-2: the tuteur école cannot validate a handed-in step D
    before validating the fiche PFE; validating the fiche validates step D."""
    fill(dossier)
    steps.step_transition(step=step_d(dossier), action=steps.SUBMIT, by=dossier.student.user)
    with pytest.raises(ValidationError, match="n'a pas encore validé la fiche PFE"):
        steps.step_transition(step=step_d(dossier), action=steps.VALIDATE, by=tutor)
    services.fiche_pfe_review(dossier=dossier, verdict=Verdict.VALIDATED, by=tutor)
    assert step_d(dossier).state == StepState.VALIDATED


def test_doc_2_a_change_after_validation_asks_the_tutor_again(dossier, tutor):
    """DOC-2: a fiche changed after its validation is « à relire », and the
    diploma supplement has no title for it until validated again."""
    fill(dossier)
    services.fiche_pfe_review(dossier=dossier, verdict=Verdict.VALIDATED, by=tutor)
    fill(dossier, pfe_title="Un autre titre pour ce projet")
    state, _review = services.fiche_pfe_state(dossier.fiche_contact, services.latest_review(dossier))
    assert state == "a_relire"
    assert services.pfe_titles(type(dossier).objects.filter(pk=dossier.pk)) == {}


def test_doc_2_a_title_over_10_words_cannot_be_validated(dossier, tutor):
    """DOC-2: a title typed elsewhere (admin, import) with 11 words as a
    reader counts them is not validated: the tutor sends it back."""
    fill(dossier)
    type(dossier.fiche_contact).objects.filter(pk=dossier.fiche_contact.pk).update(
        pfe_title="Un deux trois quatre cinq six sept huit neuf dix onze"
    )
    with pytest.raises(ValidationError, match="Le titre du PFE compte 11 mots"):
        services.fiche_pfe_review(dossier=dossier, verdict=Verdict.VALIDATED, by=tutor)
    assert not FichePfeReview.objects.exists()


def test_doc_2_pfe_titles_reads_two_queries(year, tutor, django_assert_num_queries):
    """DOC-2, STYLE §6: the export's titles cost two queries whatever the dossiers."""
    for _ in range(3):
        d = factories.DossierFactory(student__year=year, tuteur_ecole=tutor)
        fill(d)
        services.fiche_pfe_review(dossier=d, verdict=Verdict.VALIDATED, by=tutor)
    dossiers = type(d).objects.filter(year=year)
    with django_assert_num_queries(2):
        assert len(services.pfe_titles(dossiers)) == 3


def test_doc_2_the_tutor_reviews_from_the_pfe_page(dossier, tutor, login):
    """DOC-2: the PFE page shows the fiche and the tutor's form; the form
    refuses a return without a comment (400) and keeps what was typed."""
    fill(dossier)
    client = login(tutor)
    page = client.get(reverse("grading:pfe-dossier", args=[dossier.pk]))
    assert page.status_code == 200
    assert PFE["pfe_title"] in page.content.decode()
    url = reverse("grading:fiche-pfe-review", args=[dossier.pk])
    refused = client.post(url, {"verdict": Verdict.RETURNED, "comment": ""})
    assert refused.status_code == 400
    assert "le commentaire est obligatoire" in refused.content.decode()
    assert client.post(url, {"verdict": Verdict.VALIDATED}).status_code == 302
    assert FichePfeReview.objects.get().verdict == Verdict.VALIDATED
