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


@pytest.fixture
def no_files(monkeypatch):
    """Issue without building the Factur-X file (WeasyPrint) on commit."""
    monkeypatch.setattr("conventions.billing.jobs.build_invoice_file.delay_on_commit", lambda *args: None)


@pytest.fixture
def dossier(db, year):
    return factories.DossierFactory(student__year=year)
