"""The grades sent to the scolarité (ROLE-8, EVAL-1…3, PFE-1, DOC-2,
DATA-4): the workbook read back with openpyxl, the transmission recorded
with its lines and events, the scolarité's read-only page."""

import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conventions.dossier import steps
from conventions.fiche import services as fiche
from grading.pfe import services as pfe
from grading.pfe.models import FichePfeReview
from grading.s9 import services as s9
from grading.s9.models import S9Year
from grading.transmission import services
from grading.transmission.excel import grades_workbook
from grading.transmission.models import S9State, ScolariteTransmission, TransmittedGrade
from students.models import Department, Event
from tests import factories

D = Decimal


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tuteur-tr", first_name="Julien", last_name="Bastide", groups=["Enseignants"])


@pytest.fixture
def scolarite(db):
    return factories.UserFactory(username="scol", first_name="Karine", last_name="Vidal", groups=["Scolarité"])


def a_dossier(year, tutor, last_name="Fabre", department="2IA"):
    dossier = factories.DossierFactory(
        student__year=year, tuteur_ecole=tutor, student__user__last_name=last_name,
        student__department=factories.department(department),
    )
    steps.steps_sync(dossier)
    return dossier


def graded(dossier, tutor, report, appraisal, *, transmit=True):
    """The report and the appraisal graded; the conduct grade is 0 (no step
    scored), so the S9 grade is 0.4 × report + 0.4 × appraisal."""
    s9.report_grade_set(dossier=dossier, grade=D(report), by=tutor)
    s9.appraisal_from_paper(dossier=dossier, grade=D(appraisal), by=tutor)
    if transmit:
        s9.s9_transmit(dossier=dossier, by=tutor)
    return dossier


def sheet_rows(handle):
    """``{last name: {header: value}}`` of a workbook, as openpyxl reads it back."""
    workbook = load_workbook(handle, read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    headers = rows[3]
    width = len(headers)
    return {row[0]: dict(zip(headers, tuple(row) + (None,) * (width - len(row)))) for row in rows[4:] if row and row[0]}


def export(year, department=None):
    rows = list(services.grade_rows(services.scope_dossiers(year, department)))
    from django.utils import timezone

    return sheet_rows(grades_workbook(rows, title="Notes", at=timezone.now()))


# --- EVAL-3, EVAL-1: the S9 columns --------------------------------------------------

def test_eval_3_ects_at_the_exact_threshold_and_one_hundredth_below(year, tutor):
    """EVAL-3: 10,00/20 earns the S9's 10 ECTS; 9,99 earns 0 — read back
    from the workbook, as numbers with two decimals."""
    graded(a_dossier(year, tutor, "Atseuil"), tutor, "12.50", "12.50")  # 0.4 × 12.5 + 0.4 × 12.5 = 10.00
    graded(a_dossier(year, tutor, "Dessous"), tutor, "12.49", "12.49")  # 9.992 → 9.99
    rows = export(year)
    assert rows["Atseuil"]["Note du S9 /20"] == 10 and rows["Atseuil"]["ECTS du S9"] == 10
    assert rows["Dessous"]["Note du S9 /20"] == pytest.approx(9.99) and rows["Dessous"]["ECTS du S9"] == 0


def test_eval_3_the_years_own_threshold(year, tutor):
    """EVAL-3 (configurable): with a 12/20 threshold, 11,99 earns nothing, 12,00 the 10 ECTS."""
    S9Year.objects.create(year=year, ects_threshold=D("12"))
    graded(a_dossier(year, tutor, "Douze"), tutor, "15", "15")  # 12.00
    graded(a_dossier(year, tutor, "Onze"), tutor, "14.99", "14.98")  # 11.988 → 11.99
    rows = export(year)
    assert rows["Douze"]["ECTS du S9"] == 10 and rows["Onze"]["ECTS du S9"] == 0


def test_eval_3_the_grade_cells_are_numbers_with_two_decimals(year, tutor):
    """Numbers, not text: the scolarité sums and sorts them; « 0.00 » shows 14,20 in French."""
    graded(a_dossier(year, tutor, "Nombre"), tutor, "16", "19.50")
    rows = list(services.grade_rows(services.scope_dossiers(year, None)))
    from django.utils import timezone

    workbook = load_workbook(grades_workbook(rows, title="Notes", at=timezone.now()))
    sheet = workbook.active
    headers = [c.value for c in sheet[4]]
    cell = sheet.cell(row=5, column=headers.index("Note du S9 /20") + 1)
    assert isinstance(cell.value, float) and cell.number_format == "0.00" and cell.value == pytest.approx(14.2)
    assert sheet.freeze_panes == "A5"


def test_eval_1_a_provisional_grade_says_a_venir_never_a_number(year, tutor):
    """EVAL-1: with the appraisal missing, the S9 cell is empty (no weighted
    part such as 5,60) and the state says « à venir » and what is missing."""
    dossier = a_dossier(year, tutor, "Partiel")
    s9.report_grade_set(dossier=dossier, grade=D("14"), by=tutor)
    row = export(year)["Partiel"]
    assert row["Note du S9 /20"] is None and row["ECTS du S9"] is None
    assert row["État de la note du S9"] == "à venir : il manque la note du tuteur entreprise"
    assert row["Note du rapport /20"] == 14


def test_role_8_the_rows_name_the_student_and_the_tutor(year, tutor):
    """ROLE-8: name, number, department, company and tuteur école in words;
    a dossier without a tuteur école has an empty cell (never « None »)."""
    named = a_dossier(year, tutor, "Nomme")
    unnamed = a_dossier(year, None, "Sanstuteur")
    rows = export(year)
    assert rows["Nomme"]["Tuteur école"] == "Julien Bastide" and rows["Sanstuteur"]["Tuteur école"] is None
    assert rows["Nomme"]["N° étudiant"] == named.student.student_number and rows["Nomme"]["Département"] == "2IA"
    assert rows["Sanstuteur"]["Entreprise"] == unnamed.company.name


def test_eval_2_a_complete_grade_not_transmitted_by_the_tutor_has_no_number(year, tutor):
    """EVAL-2, ROLE-4: a complete grade its tuteur école has not transmitted
    may still change without a reason: its parts go, not the grade."""
    graded(a_dossier(year, tutor, "Attente"), tutor, "14", "15", transmit=False)
    row = export(year)["Attente"]
    assert row["Note du S9 /20"] is None and row["ECTS du S9"] is None
    assert row["État de la note du S9"] == "complète, pas encore transmise par le tuteur école"
    assert row["Note du tuteur entreprise /20"] == 15


def test_eval_1_the_export_reads_the_grade_the_s9_subject_computes(year, tutor, office):
    """EVAL-1, SCORE-3: the export's S9 grade, read from tuples for speed, is
    the one ``grades_for`` computes from the dossiers (steps scored too)."""
    from conventions.dossier.models import Dossier
    from grading.scoring import bareme_for, score_set

    dossier = graded(a_dossier(year, tutor, "Memenote"), tutor, "13.25", "16.75")
    bareme = bareme_for(year)
    for row in dossier.steps.all():
        if bareme[row.code].counted:
            score_set(dossier=dossier, step=row.code, points=1, by=office)
    expected = s9.grades_for(Dossier.objects.filter(pk=dossier.pk).select_related("year", "s9_evaluation")
                             .prefetch_related("steps", "scores"))[dossier.pk]
    (row,) = services.grade_rows(services.scope_dossiers(year, None))
    assert (row.conduct, row.s9_grade, row.s9_ects) == (expected.conduct, expected.grade, expected.ects)
    assert row.conduct > 0


# --- PFE-1, DOC-2 --------------------------------------------------------------------

def test_pfe_1_the_pfe_grade_and_its_20_ects(year, tutor, head):
    """PFE-1: a graded PFE goes with its 20 ECTS (0 below EVAL-3's threshold); an ungraded one is empty."""
    graded_one = a_dossier(year, tutor, "Soutenu")
    a_dossier(year, tutor, "Pasencore")
    defence = pfe.defence_schedule(
        dossier=graded_one, day=pfe.defence_latest_day(graded_one), start=__import__("datetime").time(10),
        end=__import__("datetime").time(11), room="A 105", jury=[], president=head, by=head,
    )
    pfe.defence_grade(defence=defence, grade=D("15.5"), by=head)
    rows = export(year)
    assert rows["Soutenu"]["Note du PFE /20"] == 15.5 and rows["Soutenu"]["ECTS du PFE"] == 20
    assert rows["Pasencore"]["Note du PFE /20"] is None and rows["Pasencore"]["ECTS du PFE"] is None


def test_doc_2_only_a_validated_fiche_pfe_title_is_exported(year, tutor):
    """DOC-2: the diploma supplement's title is the validated fiche PFE's;
    a fiche typed but not validated, or sent back, gives no title."""
    titles = {}
    for name, verdict in (("Valide", "valide"), ("Renvoye", "a_reprendre"), ("Nonlue", None)):
        dossier = a_dossier(year, tutor, name)
        titles[name] = f"Titre de {name}"
        fiche.fiche_save_pfe(dossier=dossier, data={**factories.PFE_PART, "pfe_title": titles[name]},
                             by=dossier.student.user)
        dossier.refresh_from_db()
        if verdict:
            pfe.fiche_pfe_review(dossier=dossier, verdict=verdict, comment="À préciser.", by=tutor)
    rows = export(year)
    column = "Titre du PFE (supplément au diplôme)"
    assert rows["Valide"][column] == "Titre de Valide"
    assert rows["Renvoye"][column] is None and rows["Nonlue"][column] is None


def test_doc_2_a_title_changed_after_validation_is_not_exported(year, tutor):
    """DOC-2: the student retitles a validated fiche PFE: until the tuteur
    école validates it again, no title goes (neither the old nor the new)."""
    dossier = a_dossier(year, tutor, "Retitre")
    fiche.fiche_save_pfe(dossier=dossier, data=factories.PFE_PART, by=dossier.student.user)
    dossier.refresh_from_db()
    pfe.fiche_pfe_review(dossier=dossier, verdict=FichePfeReview.Verdict.VALIDATED, by=tutor)
    fiche.fiche_save_pfe(dossier=dossier, data={**factories.PFE_PART, "pfe_title": "Un autre titre"},
                         by=dossier.student.user)
    assert export(year)["Retitre"]["Titre du PFE (supplément au diplôme)"] is None


# --- ROLE-8: who transmits, what is recorded ------------------------------------------

def test_role_8_the_transmission_is_recorded_with_its_rows_file_and_events(year, tutor, office, private_root):
    """ROLE-8, DATA-4: the office sends the whole year: the transmission
    counts its dossiers, keeps a line per dossier (the S9 grade only when
    final), the workbook in the private storage with its SHA-256, and each
    dossier gets its event."""
    final = graded(a_dossier(year, tutor, "Final"), tutor, "14", "15")
    partial = a_dossier(year, tutor, "Partiel")
    transmission = services.transmission_send(year=year, department=None, by=office)
    assert (transmission.rows, transmission.final_s9, transmission.graded_pfe) == (2, 1, 0)
    lines = {line.dossier_id: line for line in TransmittedGrade.objects.filter(transmission=transmission)}
    assert lines[final.pk].s9_state == S9State.FINAL and lines[final.pk].s9_grade == D("11.60")
    assert lines[final.pk].s9_ects == 10
    assert lines[partial.pk].s9_state == S9State.TO_COME and lines[partial.pk].s9_grade is None
    stored = (private_root / transmission.file_name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == transmission.sha256 and len(stored) == transmission.size
    events = Event.objects.filter(verb="grading.transmission.send")
    assert sorted(events.values_list("dossier_id", flat=True)) == sorted([final.pk, partial.pk])
    assert events.get(dossier=final).summary == (
        "Notes transmises à la scolarité : S9 11,60/20, 10 ECTS ; PFE à venir.")
    assert events.get(dossier=final).actor == office


def test_role_8_a_head_transmits_their_department_only(year, tutor, head):
    """ROLE-8: the head of 2IA sends 2IA's grades; not the whole year's, nor another department's."""
    a_dossier(year, tutor, "Deuxia")
    other = Department.objects.exclude(code="2IA").first()
    a_dossier(year, tutor, "Ailleurs", department=other.code)
    sent = services.transmission_send(year=year, department=factories.department("2IA"), by=head)
    assert sent.rows == 1
    for department in (None, other):
        with pytest.raises(PermissionDenied):
            services.transmission_send(year=year, department=department, by=head)
    assert ScolariteTransmission.objects.count() == 1


def test_role_8_the_scolarite_tutors_and_students_do_not_transmit(year, tutor, scolarite):
    """ROLE-8: the scolarité receives; a tutor or a student sends nothing."""
    dossier = a_dossier(year, tutor, "Personne")
    for who in (scolarite, tutor, dossier.student.user):
        with pytest.raises(PermissionDenied):
            services.transmission_send(year=year, department=None, by=who)
    assert not ScolariteTransmission.objects.exists() and not Event.objects.filter(verb__startswith="grading.trans")


def test_role_8_a_retransmission_after_a_change_is_a_new_one(year, tutor, office, login):
    """ROLE-8: the same grades twice in a row are refused (a double click),
    nothing written; after a grade changed, a new transmission, the first
    still downloadable as it was sent."""
    dossier = graded(a_dossier(year, tutor, "Change"), tutor, "14", "15")
    first = services.transmission_send(year=year, department=None, by=office)
    with pytest.raises(ValidationError, match="Rien n'a changé depuis la transmission du"):
        services.transmission_send(year=year, department=None, by=office)
    assert ScolariteTransmission.objects.count() == 1
    s9.report_grade_set(dossier=dossier, grade=D("16"), by=tutor, reason="Erreur de saisie.")
    second = services.transmission_send(year=year, department=None, by=office)
    assert second.pk != first.pk and second.fingerprint != first.fingerprint
    client = login(office)
    old = client.get(reverse("grading:transmission-download", args=[first.pk]))
    rows = sheet_rows(__import__("io").BytesIO(b"".join(old.streaming_content)))
    assert rows["Change"]["Note du S9 /20"] == pytest.approx(11.6)  # as sent, not as it is now
    assert TransmittedGrade.objects.get(transmission=second).s9_grade == D("12.40")


# --- ROLE-8: the page --------------------------------------------------------------------

def test_role_8_the_scolarite_reads_the_grades_and_downloads_with_no_button(year, tutor, office, scolarite, login):
    """ROLE-8: the scolarité sees the grades and the transmissions, downloads
    them, and has no button that changes anything."""
    graded(a_dossier(year, tutor, "Lisible"), tutor, "14", "15")
    sent = services.transmission_send(year=year, department=None, by=office)
    client = login(scolarite)
    page = client.get(reverse("grading:transmission-list"))
    body = page.content.decode()
    assert page.status_code == 200 and "LISIBLE" in body and "11,60/20" in body
    assert 'method="post"' not in body.split('id="contenu"')[1].split("</main>")[0]
    assert "Transmettre à la scolarité" not in body
    download = client.get(reverse("grading:transmission-download", args=[sent.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_role_8_every_post_of_the_scolarite_is_refused(year, tutor, office, scolarite, login):
    """ROLE-8: read-only: each of the page's URLs answers a POST of theirs 403 or 405, nothing recorded."""
    a_dossier(year, tutor, "Lecture")
    sent = services.transmission_send(year=year, department=None, by=office)
    client = login(scolarite)
    for url in (reverse("grading:transmission-list"), reverse("grading:transmission-send"),
                reverse("grading:transmission-preview"), reverse("grading:transmission-download", args=[sent.pk])):
        assert client.post(url, {"annee": year.pk}).status_code in (403, 405), url
    assert ScolariteTransmission.objects.count() == 1


def test_role_8_the_office_transmits_from_the_page(year, tutor, office, login):
    """ROLE-8: the office's button sends the scope shown and comes back to it."""
    a_dossier(year, tutor, "Bouton")
    client = login(office)
    assert "Transmettre à la scolarité" in client.get(reverse("grading:transmission-list")).content.decode()
    response = client.post(reverse("grading:transmission-send"), {"annee": year.pk})
    assert response.status_code == 302 and ScolariteTransmission.objects.get().department is None


def test_role_8_a_head_sees_their_department_only(year, tutor, head, login):
    """ROLE-8, ROLE-9: the head of 2IA reads 2IA's grades, not another
    department's; the button sends 2IA's."""
    a_dossier(year, tutor, "Deuxia")
    other = Department.objects.exclude(code="2IA").first()
    a_dossier(year, tutor, "Ailleurs", department=other.code)
    body = login(head).get(reverse("grading:transmission-list")).content.decode()
    assert "DEUXIA" in body and "AILLEURS" not in body and "Transmettre à la scolarité" in body
    assert "Toute la promotion" not in body  # their select opens on 2IA, the one department they head
    body = login(head).get(reverse("grading:transmission-list") + f"?departement={other.pk}").content.decode()
    assert "AILLEURS" not in body


@pytest.mark.parametrize("who", ["student", "tutor", "teacher", "direction"])
def test_role_8_the_page_is_refused_to_students_tutors_teachers(year, tutor, who, login):
    """ROLE-8, ROLE-9: a student, a tutor, a teacher (and the direction) get 403."""
    dossier = a_dossier(year, tutor, "Refus")
    user = {
        "student": dossier.student.user, "tutor": tutor,
        "teacher": factories.UserFactory(username="prof", groups=["Enseignants"]),
        "direction": factories.UserFactory(username="dir", groups=["Direction"]),
    }[who]
    client = login(user)
    assert client.get(reverse("grading:transmission-list")).status_code == 403
    assert client.get(reverse("grading:transmission-preview")).status_code == 403


# --- Speed: queries fixed whatever the rows ----------------------------------------------

def _many(year, tutor, n):
    for i in range(n):
        dossier = a_dossier(year, tutor, f"Eleve{i:03d}")
        if i % 2:
            graded(dossier, tutor, "14", "15")


@pytest.mark.parametrize("n", [2, 20])
def test_role_8_the_export_reads_a_fixed_number_of_queries(year, tutor, n, django_assert_num_queries):
    """The export's queries do not grow with the dossiers (below a batch of 500):
    dossiers with their student, option, company, tutor, evaluation and
    defence; steps; scores; years; barème; thresholds; fiche PFE reviews; fiche sheets."""
    _many(year, tutor, n)
    with django_assert_num_queries(8):
        rows = list(services.grade_rows(services.scope_dossiers(year, None)))
    assert len(rows) == n


def test_role_8_the_page_reads_a_fixed_number_of_queries(year, tutor, scolarite, login):
    """The page's queries do not grow with the dossiers: the same count with
    2 dossiers and with 20 (years, roles, count and page of dossiers, steps,
    scores, barème, thresholds, fiche PFE reviews and sheets, count and page
    of the transmissions, departments; session and user)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(scolarite)
    counts = []
    for more in (2, 18):
        _many(year, tutor, more) if not counts else [a_dossier(year, tutor, f"Plus{i:03d}") for i in range(more)]
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("grading:transmission-list"))
        assert response.status_code == 200
        counts.append(len(context.captured_queries))
    assert response.content.decode().count('data-label="Élève"') == 20
    assert counts[0] == counts[1], counts
