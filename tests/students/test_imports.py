"""Import of the scolarité's spreadsheet: the facts ELIG-1…8 read, checked
whole before anything is written, and idempotent."""

import html
import datetime
import io
import os
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from contratpro.accounts import services as accounts
from contratpro.models import Invitation, User
from students import imports
from students.models import Event, InfoMeeting, Student
from students.services import FACT_FIELDS
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = reverse("students:import")
TEMPLATE = reverse("students:import-template")
NOT_A_WORKBOOK = "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."
D = datetime.date


def xlsx(headers, *rows):
    """An in-memory workbook: ``headers`` on row 1, then ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def preview(data):
    return imports.preview_file(io.BytesIO(data))


def upload(data, name="situation.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def lea(year):
    user = factories.UserFactory(first_name="Léa", last_name="Fontaine")
    return factories.StudentFactory(user=user, year=year, student_number="20240001")


@pytest.fixture
def hugo(year):
    user = factories.UserFactory(first_name="Hugo", last_name="Marchand")
    return factories.StudentFactory(user=user, year=year, student_number="20240002")


@pytest.fixture
def ines(year):
    user = factories.UserFactory(first_name="Inès", last_name="Benali")
    return factories.StudentFactory(user=user, year=year, student_number="20240003")


@pytest.fixture
def private_storage(settings, tmp_path):
    """The held files of the preview go to a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


def held_files(folder):
    return sorted(p.name for p in (folder / "imports").glob("*")) if (folder / "imports").exists() else []


RESITS = ["N° étudiant", "Nom", "Rattrapage S6", "Rattrapage S8"]


# The service: preview and apply.


def test_import_sets_resits(lea, hugo, office):
    """The resit columns set each named student's facts, and each
    changed student gets a « students.facts.import » history entry."""
    result = imports.import_apply(
        preview(xlsx(RESITS, ["20240001", "Fontaine", "oui", "non"], ["20240002", "Marchand", "non", "oui"])), by=office
    )
    lea.refresh_from_db()
    hugo.refresh_from_db()
    assert (result.rows, result.changed) == (2, 2)
    assert (lea.resit_s6, lea.resit_s8, hugo.resit_s6, hugo.resit_s8) == (True, False, False, True)
    event = Event.objects.get(student=lea)
    assert (event.verb, event.actor, event.changes) == ("students.facts.import", office, {"resit_s6": [False, True]})


def test_import_preview_lists_the_changes_and_writes_nothing(lea):
    """The preview says, per row, which fact goes from what to what,
    and leaves the database alone."""
    result = preview(xlsx(RESITS, ["20240001", "FONTAINE", "x", ""]))
    assert result.is_valid
    assert [(c.header, c.before, c.after) for c in result.rows[0].changes] == [("Rattrapage S6", "non", "oui")]
    assert result.summary == "1 ligne, 1 élève modifié, aucune erreur"
    lea.refresh_from_db()
    assert not lea.resit_s6
    assert not Event.objects.exists()


def test_import_a_column_absent_from_the_file_leaves_the_fact_unchanged(lea, office):
    """ELIG-2: the file sets only the columns it has; the SIO, absent, stays
    as it was."""
    Student.objects.filter(pk=lea.pk).update(sio_validated=True)
    imports.import_apply(preview(xlsx(["N° étudiant", "TOEIC validé"], ["20240001", "oui"])), by=office)
    lea.refresh_from_db()
    assert (lea.sio_validated, lea.toeic_validated) == (True, True)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("oui", True), ("Non", False), ("O", True), ("n", False), ("vrai", True), ("FAUX", False),
     ("x", True), (1, True), (0, False), ("1", True), ("0", False),
     (True, True), (False, False), ("True", True), ("false", False)],
)
def test_import_booleans_accept_the_usual_spellings(lea, cell, expected):
    """ELIG-8: oui/non, o/n, vrai/faux, x, 1/0 and Excel booleans all read
    (an empty cell is no answer: it leaves the fact as it is)."""
    result = preview(xlsx(["N° étudiant", "Boursier"], ["20240001", cell]))
    assert result.is_valid
    assert result.rows[0].values == {"scholarship_holder": expected}


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_elig_import_an_empty_cell_leaves_the_fact_as_it_is(lea, office, empty):
    """ELIG import (issue 12): the file changes only what it says. Empty
    cells under « Boursier », « Nationalité », a date and the meetings keep
    what the student has: filling some columns of the template resets
    nothing; « non » says no."""
    meeting = InfoMeeting.objects.create(year=lea.year, date=D(2026, 3, 12))
    lea.info_meetings.add(meeting)
    Student.objects.filter(pk=lea.pk).update(
        scholarship_holder=True, nationality="italienne", foreign_national=True, permit_expiry=D(2027, 6, 30))
    result = preview(xlsx(
        ["N° étudiant", "Boursier", "Nationalité", "Fin de validité du titre de séjour",
         "Réunion d'information (date)", "TOEIC validé", "Élève étranger"],
        ["20240001", empty, empty, empty, empty, "oui", "non"]))
    assert result.is_valid, result.all_errors
    assert result.rows[0].values == {"toeic_validated": True, "foreign_national": False}
    imports.import_apply(result, by=office)
    lea.refresh_from_db()
    assert (lea.scholarship_holder, lea.nationality, lea.permit_expiry) == (True, "italienne", D(2027, 6, 30))
    assert (lea.toeic_validated, lea.foreign_national) == (True, False)
    assert list(lea.info_meetings.all()) == [meeting]


def test_elig_import_aucune_clears_a_date_and_the_meetings_but_not_the_nationality(lea, office):
    """ELIG import: « aucune » clears a date or the meetings; the nationality
    cannot be cleared, and says what to write instead."""
    lea.info_meetings.add(InfoMeeting.objects.create(year=lea.year, date=D(2026, 3, 12)))
    Student.objects.filter(pk=lea.pk).update(permit_expiry=D(2027, 6, 30))
    result = preview(xlsx(["N° étudiant", "Fin de validité du titre de séjour", "Réunion d'information (date)"],
                          ["20240001", "aucune", "Aucune"]))
    assert result.is_valid, result.all_errors
    imports.import_apply(result, by=office)
    lea.refresh_from_db()
    assert (lea.permit_expiry, list(lea.info_meetings.all())) == (None, [])
    refused = preview(xlsx(["N° étudiant", "Nationalité"], ["20240001", "aucune"]))
    assert refused.all_errors == [
        "Ligne 2, colonne \"Nationalité\" : la nationalité ne s'efface pas : écrivez-la en toutes lettres "
        "(par exemple « française »), ou laissez la case vide pour la garder."
    ]


def test_elig_import_the_template_headers_carry_their_notes():
    """ELIG import: each header of the template carries a note saying what
    the column takes and that an empty cell changes nothing."""
    sheet = load_workbook(io.BytesIO(imports.template_workbook()))["Élèves"]
    notes = {cell.value: cell.comment.text for cell in sheet[1]}
    assert list(notes) == [c.header for c in imports.COLUMNS]
    assert notes["Boursier"].startswith("Oui / non ; vide : inchangé.")
    assert "vide : inchangé" in notes["Fin de validité du titre de séjour"]
    assert notes["N° étudiant"].endswith("Obligatoire.")


def test_import_an_unclear_boolean_is_a_row_error(lea, hugo, ines):
    """ELIG-8: a value that is neither yes nor no is reported with its row
    number and column, in French."""
    result = preview(xlsx(["N° étudiant", "Boursier"], ["20240001", "non"], ["20240002", "oui"],
                          ["20240003", "peut-être"]))
    assert result.all_errors == ['Ligne 4, colonne "Boursier" : "peut-être" n\'est ni oui ni non.']


def test_import_dates_read_from_excel_dates_and_from_text(lea, hugo, office):
    """ELIG-6: a permit's expiry reads from a real Excel date and from
    « jj/mm/aaaa » text."""
    headers = ["N° étudiant", "Élève étranger", "Titre de séjour autorisant le travail", "Fin de validité du titre de séjour"]
    data = xlsx(headers, ["20240001", "oui", "oui", datetime.datetime(2028, 9, 30)], ["20240002", "oui", "oui", "30/06/2027"])
    imports.import_apply(preview(data), by=office)
    lea.refresh_from_db()
    hugo.refresh_from_db()
    assert (lea.permit_expiry, hugo.permit_expiry) == (D(2028, 9, 30), D(2027, 6, 30))


def test_import_a_malformed_date_is_a_row_error(lea):
    """ELIG-6: « 31/02/2027 » is no date: the row is refused with a French message."""
    result = preview(xlsx(["N° étudiant", "Fin de validité du titre de séjour"], ["20240001", "31/02/2027"]))
    assert result.all_errors == [
        'Ligne 2, colonne "Fin de validité du titre de séjour" : "31/02/2027" n\'est pas une date au format jj/mm/aaaa.'
    ]


def test_import_links_the_info_meeting_of_the_students_year(lea, office):
    """ELIG-1: the meeting date links the student to that meeting of their
    year; attendance at another year's meeting is kept."""
    older = factories.AcademicYearFactory(start_year=2025)
    old_meeting = InfoMeeting.objects.create(year=older, date=D(2025, 3, 13))
    meeting = InfoMeeting.objects.create(year=lea.year, date=D(2026, 3, 12))
    lea.info_meetings.add(old_meeting)
    result = preview(xlsx(["N° étudiant", "Réunion d'information (date)"], ["20240001", "12/03/2026"]))
    assert [(c.before, c.after) for c in result.rows[0].changes] == [("—", "12/03/2026")]
    imports.import_apply(result, by=office)
    assert set(lea.info_meetings.all()) == {old_meeting, meeting}
    assert Event.objects.get(student=lea).changes["info_meetings"] == [[old_meeting.pk], sorted([old_meeting.pk, meeting.pk])]


def test_import_a_meeting_date_with_no_meeting_is_a_row_error(lea):
    """ELIG-1: a date on which the student's year held no meeting is refused."""
    InfoMeeting.objects.create(year=lea.year, date=D(2026, 3, 12))
    result = preview(xlsx(["N° étudiant", "Réunion d'information (date)"], ["20240001", D(2026, 3, 13)]))
    assert result.all_errors == [
        'Ligne 2, colonne "Réunion d\'information (date)" : aucune réunion d\'information le 13/03/2026 pour '
        "l'année 2026/2027 : créez-la d'abord ou corrigez la date."
    ]


def test_import_double_diploma_without_home_institution_is_refused_at_preview(lea):
    """ELIG-7: the model's rule (a double-diploma student names their home
    institution) is checked in the preview, not discovered while writing."""
    result = preview(xlsx(["N° étudiant", "Double diplôme entrant"], ["20240001", "oui"]))
    assert result.all_errors == ["Ligne 2 : Indiquez l'établissement d'origine d'un élève en double diplôme."]


def test_import_records_the_home_institutions_approval(lea, office):
    """ELIG-7: double diploma, home institution and approval date import together."""
    headers = ["N° étudiant", "Double diplôme entrant", "Établissement d'origine", "Accord établissement d'origine (date)"]
    imports.import_apply(preview(xlsx(headers, ["20240001", "oui", "Politecnico di Torino", "15/06/2026"])), by=office)
    lea.refresh_from_db()
    assert (lea.double_diploma_incoming, lea.home_institution, lea.home_approval_date) == (
        True, "Politecnico di Torino", D(2026, 6, 15))


def test_auth_1_an_unknown_student_number_without_who_they_are_is_a_row_error(lea):
    """An unknown number creates a student only with their name, e-mail and
    department: without them, an error naming the row and the columns."""
    result = preview(xlsx(RESITS, ["E123", "", "oui", ""]))
    assert result.all_errors == ["Ligne 2 : N° étudiant E123 inconnu. Pour créer cet élève, renseignez aussi "
                                 "« Nom », « Prénom », « E-mail », « Département »."]
    assert Student.objects.count() == 1


def test_import_a_name_that_does_not_match_the_number_is_a_row_error(lea, hugo):
    """The « Nom » column guards against a wrong number; case and
    accents do not count as a difference."""
    result = preview(xlsx(RESITS, ["20240001", "fontaine", "oui", ""], ["20240002", "Fontaine", "oui", ""]))
    assert result.all_errors == [
        'Ligne 3, colonne "Nom" : « Fontaine » ne correspond pas au nom de l\'élève (Marchand) : vérifiez le N° étudiant.'
    ]


def test_import_student_numbers_typed_as_numbers_are_found(lea):
    """Excel often stores a student number as a number."""
    result = preview(xlsx(RESITS, [20240001, "Fontaine", "oui", ""]))
    assert result.is_valid
    assert result.rows[0].student == lea


# A bad row among good ones, a malformed file, a re-import.


def test_import_a_bad_row_among_good_ones_writes_nothing(lea, hugo, ines, office):
    """One bad row blocks the whole file: the preview names it, the
    import refuses, and the good rows are not written either."""
    result = preview(xlsx(RESITS, ["20240001", "Fontaine", "oui", ""], ["20240002", "Marchand", "peut-être", ""],
                          ["20240003", "Benali", "", "oui"]))
    assert [row.number for row in result.rows if row.errors] == [3]
    assert result.summary == "3 lignes, 2 élèves modifiés, 1 erreur"
    with pytest.raises(ValidationError, match="Ce fichier comporte des erreurs : corrigez-les"):
        imports.import_apply(result, by=office)
    assert not Student.objects.filter(resit_s6=True).exists()
    assert not Student.objects.filter(resit_s8=True).exists()
    assert not Event.objects.exists()


def test_import_reimporting_the_same_file_changes_nothing(lea, hugo, office):
    """ELIG-1: a second import of the same file finds nothing to
    change and writes no history entry."""
    InfoMeeting.objects.create(year=lea.year, date=D(2026, 3, 12))
    data = xlsx([*RESITS, "Fin de validité du titre de séjour", "Réunion d'information (date)"],
                ["20240001", "Fontaine", "oui", "", "30/06/2027", "12/03/2026"],
                ["20240002", "Marchand", "", "oui", None, ""])
    assert imports.import_apply(preview(data), by=office).changed == 2
    events = list(Event.objects.values_list("pk", flat=True))
    again = preview(data)
    assert (again.is_valid, again.changed_rows, again.summary) == (True, [], "2 lignes, aucun élève modifié, aucune erreur")
    assert imports.import_apply(again, by=office).changed == 0
    assert list(Event.objects.values_list("pk", flat=True)) == events


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"N\xc2\xb0 \xc3\xa9tudiant;Boursier\n20240001;oui\n", id="text"),
        pytest.param(b"<!doctype html><html><body><table><tr><td>20240001</td></tr></table></body></html>", id="html"),
        pytest.param(b"PK\x03\x04 broken zip", id="truncated-zip"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, id="xls-or-encrypted"),
    ],
)
def test_import_a_file_that_is_not_a_workbook_is_refused_in_french(lea, data):
    """Text, HTML or an old binary file named .xlsx is refused, by
    its content, with one French message."""
    result = preview(data)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(NOT_A_WORKBOOK)
    assert result.rows == []


def test_import_a_zip_that_holds_no_workbook_is_refused(lea):
    """A zip (a .docx, say) is not a workbook."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    assert preview(archive.getvalue()).errors[0].startswith(NOT_A_WORKBOOK)


def test_import_missing_student_number_header_is_a_file_error(lea):
    """Without the « N° étudiant » column nothing can be matched."""
    result = preview(xlsx(["Nom", "Boursier"], ["Fontaine", "oui"]))
    assert result.errors == [
        "La colonne obligatoire « N° étudiant » manque : la ligne 1 doit porter les en-têtes, dont « N° étudiant »."
    ]
    assert not result.is_valid


def test_import_an_unknown_header_is_a_file_error(lea):
    """A column the import does not know is refused rather than
    ignored, naming its letter."""
    result = preview(xlsx(["N° étudiant", "Boursier", "Stage 3A"], ["20240001", "oui", "oui"]))
    assert result.errors == [
        "Colonne C : l'en-tête « Stage 3A » n'est pas une colonne connue. Corrigez-le (les colonnes acceptées "
        "sont décrites sur la page d'import) ou supprimez la colonne."
    ]


def test_import_headers_match_without_accents_or_case(lea):
    """« n° ETUDIANT » and « eleve etranger » name known columns."""
    result = preview(xlsx(["n° ETUDIANT", "eleve etranger"], ["20240001", "non"]))
    assert result.is_valid
    assert result.rows[0].values == {"foreign_national": False}


def test_import_a_repeated_student_number_is_a_file_error(lea):
    """Two rows for one student would make the result depend on
    their order: refused."""
    result = preview(xlsx(RESITS, ["20240001", "", "oui", ""], ["20240001", "", "non", ""]))
    assert result.errors == ["Le N° étudiant 20240001 figure sur plusieurs lignes (2, 3) : gardez-en une seule."]


def test_import_an_empty_sheet_is_a_file_error(lea):
    """An empty first sheet, or headers with no row, import nothing."""
    assert preview(xlsx([])).errors == [
        "La première feuille du classeur est vide : la ligne 1 doit porter les en-têtes des colonnes."
    ]
    assert preview(xlsx(RESITS)).errors == [
        "Aucun élève sous la ligne d'en-têtes : le fichier ne contient rien à importer."
    ]


def test_import_too_many_rows_is_a_file_error(lea, monkeypatch):
    """Past the row cap the file is refused as a whole."""
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    result = preview(xlsx(RESITS, *[[f"2024000{i}", "", "", ""] for i in range(1, 4)]))
    assert result.errors == ["Ce fichier compte plus de 2 lignes : découpez-le en plusieurs fichiers."]


def test_import_a_file_over_the_size_cap_is_refused(lea, monkeypatch):
    """Past the size cap, the file is not even opened."""
    monkeypatch.setattr(imports, "MAX_BYTES", 1024 * 1024)
    result = preview(b"PK\x03\x04" + b"\0" * (1024 * 1024))
    assert result.errors == ["Ce fichier dépasse 1 Mo : découpez-le en plusieurs fichiers."]


def test_role_2_only_the_office_may_apply_an_import(lea):
    """The facts are the office's to set (ROLE-2)."""
    student_user = lea.user
    with pytest.raises(PermissionDenied, match="Seul le service Contrats pro importe"):
        imports.import_apply(preview(xlsx(RESITS, ["20240001", "", "oui", ""])), by=student_user)
    lea.refresh_from_db()
    assert not lea.resit_s6


def test_import_every_eligibility_fact_has_a_column():
    """ELIG-1…8: every fact the office may set can come from the file, plus
    the information meeting."""
    assert {c.field for c in imports.FACT_COLUMNS} == set(FACT_FIELDS)
    assert "info_meetings" in {c.field for c in imports.COLUMNS}


def test_import_preview_query_count_does_not_grow_with_rows(year, django_assert_num_queries):
    """The preview reads students and meetings in a fixed number of
    queries, for 2 rows as for 20."""
    InfoMeeting.objects.create(year=year, date=D(2026, 3, 12))
    students = [factories.StudentFactory(year=year, student_number=f"N{i:03d}") for i in range(20)]
    headers = ["N° étudiant", "Nom", "Boursier", "Réunion d'information (date)"]
    for count in (2, 20):
        data = xlsx(headers, *[[s.student_number, s.user.last_name, "oui", "12/03/2026"] for s in students[:count]])
        # 1 students (with user, year, option), 2 their meetings (prefetch), 3 meetings of their years
        with django_assert_num_queries(3):
            assert preview(data).is_valid


# The template workbook.


def test_import_template_has_the_documented_columns_and_a_help_sheet(login, office):
    """The downloadable template's first row holds every column, and
    its « Aide » sheet documents each one."""
    response = login(office).get(TEMPLATE)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Élèves", "Aide"]
    assert [c.value for c in next(workbook["Élèves"].iter_rows(max_row=1))] == [c.header for c in imports.COLUMNS]
    documented = [row[0] for row in workbook["Aide"].iter_rows(min_row=2, max_row=len(imports.COLUMNS) + 1, values_only=True)]
    assert documented == [c.header for c in imports.COLUMNS]


def test_import_the_filled_template_imports(lea, office):
    """The template, filled in, is a valid import file."""
    workbook = load_workbook(io.BytesIO(imports.template_workbook()))
    sheet = workbook["Élèves"]
    sheet.append(["20240001", "Fontaine", "oui", "oui"] + [""] * (len(imports.COLUMNS) - 5) + [None])
    sheet.cell(row=2, column=[c.header for c in imports.COLUMNS].index("Nationalité") + 1, value="française")
    output = io.BytesIO()
    workbook.save(output)
    result = preview(output.getvalue())
    assert result.errors == []
    assert result.is_valid


# The pages.


def test_role_2_office_gets_the_import_page(login, office):
    """ROLE-2: the office sees what the import does, its columns and the template link."""
    response = login(office).get(PAGE)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Importer la situation des élèves" in content
    assert "Rattrapage menaçant le passage en 3A" in content
    assert TEMPLATE in content


@pytest.mark.parametrize("who", ["student", "department_head", "teacher"])
@pytest.mark.parametrize("url", [PAGE, TEMPLATE])
def test_role_9_only_the_office_reaches_the_import(login, lea, who, url):
    """ROLE-9: a student, a department head or a teacher gets 403 on the
    page and on the template."""
    if who == "student":
        user = lea.user
    elif who == "department_head":
        user = factories.UserFactory(groups=["Enseignants"])
        department = factories.department("2IA")
        department.head = user
        department.save()
    else:
        user = factories.UserFactory(groups=["Enseignants"])
    client = login(user)
    assert client.get(url).status_code == 403
    assert client.post(PAGE, {"file": upload(xlsx(RESITS, ["20240001", "", "oui", ""]))}).status_code == 403
    lea.refresh_from_db()
    assert not lea.resit_s6


def test_role_9_anonymous_visitors_are_sent_to_login(client):
    """ROLE-9: the import page needs an account."""
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_import_upload_preview_confirm_through_the_pages(login, office, lea, hugo, private_storage):
    """Upload shows the preview and a confirmation button; the
    confirmation applies the held file, deletes it and reports counts."""
    client = login(office)
    response = client.post(PAGE, {"file": upload(xlsx(RESITS, ["20240001", "Fontaine", "oui", ""],
                                                           ["20240002", "Marchand", "", ""]))})
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 lignes, 1 élève modifié, aucune erreur" in content
    assert "Confirmer l'import" in content
    lea.refresh_from_db()
    assert not lea.resit_s6
    assert len(held_files(private_storage)) == 1
    response = client.post(PAGE, {"token": response.context["token"]}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Import terminé : 2 lignes lues, 1 élève modifié." in response.content.decode()
    lea.refresh_from_db()
    assert lea.resit_s6
    assert held_files(private_storage) == []
    assert Event.objects.filter(verb="students.facts.import").count() == 1


def test_import_a_tampered_token_is_refused(login, office, lea, private_storage):
    """The confirmation's token is signed; altered, it is refused
    in French and nothing is written."""
    client = login(office)
    response = client.post(PAGE, {"file": upload(xlsx(RESITS, ["20240001", "", "oui", ""]))})
    token = response.context["token"]
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    response = client.post(PAGE, {"token": tampered})
    assert response.status_code == 400
    assert "Cette confirmation n&#x27;est pas valide ou a expiré : déposez à nouveau le fichier." in response.content.decode()
    lea.refresh_from_db()
    assert not lea.resit_s6


def test_import_another_users_token_is_refused(login, office, lea, private_storage):
    """A token is bound to the person who previewed the file."""
    token = login(office).post(PAGE, {"file": upload(xlsx(RESITS, ["20240001", "", "oui", ""]))}).context["token"]
    colleague = factories.UserFactory(groups=["Service Contrats Pro"])
    response = login(colleague).post(PAGE, {"token": token})
    assert response.status_code == 400
    lea.refresh_from_db()
    assert not lea.resit_s6


def test_import_an_html_file_uploaded_as_xlsx_gets_the_french_error(login, office, lea, private_storage):
    """An HTML page renamed .xlsx gets the French message, never a
    server error, and nothing is held for confirmation."""
    response = login(office).post(PAGE, {"file": upload(b"<html><body>20240001</body></html>", name="eleves.xlsx")})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas un classeur Excel (.xlsx) lisible." in content
    assert "Confirmer l'import" not in content
    assert held_files(private_storage) == []


def test_import_a_file_with_errors_offers_no_confirmation(login, office, lea, hugo, private_storage):
    """The page lists the bad row and offers no confirmation."""
    response = login(office).post(PAGE, {"file": upload(xlsx(RESITS, ["20240001", "", "oui", ""],
                                                                  ["20240002", "", "peut-être", ""]))})
    content = response.content.decode()
    assert 'Ligne 3, colonne &quot;Rattrapage S6&quot; : &quot;peut-être&quot; n&#x27;est ni oui ni non.' in content
    assert "Confirmer l'import" not in content
    assert response.context["token"] == ""
    assert held_files(private_storage) == []


def test_import_a_file_that_changes_nothing_says_so(login, office, lea, private_storage):
    """Re-uploading data the portal already holds says there is
    nothing to import."""
    response = login(office).post(PAGE, {"file": upload(xlsx(RESITS, ["20240001", "Fontaine", "non", "non"]))})
    assert "Aucune modification : le portail contient déjà les données de ce fichier." in response.content.decode()
    assert held_files(private_storage) == []


def test_import_posting_no_file_asks_for_one(login, office):
    """The form without a file answers 400 with the field's error."""
    response = login(office).post(PAGE, {})
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["Ce champ est obligatoire."]}


def test_import_held_files_of_expired_previews_are_purged(login, office, lea, private_storage):
    """A preview never confirmed leaves its file; the next upload
    removes those older than the token's lifetime."""
    stale = private_storage / "imports" / ("0" * 32 + ".xlsx")
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    two_hours_ago = datetime.datetime.now().timestamp() - 2 * 3600
    os.utime(stale, (two_hours_ago, two_hours_ago))
    login(office).post(PAGE, {"file": upload(xlsx(RESITS, ["20240001", "", "oui", ""]))})
    assert len(held_files(private_storage)) == 1
    assert not stale.exists()


def test_import_a_sheet_running_past_the_scanned_rows_is_refused(lea, monkeypatch):
    """Rows far below the data are not silently dropped: past the
    scanned rows, the file is refused."""
    monkeypatch.setattr(imports, "MAX_SCANNED_ROWS", 5)
    workbook = Workbook()
    workbook.active.append(RESITS)
    workbook.active.append(["20240001", "", "oui", ""])
    workbook.active.cell(row=8, column=1, value="20240002")
    output = io.BytesIO()
    workbook.save(output)
    assert preview(output.getvalue()).errors == [
        "La feuille s'étend au-delà de la ligne 5 : supprimez les lignes vides sous les données ou découpez le fichier."
    ]


# AUTH-1: the accounts of the students the scolarité's file creates.

NEW = ["N° étudiant", "Nom", "Prénom", "E-mail", "Département", "Option", "Rattrapage S8"]
INVITE_LINK = "/invitation/"


def test_auth_1_import_creates_a_student_and_invites_their_account(year, office, django_capture_on_commit_callbacks,
                                                                   mailoutbox):
    """An unknown number with who they are: a student of the current year,
    an account named by the e-mail with no usable password, an invitation."""
    checked = preview(xlsx(NEW, ["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "2ia",
                                 "Ingénierie logicielle", "oui"]))
    assert checked.is_valid, checked.all_errors
    assert checked.rows[0].changes[0].after == "Inès Morel, ines.morel@mines-ales.fr, 2IA – Ingénierie logicielle ; " \
                                               "invitation envoyée"
    assert not Student.objects.filter(student_number="20249999").exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = imports.import_apply(checked, by=office)
    assert (result.created, result.changed) == (1, 0)
    student = Student.objects.select_related("user", "option").get(student_number="20249999")
    assert (student.year, student.department.code, student.option.name, student.resit_s8) == (
        year, "2IA", "Ingénierie logicielle", True)
    assert student.user.username == "ines.morel@mines-ales.fr"
    assert not student.user.has_usable_password()
    assert Invitation.objects.filter(user=student.user, used_at__isnull=True).count() == 1
    assert [m.to for m in mailoutbox] == [["ines.morel@mines-ales.fr"]]
    assert INVITE_LINK in mailoutbox[0].body
    assert Event.objects.filter(student=student, verb=imports.CREATE_VERB).count() == 1


def test_auth_1_import_links_an_existing_account_holding_the_email(year, office, django_capture_on_commit_callbacks,
                                                                  mailoutbox):
    """An account the office created by hand (no student record) is linked,
    not duplicated; its pending invitation is not sent again."""
    user = accounts.person_create(first_name="Inès", last_name="Morel", email="Ines.Morel@mines-ales.fr", by=office)
    sent = len(mailoutbox)
    checked = preview(xlsx(NEW, ["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "ECOMAP", "", ""]))
    assert checked.rows[0].user == user
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_apply(checked, by=office)
    assert Student.objects.get(student_number="20249999").user == user
    assert len(mailoutbox) == sent


def test_auth_1_import_creating_students_twice_changes_nothing(year, office, django_capture_on_commit_callbacks,
                                                              mailoutbox):
    data = xlsx(NEW, ["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "2IA", "", "oui"])
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_apply(preview(data), by=office)
    again = preview(data)
    assert again.is_valid and again.changed_rows == []
    with django_capture_on_commit_callbacks(execute=True):
        result = imports.import_apply(again, by=office)
    assert (result.created, result.changed) == (0, 0)
    assert Student.objects.filter(student_number="20249999").count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(("row", "message"), [
    (["20249999", "Morel", "Inès", "pas-une-adresse", "2IA", "", ""],
     "Ligne 2, colonne « E-mail » : « pas-une-adresse » n'est pas une adresse e-mail valide."),
    (["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "XYZ", "", ""],
     "Ligne 2, colonne « Département » : aucun département de code « XYZ »."),
    (["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "2IA", "Cuisine", ""],
     "Ligne 2, colonne « Option » : le département 2IA n'a pas d'option « Cuisine »."),
])
def test_auth_1_import_new_student_row_errors_are_french(year, row, message):
    checked = preview(xlsx(NEW, row))
    assert checked.all_errors == [message]


def test_auth_1_import_an_email_already_a_students_is_an_error(lea):
    checked = preview(xlsx(NEW, ["20249999", "Morel", "Inès", lea.user.email, "2IA", "", ""]))
    assert len(checked.all_errors) == 1
    assert f"{lea.user.email} est déjà l'adresse de l'élève Léa Fontaine (N° étudiant 20240001)" in \
        checked.all_errors[0]


def test_auth_1_import_a_known_students_other_email_is_an_error(lea):
    checked = preview(xlsx(NEW, ["20240001", "Fontaine", "", "autre@mines-ales.fr", "", "", ""]))
    assert len(checked.all_errors) == 1
    assert "« autre@mines-ales.fr » n'est pas l'adresse du compte de l'élève" in checked.all_errors[0]


def test_auth_1_import_a_bad_new_row_writes_no_account(lea, office, mailoutbox):
    users = User.objects.count()
    checked = preview(xlsx(NEW, ["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "2IA", "", "oui"],
                           ["20249998", "Roux", "Paul", "paul.roux@mines-ales.fr", "XYZ", "", ""]))
    with pytest.raises(ValidationError):
        imports.import_apply(checked, by=office)
    assert User.objects.count() == users and mailoutbox == []


def test_auth_1_import_page_previews_and_creates_a_student(year, office, login, private_storage,
                                                          django_capture_on_commit_callbacks, mailoutbox):
    client = login(office)
    data = xlsx(NEW, ["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "2IA", "", "oui"])
    response = client.post(PAGE, {"file": upload(data)})
    body = response.content.decode()
    assert "MOREL Inès" in body and "1 élève créé" in body
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"token": token}, follow=True)
    assert "Import terminé : 1 ligne lue, 1 élève créé, aucun élève modifié." in response.content.decode()
    assert mailoutbox[0].body.count("http://testserver/invitation/") == 1


def test_auth_1_import_never_makes_a_student_of_an_account_that_set_the_email_itself(year, office, mailoutbox):
    """The attack (AUTH-1): an account whose login is not its e-mail put a
    new student's address on itself; the scolarité's row must not turn it
    into that student: a French row error, no student, no mail."""
    intruder = factories.UserFactory(username="demo", email="ines.morel@mines-ales.fr")
    checked = preview(xlsx(NEW, ["20249999", "Morel", "Inès", "ines.morel@mines-ales.fr", "2IA", "", ""]))
    assert checked.all_errors == [
        "Ligne 2, colonne « E-mail » : l'adresse ines.morel@mines-ales.fr est déjà portée par le compte « demo », "
        "dont l'identifiant de connexion n'est pas cette adresse : l'import ne le relie pas à cet élève. Le service "
        "Contrats pro vérifie ce compte sur la page Personnes (et corrige son adresse si elle n'est pas la sienne)."]
    with pytest.raises(ValidationError):
        imports.import_apply(checked, by=office)
    assert not Student.objects.filter(user=intruder).exists() and mailoutbox == []


def test_auth_1_import_a_superusers_address_is_a_row_error_not_a_403(year, office, login, private_storage):
    """B2: linking a superuser's account would invite it at apply, which the
    office may not do: a row error at preview instead."""
    factories.UserFactory(username="marc.granier@mines-ales.fr", email="marc.granier@mines-ales.fr",
                          is_superuser=True, password="!")
    data = xlsx(NEW, ["20249999", "Granier", "Marc", "marc.granier@mines-ales.fr", "2IA", "", ""])
    response = login(office).post(PAGE, {"file": upload(data)})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert ("Ligne 2, colonne « E-mail » : le compte de marc.granier@mines-ales.fr est celui d'un superutilisateur "
            "ou d'un administrateur : l'import ne le relie pas à un élève.") in body
    assert 'name="token"' not in body


@pytest.mark.parametrize(("row", "message"), [
    (["20249999", "d'Arc", "Jeanne", "jeanne.d'arc@mines-ales.fr", "2IA", "", ""],
     "Ligne 2, colonne « E-mail » : « jeanne.d'arc@mines-ales.fr » ne peut pas servir d'identifiant de connexion : "
     "seuls les lettres, les chiffres et les signes . @ + - _ y sont admis (pas d'apostrophe ni d'espace)."),
    (["20249999", "Morel", "Inès", "i" * 140 + "@mines-ales.fr", "2IA", "", ""],
     "Ligne 2, colonne « E-mail » : au plus 150 caractères : cette adresse est trop longue pour servir "
     "d'identifiant de connexion."),
    (["20249999", "-Morel", "Inès", "ines.morel@mines-ales.fr", "2IA", "", ""],
     "Ligne 2, colonne « Nom » : un nom ne commence pas par « = », « + », « - » ni « @ »."),
])
def test_auth_1_import_an_address_or_name_that_would_fail_at_apply_is_a_row_error(year, row, message):
    """B3 and the exports' formulas: refused at preview, in French."""
    assert preview(xlsx(NEW, row)).all_errors == [message]


def test_auth_1_import_an_email_for_a_known_student_is_checked_at_preview(lea, office):
    """A known student's account without an e-mail gets the file's, unless
    another account holds it or the account is an admin's: French row
    errors at preview rather than a refusal at apply."""
    User.objects.filter(pk=lea.user_id).update(email="")
    factories.UserFactory(username="autre", email="lea.fontaine@mines-ales.fr")
    row = ["20240001", "Fontaine", "", "lea.fontaine@mines-ales.fr", "", "", ""]
    assert preview(xlsx(NEW, row)).all_errors == [
        "Ligne 2, colonne « E-mail » : lea.fontaine@mines-ales.fr est déjà l'adresse du compte « autre » ; corrigez "
        "le fichier, ou demandez au service Contrats pro de vérifier ces comptes."]
    User.objects.filter(pk=lea.user_id).update(is_staff=True)
    row[3] = "lea.f@mines-ales.fr"
    checked = imports.preview_file(io.BytesIO(xlsx(NEW, row)), by=office)
    assert checked.all_errors == [
        "Ligne 2, colonne « E-mail » : le compte de cet élève est celui d'un superutilisateur ou d'un "
        "administrateur : seul un superutilisateur lui donne une adresse."]
    User.objects.filter(pk=lea.user_id).update(is_staff=False)
    checked = imports.preview_file(io.BytesIO(xlsx(NEW, row)), by=office)
    assert checked.is_valid and [c.after for c in checked.rows[0].changes] == ["lea.f@mines-ales.fr"]
    imports.import_apply(checked, by=office)
    lea.user.refresh_from_db()
    assert lea.user.email == "lea.f@mines-ales.fr"
