"""The barème workbook (SCORE-4), laid out like the school's grading
workbook: one sheet per student with a row per step, the points, the
maximum, and the total and the /20 grade as live formulas; a summary sheet
whose cells point at each student's sheet."""

import re
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import quote_sheetname

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
    """A workbook for ``dossiers`` (a class, or one student): summary first,
    then one sheet per student. Returns the .xlsx bytes."""
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
