"""A year's calendar, saved by the office in the admin, moves what derives
from it: the deadlines of that year's steps (CAL-1, CAL-4, STEP-2)."""

import datetime

import pytest
from django.urls import reverse

from conventions.dossier import steps
from conventions.models import DossierStep
from students import calendar
from students.models import CalendarPeriod
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def office(login):
    return login(factories.UserFactory(is_staff=True, groups=["Service Contrats Pro"]))


@pytest.fixture
def hook_calls(monkeypatch):
    """Years passed to the calendar hooks, beside the registered ones."""
    calls = []
    monkeypatch.setattr(calendar, "CALENDAR_CHANGED_HOOKS", [*calendar.CALENDAR_CHANGED_HOOKS, calls.append])
    return calls


def year_form(year, **changes):
    """The admin's change form of ``year`` as posted unchanged, with ``changes``."""
    data = {
        "start_year": year.start_year, "training_cost": year.training_cost, "smic_monthly": year.smic_monthly,
        "sio_blocking": "on" if year.sio_blocking else "",
        **{field: getattr(year, field).isoformat() for field in calendar.CALENDAR_FIELDS},
    }
    periods = list(year.periods.order_by("pk"))
    data.update({"periods-TOTAL_FORMS": len(periods), "periods-INITIAL_FORMS": len(periods),
                 "periods-MIN_NUM_FORMS": 0, "periods-MAX_NUM_FORMS": 1000})
    for i, period in enumerate(periods):
        data.update({f"periods-{i}-id": period.pk, f"periods-{i}-year": year.pk, f"periods-{i}-kind": period.kind,
                     f"periods-{i}-label": period.label, f"periods-{i}-department": period.department_id or "",
                     f"periods-{i}-start": period.start.isoformat(), f"periods-{i}-end": period.end.isoformat()})
    data.update(changes)
    return data


def save_year(client, year, **changes):
    response = client.post(reverse("admin:students_academicyear_change", args=[year.pk]), year_form(year, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    year.refresh_from_db()
    return response


def deadlines(dossier, *codes):
    rows = DossierStep.objects.filter(dossier=dossier, code__in=codes)
    return {row.code: row.deadline for row in rows}


def test_step_2_a_new_christmas_start_saved_in_the_admin_moves_that_years_a_and_b_deadlines(office, year):
    """STEP-2: A and B are due the last working day before the Christmas
    holidays; when the office moves them in the admin, the year's dossiers
    follow, and another year's dossiers keep theirs."""
    dossier = factories.DossierFactory()
    other = factories.DossierFactory(student__year=factories.AcademicYearFactory(start_year=2027))
    steps.steps_sync(dossier)
    steps.steps_sync(other)
    assert deadlines(dossier, "A", "B") == {"A": D(2026, 12, 18), "B": D(2026, 12, 18)}

    save_year(office, year, christmas_start="2026-12-12")

    assert year.christmas_start == D(2026, 12, 12)
    assert deadlines(dossier, "A", "B") == {"A": D(2026, 12, 11), "B": D(2026, 12, 11)}
    assert deadlines(other, "A", "B") == {"A": D(2027, 12, 17), "B": D(2027, 12, 17)}


def test_step_2_only_the_moved_dates_deadlines_change(office, year):
    """STEP-2: moving Christmas leaves 5' (rentrée), D (end of S9) and F (PFE) where they were."""
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    before = deadlines(dossier, "5p", "D", "F")

    save_year(office, year, christmas_start="2026-12-12")

    assert deadlines(dossier, "5p", "D", "F") == before


def test_cal_1_the_office_is_told_how_many_deadlines_moved(office, year):
    """CAL-1: after saving the calendar the office reads how many deadlines were recomputed."""
    steps.steps_sync(factories.DossierFactory())

    response = office.post(
        reverse("admin:students_academicyear_change", args=[year.pk]), year_form(year, christmas_start="2026-12-12"),
        follow=True,
    )

    assert "Calendrier modifié : 2 échéances recalculées." in [str(m) for m in response.context["messages"]]


def test_cal_4_a_period_changed_on_the_years_page_runs_the_calendar_hooks(office, year, hook_calls):
    """CAL-4: changing only an alternation period (an inline of the year)
    is a calendar change; the hooks run once the period is saved."""
    period = CalendarPeriod.objects.create(
        year=year, kind=CalendarPeriod.Kind.SCHOOL, start=D(2026, 9, 1), end=D(2026, 9, 25)
    )
    ends_seen = []
    calendar.CALENDAR_CHANGED_HOOKS.append(lambda y: ends_seen.append(y.periods.get().end))

    save_year(office, year, **{"periods-0-end": "2026-10-02"})

    period.refresh_from_db()
    assert period.end == D(2026, 10, 2)
    assert hook_calls == [year]
    assert ends_seen == [D(2026, 10, 2)]


def test_cal_4_a_new_period_added_on_the_years_page_runs_the_calendar_hooks(office, year, hook_calls):
    """CAL-4: adding a period to the year's calendar runs the hooks too."""
    data = year_form(year)
    data.update({"periods-TOTAL_FORMS": 1, "periods-0-kind": CalendarPeriod.Kind.EXAM, "periods-0-label": "Examens S9",
                 "periods-0-start": "2027-01-11", "periods-0-end": "2027-01-15", "periods-0-year": year.pk})

    response = office.post(reverse("admin:students_academicyear_change", args=[year.pk]), data)

    assert response.status_code == 302
    assert year.periods.get().label == "Examens S9"
    assert hook_calls == [year]


def test_cal_1_saving_the_year_without_touching_its_calendar_runs_no_hook(office, year, hook_calls):
    """CAL-1: a change to the training cost or the SMIC is no calendar change: no deadline is recomputed."""
    save_year(office, year, training_cost="8500.00")

    assert hook_calls == []


def test_step_2_the_calendar_service_returns_how_many_step_rows_moved(year):
    """STEP-2: ``year_calendar_changed`` runs the hooks registered by the
    conventions room and returns the rows they moved: A and B of each dossier."""
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    for _ in range(2):
        steps.steps_sync(factories.DossierFactory())
    assert steps.steps_refresh_year in calendar.CALENDAR_CHANGED_HOOKS
    year.christmas_start = D(2026, 12, 12)
    year.save(update_fields=["christmas_start"])

    assert calendar.year_calendar_changed(year=year, by=office) == 4
    assert calendar.year_calendar_changed(year=year, by=office) == 0


def test_cal_1_a_hook_registered_twice_runs_once(monkeypatch, year):
    """CAL-1: registering the same hook again (``ready`` run twice) does not run it twice."""
    monkeypatch.setattr(calendar, "CALENDAR_CHANGED_HOOKS", [])
    calls = []
    calendar.on_calendar_changed(calls.append)
    calendar.on_calendar_changed(calls.append)

    calendar.year_calendar_changed(year=year, by=None)

    assert calls == [year]
