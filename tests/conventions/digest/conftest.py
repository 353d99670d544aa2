"""Dossiers whose only dated obligations are the steps' deadlines a test
sets (no contract start: no employer's 5 days; the year's invoices and
certificates fall in January, out of December's weeks)."""

import datetime

import pytest

from conventions.dossier import steps
from tests import factories

D = datetime.date


@pytest.fixture
def make_dossier(year):
    def _make(department="2IA", *, first_name=None, last_name=None, option=None, **deadlines):
        student = {"student__year": year, "student__department": factories.department(department),
                   "student__option": option}
        if first_name:
            student["student__user__first_name"] = first_name
        if last_name:
            student["student__user__last_name"] = last_name
        dossier = factories.DossierFactory(start_date=None, end_date=None, contract_type="", **student)
        steps.steps_sync(dossier)
        dossier.steps.update(deadline=None)
        for code, day in deadlines.items():
            dossier.steps.filter(code=code.replace("_p", "p")).update(deadline=day)
        return dossier

    return _make


@pytest.fixture
def prism_head(db):
    user = factories.UserFactory(username="respprism", first_name="Mathieu", last_name="Pradier",
                                 email="respprism@mines-ales.fr", groups=["Enseignants"])
    department = factories.department("PRISM")
    department.head = user
    department.save()
    return user
