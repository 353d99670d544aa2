"""The s9 part of ``manage.py demo`` (ROLE-3, EVAL-1): named tutors, two
report grades, one appraisal typed from paper, one complete S9 grade."""

import io

import pytest
from django.core.management import call_command

from conventions.models import Dossier
from grading.s9 import services
from grading.s9.models import S9Evaluation
from students.models import Event


def run_demo():
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        run_demo()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_eval_1_demo_two_reports_one_paper_appraisal_one_complete_grade():
    """Two reports graded, one appraisal from paper, and that dossier's S9 grade complete."""
    assert S9Evaluation.objects.filter(report_grade__isnull=False).count() == 2
    paper = S9Evaluation.objects.get(appraisal_source=S9Evaluation.Source.PAPER)
    assert paper.appraisal_grade is not None
    dossier = Dossier.objects.get(pk=paper.dossier_id)
    grade, _evaluation = services.grade_of(dossier)
    assert not grade.provisional and grade.grade is not None


@pytest.mark.django_db
def test_eval_1_demo_second_run_writes_nothing():
    """A second run names nobody again and grades nothing again."""
    before = (Event.objects.count(), list(S9Evaluation.objects.values_list("pk", "report_at", "appraisal_at")))
    output = run_demo()
    assert (Event.objects.count(), list(S9Evaluation.objects.values_list("pk", "report_at", "appraisal_at"))) == before
    assert "Lignes créées : 0 ; mises à jour : 0 ; supprimées : 0" in output
