"""Query pins of issue 12's CERFA pages (STYLE §6): the CERFA page and the
official model's mapping page cost the same number of queries with 2 and
with 20 rows (the SMIC's dated values during the contract; the model's
fields). The session is read from the cache; each pin names its queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from conventions.cerfa import official
from conventions.documents.models import private_storage
from students.models import SmicRate
from tests import factories
from tests.conventions.test_cerfa_complete import complete_cerfa

pytestmark = pytest.mark.django_db


def revaluations(rows):
    """``rows`` revaluations of the SMIC during the contract (1 September
    2026 – 31 August 2027), a fortnight apart, each a little higher."""
    first = datetime.date(2026, 9, 15)
    SmicRate.objects.bulk_create(
        SmicRate(valid_from=first + datetime.timedelta(days=14 * n), monthly_35h=Decimal("1830.00") + n)
        for n in range(rows)
    )


# The CERFA page, for its student: 1. the user with their roles; 2. the
# dossier with its student, year, company and contacts; 3. its CERFA data;
# 4. the SMIC's dated values, read once (DOC-10); 5. the footer's office
# contact (CONTACT-1).
CERFA_PAGE = 5


@pytest.mark.parametrize("rows", [2, 20])
def test_doc_7_cerfa_page_queries_do_not_grow_with_smic_values(login, rows, django_assert_num_queries):
    """DOC-7, DOC-10, STYLE §6: the CERFA page costs the same with 2 or 20
    revaluations of the SMIC during the contract, each one said on the page."""
    dossier = complete_cerfa()
    revaluations(rows)
    client = login(dossier.student.user)
    url = reverse("conventions:cerfa-edit", args=[dossier.pk])
    with django_assert_num_queries(CERFA_PAGE):
        page = client.get(url).content.decode()
    assert page.count("le minimum passe à") == rows  # one change a revaluation (one said with the age it falls with)


def official_model_with(fields):
    """An official model in force with ``fields`` text fields, written as
    ``official_model_upload`` leaves it (the blank PDF and its pointer)."""
    stored = private_storage().save(f"{official.MODEL_DIR}/modele-test.pdf", ContentFile(factories.tiny_pdf()))
    official._write_pointer({
        "file": stored, "name": "cerfa_12434.pdf", "sha256": "0" * 64, "uploaded_at": "2026-09-01T09:00:00+02:00",
        "uploaded_by": "Nadia Bureau", "fields": {f"champ_{n:02d}": "/Tx" for n in range(fields)},
        "mapping": {"champ_00": "employeur_siret"},
    })


# The mapping page: 1. the user with their roles; 2. the navigation's « À
# faire » count (the office's queues); 3. the footer's office contact.
# The model and its mapping are data in private storage, not rows.
MAPPING_PAGE = 3


@pytest.mark.parametrize("rows", [2, 20])
def test_doc_7_mapping_page_queries_do_not_grow_with_fields(login, office, rows, django_assert_num_queries):
    """DOC-7, STYLE §6: the official model's mapping page costs the same
    with 2 or 20 fields, each with its choice."""
    official_model_with(rows)
    client = login(office)
    with django_assert_num_queries(MAPPING_PAGE):
        page = client.get(reverse("conventions:cerfa-model")).content.decode()
    assert page.count("champ_") >= rows
