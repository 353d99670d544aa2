"""The attendance tests' world: a 2IA option's module, its teacher and
another, three contrat-pro students of the option, one without a dossier."""

import datetime

import pytest

from attendance import services
from students.models import Module
from tests import factories


@pytest.fixture
def teacher(db):
    return factories.UserFactory(username="prof-a", first_name="Alice", last_name="Martel", groups=["Enseignants"])


@pytest.fixture
def other_teacher(db):
    return factories.UserFactory(username="prof-b", first_name="Bruno", last_name="Serre", groups=["Enseignants"])


@pytest.fixture
def option(year):
    return factories.department("2IA").options.first()


@pytest.fixture
def module(option):
    return Module.objects.filter(option=option).first() or Module.objects.create(
        department=option.department, option=option, name="Apprentissage automatique"
    )


@pytest.fixture
def students(year, option):
    """Three students of the option with a dossier of the year."""
    return [
        factories.DossierFactory(student__year=year, student__option=option,
                                 student__user__last_name=name).student
        for name in ("Abadie", "Blanc", "Cazals")
    ]


@pytest.fixture
def no_dossier(year, option):
    """A student of the option without a contrat pro: no carnet line."""
    return factories.StudentFactory(year=year, option=option, user__last_name="Sanscontrat")


@pytest.fixture
def make_session(module, teacher, office):
    def _make(day=datetime.date(2026, 10, 5), start=datetime.time(9), end=datetime.time(12), by_teacher=None, **values):
        return services.session_save(
            values={"module": module, "kind": "cours", "date": day, "start": start, "end": end, "room": "B101",
                    "teacher": by_teacher or teacher, **values},
            options=[], by=office,
        )
    return _make


@pytest.fixture
def clock(monkeypatch):
    """Set the portal's « now » (``timezone.now``) to a local date and time:
    ``clock(datetime.date(2026, 10, 5), datetime.time(9))``."""
    from django.utils import timezone

    def _set(day, time=datetime.time(12)):
        moment = timezone.make_aware(datetime.datetime.combine(day, time))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment
    return _set
