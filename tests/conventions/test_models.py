"""Companies and dossiers: SIRET, one dossier per student and year, contract shape."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conventions.companies.validators import validate_siret
from conventions.models import Dossier
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "35600000000048"])
def test_siret_with_a_valid_key_is_accepted(siret):
    """A SIRET whose Luhn key is right passes (La Poste's digit-sum rule too)."""
    assert validate_siret(siret) is None


@pytest.mark.parametrize(
    "siret, message",
    [
        ("73282932000075", "clé de contrôle"),
        ("7328293200007", "14 chiffres"),
        ("7328293200007A", "14 chiffres"),
    ],
)
def test_siret_with_a_wrong_key_or_length_is_refused_in_french(siret, message):
    """A mistyped SIRET is refused with a French message saying what is wrong."""
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)


def test_company_siret_is_normalised_and_checked(year):
    """Spaces typed in a SIRET are removed before the check."""
    company = factories.CompanyFactory.build(siret="732 829 320 00074")
    company.full_clean()
    assert company.siret == "73282932000074"


def test_one_dossier_per_student_and_year_is_a_database_rule(year):
    """A student has at most one dossier per year, even through bulk writes or the admin."""
    dossier = factories.DossierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.create(student=dossier.student, year=dossier.year)


def test_contract_end_before_start_is_refused_by_the_database(year):
    """A contract ending before it starts cannot be stored."""
    dossier = factories.DossierFactory()
    dossier.end_date = dossier.start_date - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        dossier.save()


@pytest.mark.parametrize(
    "start, end, ok",
    [
        (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31), True),
        (datetime.date(2026, 9, 14), datetime.date(2027, 9, 13), True),
        (datetime.date(2026, 9, 1), datetime.date(2027, 3, 31), False),
        (datetime.date(2026, 9, 1), datetime.date(2027, 12, 31), False),
    ],
)
def test_step_1_contract_lasts_twelve_months(year, start, end, ok):
    """STEP-1 (step 4): a CDD of 12 months, or a CDI with 12 months of professionalisation."""
    dossier = factories.DossierFactory.build(
        student=factories.StudentFactory(), company=factories.CompanyFactory(), start_date=start, end_date=end
    )
    dossier.year = dossier.student.year
    if ok:
        dossier.full_clean()
    else:
        with pytest.raises(ValidationError, match="12 mois"):
            dossier.full_clean()


def test_dossier_contacts_must_belong_to_its_company(year):
    """The company tutor of a dossier works for the dossier's company."""
    dossier = factories.DossierFactory()
    dossier.tuteur_entreprise = factories.CompanyContactFactory()  # another company
    with pytest.raises(ValidationError) as error:
        dossier.full_clean()
    assert "tuteur_entreprise" in error.value.message_dict


def test_dossier_situation_follows_what_is_known(year):
    """The list's situation label says where the dossier stands."""
    searching = factories.DossierFactory(company=None, contract_type="", start_date=None, end_date=None)
    found = factories.DossierFactory(contract_type="", start_date=None, end_date=None)
    signed = factories.DossierFactory()
    assert searching.situation == "En recherche d'entreprise"
    assert found.situation == "Entreprise trouvée, contrat à établir"
    assert signed.situation == "Contrat établi"
