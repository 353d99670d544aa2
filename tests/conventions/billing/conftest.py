import datetime

import pytest
from django.core.files.storage import storages

from conventions.billing.models import Invoice
from tests import factories


@pytest.fixture(autouse=True)
def invoice_files_in_tmp(private_storage_in_tmp):
    """Invoice files go to the test's private folder too (the field
    resolved its storage when the model was defined)."""
    field = Invoice._meta.get_field("file")
    saved = field.storage
    field.storage = storages["private"]
    yield
    field.storage = saved


# BILL-2: the day billing's clock reads in tests — after the S9's billing
# day (1 January 2027), before the balance's (31 August 2027) — so that no
# test depends on the real date. ``clock_on(day)`` moves it.
CLOCK_DAY = datetime.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def clock_on(monkeypatch):
    def _set(day):
        monkeypatch.setattr("conventions.billing.services.clock", lambda: day)
        return day

    _set(CLOCK_DAY)
    return _set


@pytest.fixture
def no_files(monkeypatch):
    """Issue without building the Factur-X file (WeasyPrint) on commit."""
    monkeypatch.setattr("conventions.billing.jobs.build_invoice_file.delay_on_commit", lambda *args: None)


@pytest.fixture
def dossier(db, year):
    return factories.DossierFactory(student__year=year)
