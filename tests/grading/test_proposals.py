"""Proposed scores in the barème panel (SCORE-1): any room registers a
proposer for a step in ``conventions.dossier.proposals``; grading shows it
to the office and stores nothing until the office retains it."""

import pytest
from django.urls import reverse

from conventions.dossier import proposals, steps
from grading.models import StepScore
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    return dossier


@pytest.fixture
def proposer_for_d(monkeypatch):
    """A proposer of step D registered for the test only, on the maximum it is given."""
    monkeypatch.setitem(proposals._PROPOSERS, "D", lambda dossier, *, maximum: proposals.Proposal(
        points=maximum, reason="fiche PFE complète"))


def test_score_1_a_registered_proposal_is_shown_to_the_office_and_nothing_is_scored(
        login, office, dossier, proposer_for_d):
    """SCORE-1: the panel asks the office's browser for step D's proposal
    (and not for a step nobody proposes); the fragment says it and offers
    to retain it; no score is written by showing it."""
    client = login(office)
    page = client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert f'data-hx-get="{reverse("grading:score-set", args=[dossier.pk, "D"])}"' in page
    assert f'data-hx-get="{reverse("grading:score-set", args=[dossier.pk, "B"])}"' not in page
    fragment = client.get(reverse("grading:score-set", args=[dossier.pk, "D"]), headers={"HX-Request": "true"})
    assert "proposé : 2 — fiche PFE complète" in fragment.content.decode()
    assert not StepScore.objects.exists()


def test_score_1_no_proposal_for_a_step_nobody_proposes(login, office, dossier):
    """SCORE-1: asking the proposal of a step without a proposer answers 404."""
    response = login(office).get(reverse("grading:score-set", args=[dossier.pk, "B"]), headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_score_1_a_proposal_outside_the_scale_is_refused(dossier, monkeypatch):
    """SCORE-1: a proposer may not propose more than the step's maximum."""
    monkeypatch.setitem(proposals._PROPOSERS, "D", lambda dossier, *, maximum: proposals.Proposal(3, "trop"))
    with pytest.raises(ValueError, match="outside 0–2"):
        proposals.proposal_for("D", dossier, maximum=2)
