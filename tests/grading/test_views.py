"""Scores on the dossier page and the workbooks (SCORE-1…4)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from conventions.dossier import steps
from grading.models import StepScore
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    return dossier


def detail(dossier):
    return reverse("conventions:dossier-detail", args=[dossier.pk])


def test_score_2_student_sees_the_bareme_and_points_but_no_form(login, dossier, office):
    """SCORE-2: the barème is transparent: the student reads every step's maximum and points."""
    login(office).post(reverse("grading:score-set", args=[dossier.pk, "2"]), {"points": "1"})
    content = login(dossier.student.user).get(detail(dossier)).content.decode()
    assert "Barème et note de conduite" in content
    assert "1 / 2" in content
    assert 'name="points"' not in content
    assert "Note de conduite sur 20" in content
    assert "1,25" in content  # 1 point over a maximum of 16, × 20, French decimal comma


def test_score_1_office_scores_in_place(login, dossier, office):
    """SCORE-1: the office's points are stored; with htmx the panel comes back with the new grade."""
    response = login(office).post(
        reverse("grading:score-set", args=[dossier.pk, "C"]), {"points": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="bareme"' in response.content.decode()
    assert StepScore.objects.get(dossier=dossier, step="C").points == 2
    response = login(office).post(
        reverse("grading:score-set", args=[dossier.pk, "1"]), {"points": "2"}, HTTP_HX_REQUEST="true"
    )
    assert "se note de 0 à 1" in response.content.decode()


def test_score_2_student_cannot_score(login, dossier):
    """SCORE-2, ROLE-1: a student posting points gets 403 and nothing is stored."""
    response = login(dossier.student.user).post(reverse("grading:score-set", args=[dossier.pk, "1"]), {"points": "1"})
    assert response.status_code == 403
    assert not StepScore.objects.exists()


def test_score_4_student_downloads_own_workbook_not_anothers(login, dossier):
    """SCORE-4, ROLE-9: the student downloads their barème workbook; another's answers 404."""
    client = login(dossier.student.user)
    response = client.get(reverse("grading:dossier-workbook", args=[dossier.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Synthèse"
    other = factories.DossierFactory()
    assert client.get(reverse("grading:dossier-workbook", args=[other.pk])).status_code == 404


def test_score_4_class_workbook_follows_the_list_filters(login, office, year):
    """SCORE-4: the class workbook holds one row per dossier of the filtered list, on one sheet."""
    ia = factories.department("2IA")
    for _ in range(3):
        steps.steps_sync(factories.DossierFactory(student__department=ia))
    steps.steps_sync(factories.DossierFactory(student__department=factories.department("ISERM"), student__option=None))
    response = login(office).get(reverse("grading:class-workbook"), {"department": ia.pk})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Synthèse"]
    sheet = workbook["Synthèse"]
    assert "2IA" in sheet["A1"].value
    assert [sheet.cell(row=r, column=3).value for r in range(5, sheet.max_row + 1)] == ["2IA"] * 3


def test_score_4_class_workbook_is_for_office_and_heads(login, dossier):
    """SCORE-4, ROLE-1: a student cannot download the class workbook."""
    assert login(dossier.student.user).get(reverse("grading:class-workbook")).status_code == 403
