"""PROG-1, PROG-2 and the calendar rules CAL-1…4."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from students import programme
from students.models import AcademicYear, CalendarPeriod, Department, Module, Option
from tests import factories

pytestmark = pytest.mark.django_db

SEED_OPTIONS = {
    "2ER": {"Énergie et environnement", "Risques naturels et industriels"},
    "ECOMAP": set(),
    "2IA": {"Intelligence artificielle et science des données", "Ingénierie logicielle"},
    "GCBD": {"Bâtiment et Énergie", "Infrastructures et Grands Ouvrages"},
    "PRISM": {"Systèmes Industriels et transition numérique", "Ingénierie des systèmes mécatroniques"},
    "ISERM": set(),
}


def test_prog_1_six_departments_and_their_options_are_shipped():
    """PROG-1: the departments and options of seed §3.4 exist after migrating."""
    assert set(Department.objects.values_list("code", flat=True)) == set(SEED_OPTIONS)
    for code, options in SEED_OPTIONS.items():
        assert set(Option.objects.filter(department__code=code).values_list("name", flat=True)) == options


def test_prog_1_every_track_has_its_modules():
    """PROG-1: each option (or option-less department) carries its teaching modules."""
    for option in Option.objects.all():
        assert option.modules.count() >= 7, option
    for code in ("ECOMAP", "ISERM"):
        assert Module.objects.filter(department__code=code, option=None).count() >= 7
    assert Module.objects.filter(name="Challenge ROBAFIS", option__name__startswith="Systèmes Industriels").exists()


def test_prog_1_module_for_student_is_department_plus_option(year):
    """PROG-1: a student follows their department's common modules and their option's."""
    student = factories.StudentFactory(
        department=factories.department("2IA"), option=Option.objects.get(name="Ingénierie logicielle")
    )
    names = set(Module.objects.for_student(student).values_list("name", flat=True))
    assert "Ingénierie dirigée par les modèles" in names
    assert "Apprentissage profond" not in names  # the other option's


def test_prog_2_title_grade_and_rncp():
    """PROG-2: the title awarded, grade Master 2, RNCP 38677, admission in 3rd year."""
    assert "Ingénieur diplômé de l'École nationale supérieure des mines d'Alès" in str(programme.DIPLOMA_TITLE)
    assert "Master 2" in str(programme.DIPLOMA_GRADE)
    assert programme.RNCP_CODE == "38677"
    assert programme.ADMISSION_YEAR == 3


def test_cal_1_default_dates_of_year_n():
    """CAL-1: S9 ends on 31 December N, S10 starts on 1 January N+1, the year ends in August N+1."""
    dates = AcademicYear.default_dates(2026)
    assert dates == {
        "s9_end": datetime.date(2026, 12, 31),
        "s10_start": datetime.date(2027, 1, 1),
        "contract_end": datetime.date(2027, 8, 31),
    }


def test_cal_1_dates_out_of_order_are_refused_by_the_database(year):
    """CAL-1: the database refuses a PFE that starts after the contracts end."""
    year.pfe_start = datetime.date(2027, 9, 15)
    with pytest.raises(IntegrityError), transaction.atomic():
        year.save()


def test_cal_1_year_lasts_twelve_months_from_september_n(year):
    """CAL-1: a rentrée outside year N, or a year longer than 12 months, fails validation."""
    year.rentree = datetime.date(2025, 9, 1)
    with pytest.raises(ValidationError) as error:
        year.full_clean()
    assert "rentree" in error.value.message_dict
    assert "contract_end" in error.value.message_dict


def test_cal_1_current_year_follows_the_date(year):
    """CAL-1: from September N to August N+1 the current year is N/N+1."""
    later = factories.AcademicYearFactory(start_year=2027)
    assert AcademicYear.objects.current(datetime.date(2026, 9, 1)) == year
    assert AcademicYear.objects.current(datetime.date(2027, 8, 31)) == year
    assert AcademicYear.objects.current(datetime.date(2027, 9, 1)) == later
    assert year.label == "2026/2027"


def test_cal_2_every_track_480_hours_pe_7_weeks_pfe_26_weeks():
    """CAL-2: PE 7 weeks, 480 h at school (270 h S9 + 210 h S10), PFE 26 weeks."""
    for department in Department.objects.exclude(code="GCBD"):
        track = programme.track_for(department)
        assert (track.pe_weeks, track.s9_hours, track.s10_hours, track.pfe_weeks) == (7, 270, 210, 26)
        assert track.training_hours == 480
        assert not track.march_school_week


def test_cal_3_gcbd_pfe_25_weeks_and_march_week_at_school():
    """CAL-3: GCBD's PFE lasts 25 weeks; the first week of March is taught at school."""
    track = programme.track_for(Department.objects.get(code="GCBD"))
    assert track.pfe_weeks == 25
    assert track.march_school_week
    assert track.training_hours == 480


def test_cal_3_first_week_of_march():
    """CAL-3: the first week of March runs Monday to Friday from the first Monday."""
    assert programme.first_week_of_march(2027) == (datetime.date(2027, 3, 1), datetime.date(2027, 3, 5))
    assert programme.first_week_of_march(2026) == (datetime.date(2026, 3, 2), datetime.date(2026, 3, 6))


def test_cal_4_periods_per_track_plus_shared(year):
    """CAL-4: a track's calendar is its own periods plus those shared by all tracks."""
    gcbd = Department.objects.get(code="GCBD")
    ia = Department.objects.get(code="2IA")
    shared = CalendarPeriod.objects.create(
        year=year, kind=CalendarPeriod.Kind.HOLIDAY, start=year.christmas_start, end=year.christmas_end
    )
    march = CalendarPeriod.objects.create(
        year=year, department=gcbd, kind=CalendarPeriod.Kind.SCHOOL,
        start=datetime.date(2027, 3, 1), end=datetime.date(2027, 3, 5),
    )
    assert set(year.periods_for(gcbd)) == {shared, march}
    assert set(year.periods_for(ia)) == {shared}


def test_cal_4_period_must_end_after_it_starts(year):
    """CAL-4: a period ending before it starts is refused by the database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarPeriod.objects.create(
            year=year, kind=CalendarPeriod.Kind.EXAM, start=datetime.date(2027, 2, 5), end=datetime.date(2027, 2, 1)
        )
