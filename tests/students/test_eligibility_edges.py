"""ELIG-6 at its edges, through ``eligibility.evaluate`` on a real student.

What the rule decides: a residence permit is valid through its expiry date.
Expired before the evaluation day (the day the check runs) it is no permit:
blocking. Still valid that day but expiring before the contract's last day:
a warning (it must be renewed in time). Valid through the contract's last
day: ok. The contract's end is the dossier's when it has one.
"""

import datetime

import pytest

from contratpro.frenchdates import long_date
from students import eligibility
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date

EVALUATION_DAY = D(2026, 6, 1)
CONTRACT_END = D(2027, 8, 15)  # the dossier's, earlier than its year's (31 August 2027)
MISSING = "Un titre de séjour en cours de validité autorisant à travailler est obligatoire (règlement §4)."
COVERED = "Votre titre de séjour autorise le travail pour toute la durée du contrat."


def permit_check(expiry):
    """ELIG-6 for a foreign student with a work permit expiring on ``expiry``,
    on EVALUATION_DAY, whose dossier's contract ends on CONTRACT_END."""
    student = factories.StudentFactory(foreign_national=True, permit_work_authorised=True, permit_expiry=expiry)
    factories.DossierFactory(student=student, end_date=CONTRACT_END)
    return eligibility.evaluate(student, today=EVALUATION_DAY).get("ELIG-6")


def renew(expiry):
    return (
        f"Votre titre de séjour expire le {long_date(expiry)}, avant la fin du contrat le 15 août 2027 : "
        "il devra être renouvelé à temps."
    )


# The evaluation day.


def test_elig_6_permit_expired_the_day_before_the_evaluation_blocks():
    """ELIG-6: a permit whose last valid day was the day before the
    evaluation is no permit: blocking."""
    check = permit_check(D(2026, 5, 31))
    assert (check.status, check.message) == (eligibility.BLOCKING, MISSING)
    assert check.next_step == "Déposez votre titre de séjour en cours de validité auprès du service Contrats pro."


def test_elig_6_permit_expiring_on_the_evaluation_day_is_still_valid_and_warns():
    """ELIG-6: a permit expiring on the evaluation day is still valid that
    day: not blocking, but it expires before the contract ends: a warning."""
    check = permit_check(EVALUATION_DAY)
    assert (check.status, check.message) == (eligibility.WARNING, renew(EVALUATION_DAY))


def test_elig_6_permit_expiring_the_day_after_the_evaluation_warns():
    """ELIG-6: a permit expiring the day after the evaluation is valid but
    expires before the contract ends: a warning, not blocking."""
    check = permit_check(D(2026, 6, 2))
    assert (check.status, check.message) == (eligibility.WARNING, renew(D(2026, 6, 2)))


# The dossier's contract end.


def test_elig_6_permit_expiring_the_day_before_the_contract_end_warns():
    """ELIG-6: a permit expiring the day before the dossier's contract ends
    leaves its last day uncovered: a warning to renew it."""
    check = permit_check(D(2027, 8, 14))
    assert (check.status, check.message) == (eligibility.WARNING, renew(D(2027, 8, 14)))
    assert check.next_step == "Demandez le renouvellement de votre titre de séjour dès que possible."


def test_elig_6_permit_expiring_on_the_contract_end_covers_the_contract():
    """ELIG-6: a permit expiring the day the dossier's contract ends covers
    the whole contract: ok."""
    check = permit_check(CONTRACT_END)
    assert (check.status, check.message) == (eligibility.OK, COVERED)


def test_elig_6_permit_expiring_the_day_after_the_contract_end_covers_the_contract():
    """ELIG-6: a permit expiring the day after the dossier's contract ends
    is ok, though the year's contracts run to 31 August: the dossier's end counts."""
    check = permit_check(D(2027, 8, 16))
    assert (check.status, check.message) == (eligibility.OK, COVERED)
