"""DOC-10: pay by the law — the SMIC as dated values, the minimum over the
whole contract (bracket changes on the 1st of the month after the 21st and
26th birthdays, SMIC revaluations), from 26 the greater of the SMIC and
85 % of the branch minimum, and the job-seeker condition."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions.cerfa import pay
from conventions.models import CerfaData
from students.models import SmicRate
from tests.conventions.test_cerfa import REGISTERED, cerfa_data, company_data, make_dossier, save

pytestmark = pytest.mark.django_db


def test_doc_10_the_official_smic_values_are_seeded():
    """DOC-10: 1 801,80 € from 1 November 2024, 1 823,03 € from 1 January 2026; the one in force on a day."""
    assert SmicRate.objects.on(datetime.date(2025, 12, 31)).monthly_35h == Decimal("1801.80")
    assert SmicRate.objects.on(datetime.date(2026, 1, 1)).monthly_35h == Decimal("1823.03")


def test_doc_10_a_23_year_old_at_1450_in_2026_is_refused_with_1458_42(year):
    """DOC-10: born 10/03/2003, contract from 01/09/2026: 80 % of 1 823,03 € = 1 458,42 €; 1 450 € is refused."""
    dossier = make_dossier(birth_date=datetime.date(2003, 3, 10))
    with pytest.raises(ValidationError, match="1 458,42 € brut par mois") as error:
        save(dossier, gross_monthly_pay=Decimal("1450.00"))
    assert "80 % du SMIC de 1 823,03 €" in error.value.message_dict["gross_monthly_pay"][0]
    assert not CerfaData.objects.filter(dossier=dossier).exists()
    assert save(dossier, gross_monthly_pay=Decimal("1458.42")).pk


def test_doc_10_turning_21_in_november_is_told_the_minimum_rises_on_1_december(login, year):
    """DOC-10: born 12/11/2005, contract from 01/09/2026: 65 % until November, then 80 % from 1 December 2026
    (1 458,42 €): the page states it, a pay meeting only the start minimum is refused with that date and amount,
    and the form keeps what was typed."""
    dossier = make_dossier(birth_date=datetime.date(2005, 11, 12))
    minima = pay.dossier_pay_minima(dossier, Decimal(35))
    assert [(m.start, m.amount) for m in minima] == [
        (datetime.date(2026, 9, 1), Decimal("1184.97")), (datetime.date(2026, 12, 1), Decimal("1458.42")),
    ]
    change = "À partir du 1er décembre 2026 (21 ans), le minimum passe à 1 458,42 €."
    assert pay.pay_changes(minima) == [change]
    post = {
        **{f"employeur-{k}": v for k, v in company_data(dossier.company).items()},
        "contrat-contract_type": "cdd", "contrat-start_date": "2026-09-01", "contrat-end_date": "2027-08-31",
        **{f"cerfa-{k}": v for k, v in cerfa_data(gross_monthly_pay="1300.00", conclusion_date="2026-08-20").items()},
    }
    url = reverse("conventions:cerfa-edit", args=[dossier.pk])
    content = login(dossier.student.user).post(url, post).content.decode()
    assert "Salaire inférieur au minimum légal en cours de contrat : " + change in content
    assert 'value="1300.00"' in content
    assert not CerfaData.objects.filter(dossier=dossier).exists()
    save(dossier, gross_monthly_pay=Decimal("1458.42"))
    assert change in login(dossier.student.user).get(url).content.decode()


def test_doc_10_a_january_smic_revaluation_mid_contract_is_stated_and_checked(year):
    """DOC-10: a contract from 01/09/2025 for a 22-year-old: 1 441,44 € (80 % of 1 801,80 €), then from
    1 January 2026 1 458,42 € (80 % of 1 823,03 €): 1 441,44 € is refused with the January figure."""
    dossier = make_dossier(birth_date=datetime.date(2003, 3, 10), start=datetime.date(2025, 9, 1))
    minima = pay.dossier_pay_minima(dossier, Decimal(35))
    assert pay.pay_changes(minima) == [
        "À partir du 1er janvier 2026 (SMIC revalorisé à 1 823,03 €), le minimum passe à 1 458,42 €."
    ]
    assert minima[0].amount == Decimal("1441.44")
    with pytest.raises(ValidationError, match="1er janvier 2026.*1 458,42 €"):
        save(dossier, gross_monthly_pay=Decimal("1441.44"), conclusion_date=datetime.date(2025, 8, 20))


def test_doc_10_a_revaluation_the_office_adds_is_read(year):
    """DOC-10: a new dated value (say 1 850,00 € from 1 May 2027) raises the minimum from that day."""
    SmicRate.objects.create(valid_from=datetime.date(2027, 5, 1), monthly_35h=Decimal("1850.00"))
    dossier = make_dossier(birth_date=datetime.date(2003, 3, 10))
    minima = pay.dossier_pay_minima(dossier, Decimal(35))
    assert [(m.start, m.amount) for m in minima][-1] == (datetime.date(2027, 5, 1), Decimal("1480.00"))


def test_doc_10_from_26_85_percent_of_a_branch_minimum_above_the_smic(year):
    """DOC-10: a 27-year-old, branch minimum 2 300 €: 85 % = 1 955,00 €, above the SMIC (1 823,03 €): 1 900 € is
    refused with 1 955,00 €; without a branch minimum the SMIC alone applies."""
    dossier = make_dossier(birth_date=datetime.date(1999, 1, 5))
    with pytest.raises(ValidationError, match="1 955,00 € brut par mois.*85 % du minimum conventionnel"):
        save(dossier, gross_monthly_pay=Decimal("1900.00"), branch_minimum_monthly=Decimal("2300.00"), **REGISTERED)
    assert save(dossier, gross_monthly_pay=Decimal("1955.00"), branch_minimum_monthly=Decimal("2300.00"),
                **REGISTERED).pk
    low_branch = pay.dossier_pay_minima(dossier, Decimal(35), Decimal("2000.00"))
    assert [m.amount for m in low_branch] == [Decimal("1823.03")]  # 85 % = 1 700 €: the SMIC is higher


def test_doc_10_the_branch_minimum_does_not_apply_before_26(year):
    """DOC-10: a 22-year-old's minimum stays 80 % of the SMIC whatever the branch minimum."""
    dossier = make_dossier(birth_date=datetime.date(2004, 3, 10))
    assert [m.amount for m in pay.dossier_pay_minima(dossier, Decimal(35), Decimal("3000.00"))] == [Decimal("1458.42")]


def test_doc_10_from_26_the_job_seeker_question_is_asked(year):
    """DOC-10: a 27-year-old: the job-seeker answer is required, « non » is refused in French, « oui » passes;
    a 22-year-old is not asked."""
    dossier = make_dossier(birth_date=datetime.date(1999, 1, 5))
    with pytest.raises(ValidationError, match="indiquez s'il est inscrit comme demandeur d'emploi"):
        save(dossier, gross_monthly_pay=Decimal("1900.00"))
    with pytest.raises(ValidationError, match="réservé aux demandeurs d'emploi inscrits à France Travail") as error:
        save(dossier, gross_monthly_pay=Decimal("1900.00"), job_seeker=False)
    assert list(error.value.message_dict) == ["job_seeker"]
    assert save(dossier, gross_monthly_pay=Decimal("1900.00"), **REGISTERED).job_seeker is True
    young = make_dossier(birth_date=datetime.date(2004, 3, 10))
    assert save(young, gross_monthly_pay=Decimal("1900.00")).job_seeker is None


def test_doc_10_the_page_asks_the_job_seeker_question_in_french(login, year):
    """DOC-10: the CERFA page has the branch minimum and the yes/no job-seeker field with its explanation."""
    dossier = make_dossier(birth_date=datetime.date(1999, 1, 5))
    content = login(dossier.student.user).get(reverse("conventions:cerfa-edit", args=[dossier.pk])).content.decode()
    assert 'name="cerfa-branch_minimum_monthly"' in content
    assert 'name="cerfa-job_seeker"' in content and '<option value="non">Non</option>' in content
    assert "le contrat de professionnalisation est réservé aux demandeurs d" in content
