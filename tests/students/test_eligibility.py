"""ELIG-1…8: the eligibility rules of seed §4, each a pure check."""

import datetime
from dataclasses import replace

import pytest

from students import eligibility as e

D = datetime.date

BASE = e.Facts(
    attended_info_meeting=True,
    sio_validated=True,
    sio_blocking=False,
    toeic_validated=True,
    resits=(),
    resit_threatens_3a=False,
    international_mobility=False,
    foreign_national=False,
    internship_2a_over_3_months=False,
    permit_work_authorised=False,
    permit_main_activity=False,
    permit_expiry=None,
    contract_end=D(2027, 8, 31),
    today=D(2026, 6, 1),
    double_diploma_incoming=False,
    home_institution="",
    home_approval_date=None,
    scholarship_holder=False,
)


def facts(**changes):
    return replace(BASE, **changes)


def test_elig_all_conditions_met_is_ok_and_step_1_open():
    """A student meeting every condition of seed §4 is eligible and may take step 1."""
    result = e.evaluate_facts(BASE)
    assert result.status == e.OK
    assert result.step_1_open
    assert [c.rule for c in result.checks] == [f"ELIG-{n}" for n in range(1, 9)]


def test_elig_1_missing_info_meeting_blocks():
    """ELIG-1: without the information meeting, access is refused."""
    check = e.check_info_meeting(facts(attended_info_meeting=False))
    assert check.status == e.BLOCKING
    assert "réunion d'information est obligatoire" in check.message
    assert not e.evaluate_facts(facts(attended_info_meeting=False)).step_1_open


def test_elig_2_sio_missing_warns_and_needs_acknowledgement():
    """ELIG-2: SIO not validated: a warning the student must acknowledge (default policy)."""
    check = e.check_sio(facts(sio_validated=False))
    assert check.status == e.WARNING
    assert check.needs_acknowledgement
    assert "ne serez pas diplômé" in check.message
    assert "avant la phase PFE" in check.message
    result = e.evaluate_facts(facts(sio_validated=False))
    assert not result.blocking
    assert not result.step_1_open  # the risk is not yet accepted


def test_elig_2_year_policy_makes_missing_sio_blocking():
    """ELIG-2: the year's setting turns a missing SIO into a blocking condition."""
    assert e.check_sio(facts(sio_validated=False, sio_blocking=True)).status == e.BLOCKING
    assert e.check_sio(facts(sio_validated=True, sio_blocking=True)).status == e.OK


def test_elig_3_toeic_missing_warns_and_needs_acknowledgement():
    """ELIG-3: TOEIC not validated: a warning under the student's sole responsibility."""
    check = e.check_toeic(facts(toeic_validated=False))
    assert (check.status, check.needs_acknowledgement) == (e.WARNING, True)
    assert "seule responsabilité" in check.message


@pytest.mark.parametrize("semester", ["S5", "S6", "S7"])
def test_elig_4_common_core_resit_blocks(semester):
    """ELIG-4: a resit pending in S5, S6 or S7 blocks."""
    check = e.check_resits(facts(resits=(semester,)))
    assert check.status == e.BLOCKING
    assert check.message.startswith(f"Rattrapage en attente au {semester} :")


def test_elig_4_s8_resit_only_does_not_block():
    """ELIG-4 edge: an S8 resit alone is not in the common core and does not block."""
    check = e.check_resits(facts(resits=("S8",)))
    assert check.status == e.OK
    assert "S8 seulement" in check.message


def test_elig_4_s8_resit_threatening_3a_blocks():
    """ELIG-4: any resit that threatens the passage to 3A blocks, S8 included."""
    check = e.check_resits(facts(resits=("S8",), resit_threatens_3a=True))
    assert check.status == e.BLOCKING
    assert "passage en 3A" in check.message


def test_elig_5_international_mobility_blocks():
    """ELIG-5: an international mobility engaged for S9 or S10 blocks."""
    assert e.check_mobility(facts(international_mobility=True)).status == e.BLOCKING
    assert e.check_mobility(BASE).status == e.OK


FOREIGN = dict(foreign_national=True, permit_work_authorised=True, permit_expiry=D(2028, 1, 1))


def test_elig_6_foreign_without_work_permit_blocks():
    """ELIG-6: a foreign student without a permit authorising work is blocked."""
    check = e.check_residence_permit(facts(**{**FOREIGN, "permit_work_authorised": False}))
    assert check.status == e.BLOCKING


def test_elig_6_long_2a_internship_needs_main_activity_permit():
    """ELIG-6: after a 2A internship over 3 months, work must be authorised as main activity (R5221-7)."""
    check = e.check_residence_permit(facts(**FOREIGN, internship_2a_over_3_months=True))
    assert check.status == e.BLOCKING
    assert "R5221-7" in check.message
    ok = e.check_residence_permit(facts(**FOREIGN, internship_2a_over_3_months=True, permit_main_activity=True))
    assert ok.status == e.OK


@pytest.mark.parametrize(
    "expiry, status",
    [
        (D(2027, 8, 30), e.WARNING),  # one day before the contract end
        (D(2027, 8, 31), e.OK),  # the day the contract ends
        (D(2027, 9, 1), e.OK),  # one day after
    ],
)
def test_elig_6_permit_expiring_around_contract_end(expiry, status):
    """ELIG-6 edge: a permit expiring before the contract ends warns; on or after, fine."""
    check = e.check_residence_permit(facts(**{**FOREIGN, "permit_expiry": expiry}))
    assert check.status == status
    if status == e.WARNING:
        assert "30 août 2027" in check.message and "31 août 2027" in check.message


def test_elig_6_expired_permit_blocks():
    """ELIG-6: a permit already expired is no permit."""
    check = e.check_residence_permit(facts(**{**FOREIGN, "permit_expiry": D(2026, 5, 31)}))
    assert check.status == e.BLOCKING


def test_elig_6_french_student_needs_no_permit():
    """ELIG-6: the permit rule does not apply to a French student."""
    assert e.check_residence_permit(BASE).status == e.OK


def test_elig_7_double_diploma_blocks_until_home_approval():
    """ELIG-7: an incoming double-diploma student is blocked until the home institution agrees."""
    waiting = e.check_double_diploma(facts(double_diploma_incoming=True, home_institution="Politecnico di Torino"))
    assert waiting.status == e.BLOCKING
    assert "Politecnico di Torino" in waiting.message
    approved = e.check_double_diploma(
        facts(double_diploma_incoming=True, home_institution="Politecnico di Torino", home_approval_date=D(2026, 5, 2))
    )
    assert approved.status == e.OK
    assert "2 mai 2026" in approved.message


def test_elig_8_scholarship_holder_warns_the_scholarship_stops():
    """ELIG-8: for a scholarship holder the contract ends the scholarship: acknowledged warning."""
    check = e.check_scholarship(facts(scholarship_holder=True))
    assert (check.status, check.needs_acknowledgement) == (e.WARNING, True)
    assert "arrêt de la bourse" in check.message


class Record:
    """A stand-in for an Acknowledgement/Override row in pure tests."""

    def __init__(self, rule, fingerprint, at=datetime.datetime(2026, 6, 1, 10, 0)):
        self.rule, self.fingerprint, self.at = rule, fingerprint, at


def test_elig_2_acknowledged_risk_stays_flagged_and_allows_step_1():
    """ELIG-2: once acknowledged the risk stays a warning, but no longer holds step 1 back."""
    f = facts(sio_validated=False)
    ack = Record("ELIG-2", e.check_sio(f).fingerprint)
    result = e.evaluate_facts(f, acknowledgements=[ack])
    check = result.get("ELIG-2")
    assert check.status == e.WARNING
    assert check.acknowledgement is ack
    assert result.step_1_open


def test_elig_3_acknowledgement_lapses_when_the_fact_changes():
    """ELIG-3: an acknowledgement is bound to the facts it was given for."""
    f = facts(toeic_validated=False)
    ack = Record("ELIG-3", e.check_toeic(f).fingerprint)
    assert e.evaluate_facts(f, acknowledgements=[ack]).step_1_open
    # The TOEIC is validated: nothing to acknowledge any more.
    assert e.evaluate_facts(facts(), acknowledgements=[ack]).get("ELIG-3").acknowledgement is None


def test_elig_10_override_lifts_a_blocking_check():
    """ELIG-10: an office override turns a blocking check into ok, the override attached."""
    f = facts(international_mobility=True)
    override = Record("ELIG-5", e.check_mobility(f).fingerprint)
    result = e.evaluate_facts(f, overrides=[override])
    assert result.get("ELIG-5").status == e.OK
    assert result.get("ELIG-5").override is override
    assert result.step_1_open


def test_elig_10_override_then_fact_change_lapses():
    """ELIG-10 edge: an override given for one set of facts lapses when they change."""
    before = facts(resits=("S6",))
    override = Record("ELIG-4", e.check_resits(before).fingerprint)
    assert e.evaluate_facts(before, overrides=[override]).get("ELIG-4").status == e.OK
    after = facts(resits=("S6", "S7"))  # a new resit appears
    check = e.evaluate_facts(after, overrides=[override]).get("ELIG-4")
    assert check.status == e.BLOCKING
    assert check.override is None
    assert check.lapsed_override is override
