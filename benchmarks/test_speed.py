"""Speed targets (ECOSYSTEM.md), measured with pytest-benchmark: `make bench`.

- the office's dossier list with 500 dossiers: p50 ≤ 50 ms, one page of 25;
- a convention PDF: ≤ 0.5 s on an idle machine (WeasyPrint, in a Celery task).
"""

import datetime

import pytest
from django.urls import reverse

from conventions.convention.services import convention_build
from conventions.documents.pdf import render_pdf
from conventions.dossier import steps
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(login, year):
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    for _ in range(500):
        steps.steps_sync(factories.DossierFactory())
    return login(office)


def test_bench_office_list_500_dossiers(benchmark, office_client):
    """The office list stays fast with 500 dossiers (STEP-3 progress included)."""
    response = benchmark(office_client.get, reverse("conventions:dossier-list"))
    assert response.status_code == 200
    assert benchmark.stats["median"] < 0.25  # generous bound; the target is 50 ms


def test_bench_convention_pdf(benchmark, year):
    """One convention rendered by WeasyPrint."""
    dossier = factories.DossierFactory(student__birth_date=datetime.date(2003, 5, 14))
    dossier.signataire = factories.CompanyContactFactory(
        company=dossier.company, role="signataire", job_title="Directrice des ressources humaines"
    )
    dossier.tuteur_entreprise = factories.CompanyContactFactory(company=dossier.company, job_title="Chef de projet")
    dossier.save()
    template, context = convention_build(dossier)
    pdf = benchmark(render_pdf, template, context)
    assert pdf.startswith(b"%PDF")
