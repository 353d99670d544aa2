"""The barème workbooks (SCORE-4), laid out like the school's grading
workbook, the points, maxima, totals and /20 grades as live formulas.

- One student (``bareme_workbook``): a summary and the student's sheet, a
  row per step.
- A class (``class_workbook``): one sheet, a row per student and a column
  per counted step, written in openpyxl's write-only mode to a temporary
  file that the view streams, so 5 000 students take seconds and a
  bounded memory.
"""

import re
import tempfile
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname

from conventions.dossier.models import DossierStep
from conventions.dossier.steps import BY_CODE, CATALOGUE
from students.models import AcademicYear

from .models import StepScore
from .scoring import bareme_for, dossier_scoresheet

HEADER_FILL = PatternFill("solid", fgColor="0B3D6E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
THIN = Border(bottom=Side(style="thin", color="B0B8C1"))
FIRST_ROW = 5  # steps start here on a student's sheet


def _sheet_title(name, used):
    """A valid, unique sheet title (≤ 31 characters, no []:*?/\\)."""
    # Typographic apostrophe: a straight one would need escaping in every formula.
    base = re.sub(r"[\[\]:*?/\\]", " ", name).replace("'", "’").strip()[:28] or _("Élève")
    title, n = base, 2
    while title.lower() in used:
        title = f"{base[:26]} ({n})"
        n += 1
    used.add(title.lower())
    return title


def _student_sheet(workbook, dossier, sheet_title, bareme):
    """One student's sheet; returns the cells of total points, maximum and grade."""
    sheet = workbook.create_sheet(sheet_title)
    student = dossier.student
    sheet["A1"] = _("Conduite de la démarche contrat pro — %(name)s") % {"name": student.full_name}
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"{student.department.code} · {dossier.year.label}"
    headers = (_("Étape"), _("Intitulé"), _("Mode"), _("Points"), _("Maximum"))
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(row=4, column=col, value=text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    sheetdata = dossier_scoresheet(dossier, bareme)
    row = FIRST_ROW
    for line in sheetdata["rows"]:
        sheet.cell(row=row, column=1, value=line["display_code"])
        sheet.cell(row=row, column=2, value=str(line["label"]))
        sheet.cell(row=row, column=3, value=str(line["mode"]))
        sheet.cell(row=row, column=4, value=line["points"] if line["points"] is not None else 0)
        sheet.cell(row=row, column=5, value=line["maximum"])
        for col in range(1, 6):
            sheet.cell(row=row, column=col).border = THIN
        row += 1
    last = row - 1
    total_row, grade_row = row + 1, row + 2
    sheet.cell(row=total_row, column=2, value=_("Total")).font = BOLD
    sheet.cell(row=total_row, column=4, value=f"=SUM(D{FIRST_ROW}:D{last})").font = BOLD
    sheet.cell(row=total_row, column=5, value=f"=SUM(E{FIRST_ROW}:E{last})").font = BOLD
    sheet.cell(row=grade_row, column=2, value=_("Note de conduite /20 (SCORE-3)")).font = BOLD
    grade = sheet.cell(
        row=grade_row, column=4,
        value=f'=IF(E{total_row}=0,"",ROUND(D{total_row}/E{total_row}*20,2))',
    )
    grade.font = BOLD
    grade.number_format = "0.00"
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 36
    sheet.column_dimensions["D"].width = 10
    sheet.column_dimensions["E"].width = 10
    sheet.freeze_panes = "A5"
    return f"D{total_row}", f"E{total_row}", f"D{grade_row}"


def bareme_workbook(dossiers, *, title):
    """The workbook of one student's dossier (or a handful): summary first,
    then one sheet per student. Returns the .xlsx bytes. A class takes
    ``class_workbook``: a sheet per student grows with the square of them."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Synthèse")
    summary["A1"] = title
    summary["A1"].font = Font(bold=True, size=13)
    headers = (_("Élève"), _("Département"), _("Points"), _("Maximum"), _("Note /20"))
    for col, text in enumerate(headers, start=1):
        cell = summary.cell(row=3, column=col, value=text)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    used = {summary.title.lower()}
    baremes = {}
    for index, dossier in enumerate(dossiers, start=4):
        if dossier.year_id not in baremes:
            baremes[dossier.year_id] = bareme_for(dossier.year)
        sheet_title = _sheet_title(dossier.student.full_name, used)
        total, maximum, grade = _student_sheet(workbook, dossier, sheet_title, baremes[dossier.year_id])
        ref = quote_sheetname(sheet_title)
        summary.cell(row=index, column=1, value=dossier.student.full_name)
        summary.cell(row=index, column=2, value=dossier.student.department.code)
        summary.cell(row=index, column=3, value=f"={ref}!{total}")
        summary.cell(row=index, column=4, value=f"={ref}!{maximum}")
        cell = summary.cell(row=index, column=5, value=f"={ref}!{grade}")
        cell.number_format = "0.00"
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 14
    for col in "CDE":
        summary.column_dimensions[col].width = 11
    for row in summary.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(vertical="center")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The class workbook (SCORE-4): one sheet, a row per student.
CLASS_FIRST_ROW = 5  # row 3: headers, row 4: each step's maximum
IDENTITY = 3  # name, student number, department
READ_BATCH = 500  # dossiers whose steps and points are read per query
NOT_APPLICABLE = "—"  # a step that does not apply to the student (STEP-5)
# What ``class_workbook`` reads of each dossier: ``queryset.values_list(*CLASS_COLUMNS)``.
CLASS_COLUMNS = (
    "pk", "year_id", "student__user__last_name", "student__user__first_name", "student__student_number",
    "student__department__code",
)


def _class_rows(rows):
    """``rows``: ``CLASS_COLUMNS`` tuples, in the order to show. Yields each with the
    codes of the steps that apply to it (STEP-5) and its points by step,
    read ``READ_BATCH`` dossiers at a time (no model instances)."""
    for start in range(0, len(rows), READ_BATCH):
        batch = rows[start:start + READ_BATCH]
        ids = [row[0] for row in batch]
        applicable, points = {}, {}
        for dossier_id, code in DossierStep.objects.filter(dossier_id__in=ids).values_list("dossier_id", "code"):
            applicable.setdefault(dossier_id, set()).add(code)
        for dossier_id, step, value in StepScore.objects.filter(dossier_id__in=ids).values_list("dossier_id", "step", "points"):
            points.setdefault(dossier_id, {})[step] = value
        for row in batch:
            yield row, applicable.get(row[0], set()), points.get(row[0], {})


class _YearSheet:
    """The class sheet of one academic year: its counted steps as columns."""

    def __init__(self, workbook, year, *, title, many_years):
        self.bareme = bareme_for(year)
        self.lines = [self.bareme[s.code] for s in CATALOGUE if s.code in self.bareme and self.bareme[s.code].counted]
        name = _("Barème %(year)s") % {"year": year.label.replace("/", "-")} if many_years else _("Synthèse")
        self.sheet = workbook.create_sheet(name[:31])
        self.row = CLASS_FIRST_ROW
        first, last = get_column_letter(IDENTITY + 1), get_column_letter(IDENTITY + len(self.lines))
        self.step_columns = [get_column_letter(IDENTITY + 1 + i) for i in range(len(self.lines))]
        self.points_col = get_column_letter(IDENTITY + len(self.lines) + 1)
        self.maximum_col = get_column_letter(IDENTITY + len(self.lines) + 2)
        self.span = f"{first}{{row}}:{last}{{row}}"
        sheet = self.sheet
        sheet.freeze_panes = f"{first}{CLASS_FIRST_ROW}"
        sheet.column_dimensions["A"].width = 32
        sheet.column_dimensions["B"].width = 14
        sheet.column_dimensions["C"].width = 12
        for col in self.step_columns:
            sheet.column_dimensions[col].width = 6
        for col in (self.points_col, self.maximum_col, get_column_letter(IDENTITY + len(self.lines) + 3)):
            sheet.column_dimensions[col].width = 11
        sheet.append([self._cell(title, Font(bold=True, size=13))])
        sheet.append([
            f"{year.label} · "
            + _(
                "points par étape ; case vide : étape pas encore notée, elle compte 0 ; "
                "« — » : l'étape ne s'applique pas à l'élève et ne compte pas (SCORE-3)."
            )
        ])
        headers = [_("Élève"), _("N° étudiant"), _("Département")]
        headers += [BY_CODE[line.step].display_code for line in self.lines]
        headers += [_("Points"), _("Maximum"), _("Note /20")]
        sheet.append([self._cell(text, HEADER_FONT, fill=HEADER_FILL) for text in headers])
        sheet.append(
            [self._cell(_("Maximum de l'étape"), BOLD), None, None]
            + [self._cell(line.maximum, BOLD) for line in self.lines]
        )

    def _cell(self, value, font=None, *, fill=None, number_format=None):
        cell = WriteOnlyCell(self.sheet, value=value)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        return cell

    def append(self, name, number, department, applicable, points):
        """One student's row: the points given, blank for a step not scored
        yet (it counts 0, SCORE-3), « — » for a step that does not apply
        (STEP-5); their sum, the sum of the maxima of the steps that apply
        and the /20 grade as formulas. Blank cells are not written, so a
        row costs what it holds."""
        r = self.row
        values = [name, number or "", department]
        not_applicable = []
        for col, line in zip(self.step_columns, self.lines):
            if line.step not in applicable:
                values.append(NOT_APPLICABLE)
                not_applicable.append(f"-{col}$4")
            else:
                values.append(points.get(line.step))
        values += [f"=SUM({self.span.format(row=r)})", f"=SUM({self.span.format(row=4)}){''.join(not_applicable)}"]
        grade = f'=IF({self.maximum_col}{r}=0,"",ROUND({self.points_col}{r}/{self.maximum_col}{r}*20,2))'
        self.sheet.append([*values, self._cell(grade, number_format="0.00")])
        self.row += 1


def class_workbook(rows, *, title):
    """SCORE-4: the barème of a class, one sheet per academic year present
    (one, for a class), a row per dossier of ``rows`` (``CLASS_COLUMNS``),
    in write-only mode. Returns an open temporary file holding the .xlsx,
    positioned at its start, for the response to stream."""
    workbook = Workbook(write_only=True)
    rows = list(rows)
    years = {year.pk: year for year in AcademicYear.objects.filter(pk__in={row[1] for row in rows})}
    sheets = {}
    for year_id in sorted(years, key=lambda pk: years[pk].start_year):
        sheets[year_id] = _YearSheet(workbook, years[year_id], title=title, many_years=len(years) > 1)
    if not sheets:
        workbook.create_sheet(_("Synthèse")).append([title])
    for (_id, year_id, last_name, first_name, number, department), applicable, points in _class_rows(rows):
        name = f"{first_name} {last_name}".strip()
        sheets[year_id].append(name, number, department, applicable, points)
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output
