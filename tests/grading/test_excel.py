"""SCORE-4: the barème workbooks compute, with their own formulas, the portal's grade (SCORE-3)."""

import io
from decimal import Decimal

import formulas
import openpyxl
import pytest

from conventions.dossier import steps
from conventions.models import Dossier
from grading import scoring
from grading.excel import CLASS_COLUMNS, CLASS_FIRST_ROW, bareme_workbook, class_workbook
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


def number(value):
    return Decimal(str(round(value, 2)))


@pytest.fixture
def scored(year):
    """Three dossiers with points; the last one, double-diploma, also has step 3' (STEP-5)."""
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    dossiers = []
    for name, points, facts in (
        ("Dupont", {"1": 1, "2": 2, "3": 1, "A": 1, "C": 2}, {}),
        ("Nguyen", {"1": 1, "2": 1, "D": 2, "F": 1}, {}),
        ("Okafor", {"1": 1, "3p": 1, "4": 1}, {"double_diploma_incoming": True, "home_institution": "Polimi"}),
    ):
        dossier = factories.DossierFactory(
            student__user__last_name=name, student__user__first_name="Alex",
            **{f"student__{key}": value for key, value in facts.items()},
        )
        steps.steps_sync(dossier)
        for code, p in points.items():
            scoring.score_set(dossier=dossier, step=code, points=p, by=office)
        dossiers.append(dossier)
    return dossiers


def class_bytes(dossiers, title="2IA 2026/2027"):
    rows = Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).order_by("student__user__last_name").values_list(*CLASS_COLUMNS)
    with class_workbook(rows, title=title) as output:
        return output.read()


def test_score_4_class_workbook_is_one_sheet_with_a_row_per_student(scored):
    """SCORE-4: the class workbook has one sheet, a row per student, a column per counted step."""
    workbook = openpyxl.load_workbook(io.BytesIO(class_bytes(scored)))
    assert workbook.sheetnames == ["Synthèse"]
    sheet = workbook["Synthèse"]
    assert sheet["A1"].value == "2IA 2026/2027"
    names = [sheet.cell(row=r, column=1).value for r in range(CLASS_FIRST_ROW, sheet.max_row + 1)]
    assert names == ["Alex Dupont", "Alex Nguyen", "Alex Okafor"]
    headers = [c.value for c in sheet[3]]
    assert headers[3] == "1" and "3'" in headers and "6" not in headers  # 6 is not scored (SCORE-2)
    assert headers[-3:] == ["Points", "Maximum", "Note /20"]
    formulas_row = [c.value for c in sheet[CLASS_FIRST_ROW]][-3:]
    assert formulas_row[0].startswith("=SUM(") and "ROUND(" in formulas_row[2] and "*20" in formulas_row[2]


def test_score_3_class_workbook_formulas_give_the_portals_grade(scored, tmp_path):
    """SCORE-3, SCORE-4: each row's points, maximum and /20 are formulas
    equal to the portal's; a step that does not apply (3' for the others)
    counts neither in the points nor in the maximum."""
    data = class_bytes(scored)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Synthèse"]
    points_col, maximum_col, grade_col = (c.column_letter for c in sheet[3][-3:])
    values = evaluate(data, tmp_path)
    for row, dossier in enumerate(scored, start=CLASS_FIRST_ROW):
        expected = scoring.dossier_scoresheet(dossier)
        assert values[("SYNTHÈSE", f"{points_col}{row}")] == expected["total"]
        assert values[("SYNTHÈSE", f"{maximum_col}{row}")] == expected["maximum"]
        assert number(values[("SYNTHÈSE", f"{grade_col}{row}")]) == expected["grade"]
    assert scoring.dossier_scoresheet(scored[2])["maximum"] == scoring.dossier_scoresheet(scored[0])["maximum"] + 1


def test_score_4_class_workbook_of_no_dossier(year):
    """SCORE-4: an empty class still gives a workbook, with its title."""
    workbook = openpyxl.load_workbook(io.BytesIO(class_bytes([], title="Personne")))
    assert workbook.sheetnames == ["Synthèse"]
    assert workbook["Synthèse"]["A1"].value == "Personne"


def test_score_4_student_workbook_formulas_give_the_portals_grade(scored, tmp_path):
    """SCORE-4: one student's workbook: a summary and the student's sheet,
    a row per step; total and /20 are live formulas equal to SCORE-3's grade."""
    dossier = scored[0]
    data = bareme_workbook([dossier], title="Alex Dupont")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Synthèse", "Alex Dupont"]
    sheet = workbook["Alex Dupont"]
    formulas_found = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert any(f.startswith("=SUM(D") for f in formulas_found)
    values = evaluate(data, tmp_path)
    grade_cell = next(c.coordinate for row in sheet.iter_rows() for c in row if "ROUND(" in str(c.value))
    expected = scoring.dossier_scoresheet(dossier)
    assert number(values[("ALEX DUPONT", grade_cell)]) == expected["grade"]
    assert workbook["Synthèse"]["E4"].value.startswith("='Alex Dupont'!D")
    assert number(values[("SYNTHÈSE", "E4")]) == expected["grade"]
    assert values[("SYNTHÈSE", "C4")] == expected["total"]


def test_score_4_one_student_workbook_and_odd_names(year, tmp_path):
    """SCORE-4: a single student's workbook works, whatever characters the name holds."""
    dossier = factories.DossierFactory(student__user__last_name="D'Arc/Lévy: [test]", student__user__first_name="Jeanne")
    steps.steps_sync(dossier)
    data = bareme_workbook([dossier], title="Jeanne")
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert len(names) == 2 and all(ch not in names[1] for ch in "[]:/")
    values = evaluate(data, tmp_path)
    assert values[("SYNTHÈSE", "E4")] in (0, 0.0)
