"""SCORE-4: the barème workbook computes, with its own formulas, the portal's grade."""

import io
from decimal import Decimal

import formulas
import openpyxl
import pytest

from conventions.dossier import steps
from grading import scoring
from grading.excel import bareme_workbook
from tests import factories

pytestmark = pytest.mark.django_db


def evaluate(xlsx_bytes, tmp_path):
    """Compute every formula of the workbook, as Excel would."""
    path = tmp_path / "bareme.xlsx"
    path.write_bytes(xlsx_bytes)
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values = {}
    for key, value in solution.items():
        # keys look like "'[bareme.xlsx]SHEET'!D20"
        if "!" not in key or "]" not in key:
            continue
        sheet, cell = key.rsplit("!", 1)
        sheet = sheet.strip("'").split("]", 1)[1].upper()
        values[(sheet, cell.upper())] = value.value[0, 0] if hasattr(value, "value") else value
    return values


@pytest.fixture
def scored(year):
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    dossiers = []
    for name, points in (("Dupont", {"1": 1, "2": 2, "3": 1, "A": 1, "C": 2}), ("Nguyen", {"1": 1, "2": 1, "D": 2, "F": 1})):
        dossier = factories.DossierFactory(student__user__last_name=name, student__user__first_name="Alex")
        steps.steps_sync(dossier)
        for code, p in points.items():
            scoring.score_set(dossier=dossier, step=code, points=p, by=office)
        dossiers.append(dossier)
    return dossiers


def test_score_4_workbook_formulas_give_the_portals_grade(scored, tmp_path):
    """SCORE-4: each student sheet's total and /20 are live formulas equal to SCORE-3's grade."""
    data = bareme_workbook(scored, title="2IA 2026/2027")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Synthèse", "Alex Dupont", "Alex Nguyen"]
    sheet = workbook["Alex Dupont"]
    formulas_found = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert any(f.startswith("=SUM(D") for f in formulas_found)
    assert any("ROUND(" in f and "*20" in f for f in formulas_found)
    values = evaluate(data, tmp_path)
    for dossier in scored:
        expected = scoring.dossier_scoresheet(dossier)["grade"]
        title = dossier.student.full_name.upper()
        sheet = workbook[dossier.student.full_name]
        grade_cell = next(
            c.coordinate for row in sheet.iter_rows() for c in row if "ROUND(" in str(c.value)
        )
        assert Decimal(str(round(values[(title, grade_cell)], 2))) == expected


def test_score_4_summary_points_at_each_students_sheet(scored, tmp_path):
    """SCORE-4: the summary sheet's grades are formulas pointing at each student's sheet."""
    data = bareme_workbook(scored, title="2IA 2026/2027")
    summary = openpyxl.load_workbook(io.BytesIO(data))["Synthèse"]
    assert summary["A4"].value == "Alex Dupont"
    assert summary["E4"].value.startswith("='Alex Dupont'!D")
    values = evaluate(data, tmp_path)
    for row, dossier in enumerate(scored, start=4):
        expected = scoring.dossier_scoresheet(dossier)["grade"]
        assert Decimal(str(round(values[("SYNTHÈSE", f"E{row}")], 2))) == expected
        assert values[("SYNTHÈSE", f"C{row}")] == scoring.dossier_scoresheet(dossier)["total"]


def test_score_4_one_student_workbook_and_odd_names(year, tmp_path):
    """SCORE-4: a single student's workbook works, whatever characters the name holds."""
    dossier = factories.DossierFactory(student__user__last_name="D'Arc/Lévy: [test]", student__user__first_name="Jeanne")
    steps.steps_sync(dossier)
    data = bareme_workbook([dossier], title="Jeanne")
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert len(names) == 2 and all(ch not in names[1] for ch in "[]:/")
    values = evaluate(data, tmp_path)
    assert values[("SYNTHÈSE", "E4")] in (0, 0.0)
