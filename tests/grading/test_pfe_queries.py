"""The dossier's PFE page reads a fixed number of queries (PFE-1…3): the
jury members and the report's versions are read in one query each, however
many there are."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grading.pfe import services
from grading.pfe.models import PfeReport
from tests import factories

# The session and the user with their groups, the dossier, the fiche PFE's
# latest review, the defence, its jury, its report versions, the calendar
# behind the latest day, the year's threshold and the roles' facts: pinned,
# so that one added per jury member or per version shows.
PAGE_QUERIES = 12

@pytest.fixture(autouse=True)
def reports_in_tmp(private_storage_in_tmp):
    from django.core.files.storage import storages

    field = PfeReport._meta.get_field("file")
    saved = field.storage
    field.storage = storages["private"]
    yield
    field.storage = saved


def a_defence(year, head, *, members, versions):
    tutor = factories.UserFactory(groups=["Enseignants"])
    dossier = factories.DossierFactory(student__year=year, tuteur_ecole=tutor)
    jury = [factories.UserFactory(groups=["Enseignants"]) for _ in range(members)]
    defence = services.defence_schedule(
        dossier=dossier, day=datetime.date(2027, 8, 31), start=datetime.time(10), end=datetime.time(11, 30),
        room="A 105", jury=jury, president=head, by=head,
    )
    for _ in range(versions):
        services.pfe_report_upload(defence=defence, uploaded_file=SimpleUploadedFile("rapport.pdf", factories.tiny_pdf()),
                                   by=dossier.student.user)
    return defence


def _queries(client, defence):
    client.get(f"/dossiers/{defence.dossier_id}/pfe/")  # warm the session and the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/dossiers/{defence.dossier_id}/pfe/")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_pfe_1_the_pfe_page_queries_do_not_grow_with_the_jury_or_the_report_versions(login, year, head):
    """PFE-1, PFE-2: one jury member and one report version read as many
    queries as five members and four versions."""
    small = a_defence(year, head, members=1, versions=1)
    large = a_defence(year, head, members=5, versions=4)
    client = login(head)
    assert _queries(client, small) == _queries(client, large) == PAGE_QUERIES
