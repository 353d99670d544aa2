"""The timetable's import (ATT-1): documented columns, row-level French
errors, nothing written unless the whole file is valid, idempotent."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from attendance import imports, services
from attendance.models import Session

pytestmark = pytest.mark.django_db

HEADER = ["Date", "Début", "Fin", "Département", "Module", "Nature", "Enseignant", "Salle", "Options"]


def workbook(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def rows(module, teacher, option):
    return [
        [datetime.date(2026, 10, 5), datetime.time(9), datetime.time(12), "2IA", module.name, "cours", teacher.username,
         "B101", option.name],
        ["06/10/2026", "14:00", "17h30", "2ia", module.name.upper(), "TD", teacher.email, "", ""],
    ]


def test_att_1_import_previews_then_writes_and_is_idempotent(rows, office, year):
    """ATT-1: the preview writes nothing; applying writes the sessions; the
    same file again has nothing to write."""
    data = workbook(rows)
    preview = imports.preview_file(data, by=office)
    assert preview.is_valid and preview.count("new") == 2
    assert not Session.objects.exists()
    imports.import_apply(preview, by=office)
    assert Session.objects.count() == 2
    second = Session.objects.get(date=datetime.date(2026, 10, 6))
    assert (second.kind, second.minutes, second.room) == ("td", 210, "")
    again = imports.preview_file(data, by=office)
    assert again.is_valid and again.count("same") == 2 and not again.to_write


def test_att_1_import_one_bad_row_writes_nothing(rows, office, year):
    """ATT-1: one row in error, in French with its line number, and nothing is written."""
    rows.append(["31/02/2026", "9:00", "8:00", "2IA", "Module inconnu", "amphi", "personne", "", ""])
    preview = imports.preview_file(workbook(rows), by=office)
    assert not preview.is_valid
    errors = preview.rows[2].errors
    assert preview.rows[2].number == 4
    assert "Date illisible : écrivez-la jj/mm/aaaa." in errors
    assert "La fin doit suivre le début." in errors
    assert "Le département 2IA n'a pas de module « Module inconnu »." in errors
    assert "Nature « amphi » inconnue : cours, TD ou projet." in errors
    assert "Aucun enseignant n'a pour identifiant ou e-mail « personne »." in errors
    with pytest.raises(Exception, match="rien n'a été importé"):
        imports.import_apply(preview, by=office)
    assert not Session.objects.exists()


def test_att_1_import_missing_column_and_duplicate_row(rows, office, year):
    """ATT-1: a missing required column is named; a row repeating another's
    natural key is an error."""
    missing = imports.preview_file(workbook([], header=HEADER[:5]), by=office)
    assert missing.error == "Colonnes obligatoires absentes : Nature, Enseignant."
    rows.append(list(rows[0]))
    duplicate = imports.preview_file(workbook(rows), by=office)
    assert duplicate.rows[2].errors == ["Même module, même jour, même heure que la ligne 2."]


def test_att_1_import_cannot_change_a_signed_session(rows, office, teacher, year, students):
    """ATT-1: a row changing a signed session is an error."""
    imports.import_apply(imports.preview_file(workbook(rows), by=office), by=office)
    services.session_sign(session=Session.objects.get(date=datetime.date(2026, 10, 5)), present=[], by=teacher)
    rows[0][2] = datetime.time(11)
    preview = imports.preview_file(workbook(rows), by=office)
    assert preview.rows[0].errors == ["Cette séance est signée : elle ne peut plus être modifiée."]


def test_att_1_import_page_preview_then_confirm(login, office, rows, year):
    """ATT-1: the office's page checks the file, then writes it on confirmation."""
    client = login(office)
    page = client.post("/seances/import/", {"file": SimpleUploadedFile("edt.xlsx", workbook(rows))})
    assert page.status_code == 200 and not Session.objects.exists()
    token = page.context["token"]
    client.post("/seances/import/", {"token": token})
    assert Session.objects.count() == 2
    forged = client.post("/seances/import/", {"token": token + "x"})
    assert forged.status_code == 302 and Session.objects.count() == 2
