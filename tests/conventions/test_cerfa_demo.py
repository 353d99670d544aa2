"""DOC-7: the demo's CERFAs are complete — every salarié's box filled as
the notice checks it, so each one can be produced."""

import io

import pytest
from django.core.management import call_command

from conventions.cerfa import notice
from conventions.models import CerfaData


@pytest.fixture(scope="module", autouse=True)
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, once for the module; emptied after (post_migrate reloads the shipped data)."""
    with django_db_blocker.unblock():
        call_command("demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_doc_7_every_demo_cerfa_has_its_boxes_filled_and_a_valid_nir():
    """DOC-7: the demo's students give sex, birthplace, address and a NIR whose key holds and agrees with their birth."""
    rows = list(CerfaData.objects.select_related("dossier__student__user"))
    assert len(rows) >= 10
    for data in rows:
        student = data.dossier.student
        assert notice.cerfa_gaps(student, data) == [], student
        assert notice.nir_problem(data.nir) is None, student
        assert notice.nir_disagreements(data.nir, sex=student.sex, birth_date=student.birth_date,
                                        birth_department=student.birth_department) == [], student
    assert {data.dossier.student.birth_department for data in rows} >= {"99", "30"}
    assert {data.dossier.student.sex for data in rows} == {"F", "M"}
