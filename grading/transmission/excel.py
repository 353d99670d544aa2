"""The workbook sent to the scolarité (ROLE-8, EVAL-1…3, PFE-1, DOC-2):
one sheet, a row per dossier, written as ``grading/excel.py`` writes the
class workbook — openpyxl's write-only mode into a temporary file, so 5 000
dossiers take seconds and a bounded memory.

Grades are numbers (format ``0.00``: LibreOffice and Excel show « 12,35 »
in French); a grade that is not there is an empty cell beside a state in
words (« à venir », EVAL-1: never a weighted partial grade)."""

import tempfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from contratpro.frenchdates import long_date, long_datetime

from .models import S9State

HEADER_FILL = PatternFill("solid", fgColor="0B3D6E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13)
GRADE_FORMAT = "0.00"
HEADER_ROW = 4  # rows 1–2: title and date; row 3: empty; the header row is frozen
WRAP = Alignment(wrap_text=True, vertical="top")
INDENT = Alignment(indent=1)

# (header, width, kind): kind "grade" is a /20 number, "int" an ECTS count, "state" words.
COLUMNS = (
    (gettext_lazy("Nom"), 22, "text"),
    (gettext_lazy("Prénom"), 18, "text"),
    (gettext_lazy("N° étudiant"), 13, "text"),
    (gettext_lazy("Département"), 13, "text"),
    (gettext_lazy("Option"), 28, "text"),
    (gettext_lazy("Entreprise"), 32, "text"),
    (gettext_lazy("Tuteur école"), 24, "text"),
    (gettext_lazy("Note de conduite /20"), 12, "grade"),
    (gettext_lazy("Note du rapport /20"), 12, "grade"),
    (gettext_lazy("Note du tuteur entreprise /20"), 14, "grade"),
    (gettext_lazy("Note du S9 /20"), 11, "grade"),
    (gettext_lazy("État de la note du S9"), 62, "state"),
    (gettext_lazy("ECTS du S9"), 8, "int"),
    (gettext_lazy("Note du PFE /20"), 11, "grade"),
    (gettext_lazy("ECTS du PFE"), 8, "int"),
    (gettext_lazy("Titre du PFE (supplément au diplôme)"), 48, "text"),
)


def s9_state_text(row):
    """The S9 grade's state in words, as the page and the workbook say it."""
    if row.s9_state == S9State.FINAL:
        return _("définitive, transmise par le tuteur école le %(date)s") % {"date": long_date(row.s9_transmitted_at)}
    if row.s9_state == S9State.NOT_TRANSMITTED:
        return _("complète, pas encore transmise par le tuteur école")
    return _("à venir : il manque %(missing)s") % {"missing": ", ".join(row.s9_missing)}


def grades_workbook(rows, *, title, at):
    """The workbook of ``rows`` (``GradeRow`` values, in the order to show),
    titled ``title`` and dated ``at``. Returns an open temporary file holding
    the .xlsx, positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Notes"))
    for index, (_header, width, _kind) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.row_dimensions[HEADER_ROW].height = 45  # three lines of a wrapped header
    # Printed (or made a PDF): landscape, as wide as the page, the header on each page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    def cell(value, *, font=None, fill=None, number_format=None, alignment=None):
        made = WriteOnlyCell(sheet, value=value)
        if font is not None:
            made.font = font
        if fill is not None:
            made.fill = fill
        if number_format is not None:
            made.number_format = number_format
        if alignment is not None:
            made.alignment = alignment
        return made

    sheet.append([cell(title, font=TITLE_FONT)])
    first = rows[0] if rows else None
    sheet.append([_("Export du %(date)s%(threshold)s. Une note absente est « à venir » : aucune note partielle.") % {
        "date": long_datetime(at),
        "threshold": _(" ; ECTS à partir de %(t)s/20") % {"t": f"{first.threshold:.2f}".replace(".", ",")}
        if first else "",
    }])
    sheet.append([])
    sheet.append([cell(str(header), font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP) for header, _w, _k in COLUMNS])
    for row in rows:
        values = (
            row.last_name, row.first_name, row.student_number, row.department, row.option, row.company, row.tutor,
            row.conduct, row.report, row.appraisal, row.s9_grade, s9_state_text(row), row.s9_ects,
            row.pfe_grade, row.pfe_ects, row.pfe_title,
        )
        line = []
        for value, (_header, _width, kind) in zip(values, COLUMNS):
            if value is None or value == "":
                line.append(None)  # an empty cell costs nothing
            elif kind == "grade":
                line.append(cell(value, number_format=GRADE_FORMAT))
            elif kind == "state":
                line.append(cell(value, alignment=INDENT))  # apart from the grade on its left
            else:
                line.append(value)
        sheet.append(line)
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output
