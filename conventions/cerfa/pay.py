"""Pay by the law for the CERFA 12434 (DOC-10, DOMAIN §4): the legal
minimum gross monthly pay by age bracket, a % of the SMIC's dated values
(``students.SmicRate``) prorated to the weekly hours, checked over the whole
contract: each change (a bracket from the 1st of the month after the 21st
or 26th birthday, a SMIC revaluation) is stated with its date and amount.
From 26, the greater of the SMIC and 85 % of the branch minimum, and the
contract is open to a registered job-seeker only (L6325-1)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro.frenchdates import long_date
from students.models import SmicRate

CENT = Decimal("0.01")
LEGAL_WEEK = Decimal(35)

# DOC-10, DOMAIN §4 (D6325-15, -16, -18): minimum pay in % of the SMIC by
# age: (age limit, %, % for holders of at least a bac pro level). Every
# higher-education student counts at that level, so the portal reads the
# third column: 65 % under 21, 80 % from 21 to 25, the SMIC from 26.
PAY_BRACKETS = (
    (21, 55, 65, gettext_lazy("moins de 21 ans")),
    (26, 70, 80, gettext_lazy("21 à 25 ans")),
    (None, 100, 100, gettext_lazy("26 ans ou plus")),
)


def _grouped(whole):
    """"1441" → "1 441" (French digit grouping)."""
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return " ".join(groups) or "0"


def euros(amount):
    """1171.17 → "1 171,17 €"."""
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    return f"{_grouped(whole)},{cents} €"


def number(value):
    """Decimal("35.00") → "35", Decimal("17.50") → "17,5", 1825 → "1 825"."""
    whole, _dot, decimals = f"{Decimal(value).normalize():f}".partition(".")
    return _grouped(whole) + (f",{decimals}" if decimals else "")


# --- DOC-10: minimum pay ----------------------------------------------------

def _anniversary(birth_date, year):
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, 2, 28)


def pay_age(birth_date, on):
    """The age that sets the pay bracket on ``on``: a birthday counts from the
    1st day of the month after it (DOMAIN §4)."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    birthday = _anniversary(birth_date, birth_date.year + age)
    counts_from = (birthday.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return age - 1 if on < counts_from else age


def bracket_change(birth_date, age):
    """The day the bracket of ``age`` starts: the 1st of the month after
    that birthday (DOMAIN §4)."""
    birthday = _anniversary(birth_date, birth_date.year + age)
    return (birthday.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def real_age(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


# DOMAIN §4: from 26, at least 85 % of the branch's conventional minimum.
BRANCH_SHARE = 85
JOB_SEEKER_AGE = 26


@dataclass(frozen=True)
class PayMinimum:
    amount: Decimal
    percent: int
    bracket: str
    weekly_hours: Decimal
    smic_monthly: Decimal
    start: datetime.date
    age: int = 0
    branch_amount: Decimal | None = None  # 85 % of the branch minimum, when it is above the SMIC's share


def _prorated(amount, percent, weekly_hours):
    return (Decimal(amount) * percent * Decimal(weekly_hours) / (100 * LEGAL_WEEK)).quantize(CENT, ROUND_HALF_UP)


def pay_minimum(*, birth_date, start, weekly_hours, smic_monthly, branch_minimum=None):
    """DOC-10: the legal minimum gross monthly pay on ``start``, a % of the
    SMIC (35 h) prorated to the weekly hours; from 26, the greater of the
    SMIC and 85 % of the branch minimum (as entered for the job)."""
    age = pay_age(birth_date, start)
    for limit, _percent, percent, label in PAY_BRACKETS:
        if limit is None or age < limit:
            break
    amount = _prorated(smic_monthly, percent, weekly_hours)
    branch_amount = None
    if limit is None and branch_minimum:
        share = (Decimal(branch_minimum) * BRANCH_SHARE / 100).quantize(CENT, ROUND_HALF_UP)
        if share > amount:
            amount = branch_amount = share
    return PayMinimum(amount, percent, str(label), Decimal(weekly_hours), Decimal(smic_monthly), start, age, branch_amount)


def pay_minima(*, birth_date, start, end, weekly_hours, branch_minimum=None, rates=None):
    """DOC-10: the minimum over the whole contract: one ``PayMinimum`` from
    the start, then one per change (a bracket from the 1st of the month
    after the 21st or 26th birthday, a dated SMIC revaluation), in order."""
    if rates is None:
        rates = list(SmicRate.objects.order_by("valid_from"))
    end = end or start
    days = {start}
    days.update(rate.valid_from for rate in rates if start < rate.valid_from <= end)
    days.update(day for day in (bracket_change(birth_date, 21), bracket_change(birth_date, 26)) if start < day <= end)
    minima = []
    for day in sorted(days):
        in_force = [rate for rate in rates if rate.valid_from <= day] or rates[:1]
        smic = in_force[-1].monthly_35h if in_force else Decimal(0)
        minimum = pay_minimum(
            birth_date=birth_date, start=day, weekly_hours=weekly_hours, smic_monthly=smic, branch_minimum=branch_minimum
        )
        if not minima or minimum.amount != minima[-1].amount:
            minima.append(minimum)
    return minima


def dossier_pay_minima(dossier, weekly_hours, branch_minimum=None):
    """DOC-10: ``pay_minima`` of the dossier's contract, [] while its
    birth date or start date is unknown."""
    birth_date = dossier.student.birth_date
    if not (birth_date and dossier.start_date and weekly_hours):
        return []
    # One read of the SMIC's dated values per dossier object: a page that
    # checks the pay more than once costs one query, not one per check.
    rates = getattr(dossier, "_smic_rates", None)
    if rates is None:
        rates = dossier._smic_rates = list(SmicRate.objects.order_by("valid_from"))
    return pay_minima(
        birth_date=birth_date, start=dossier.start_date, end=dossier.end_date, weekly_hours=weekly_hours,
        branch_minimum=branch_minimum, rates=rates,
    )


def pay_change_text(previous, minimum):
    """« À partir du 1er décembre 2026 (21 ans), le minimum passe à 1 458,42 €. »"""
    if minimum.age != previous.age:
        why = _("%(age)s ans") % {"age": minimum.age}
    else:
        why = _("SMIC revalorisé à %(smic)s") % {"smic": euros(minimum.smic_monthly)}
    return _("À partir du %(day)s (%(why)s), le minimum passe à %(amount)s.") % {
        "day": long_date(minimum.start), "why": why, "amount": euros(minimum.amount),
    }


def pay_changes(minima):
    """DOC-10: each change of the minimum during the contract, in French."""
    return [pay_change_text(previous, minimum) for previous, minimum in zip(minima, minima[1:])]


def _basis(minimum):
    if minimum.branch_amount is not None:
        return _("%(share)s %% du minimum conventionnel, au-dessus du SMIC de %(smic)s") % {
            "share": BRANCH_SHARE, "smic": euros(minimum.smic_monthly),
        }
    return _("%(percent)s %% du SMIC de %(smic)s") % {"percent": minimum.percent, "smic": euros(minimum.smic_monthly)}


def pay_problem(*, dossier, weekly_hours, gross_monthly_pay, branch_minimum=None):
    """DOC-10: the French refusal when the pay is below the minimum at any
    time of the contract (with the figure and, after the start, the date
    it applies from), else None (None too while the birth date or the
    start date is unknown)."""
    minima = dossier_pay_minima(dossier, weekly_hours, branch_minimum)
    pay = Decimal(gross_monthly_pay)
    for index, minimum in enumerate(minima):
        if pay >= minimum.amount:
            continue
        values = {
            "minimum": euros(minimum.amount), "hours": number(minimum.weekly_hours), "basis": _basis(minimum),
            "bracket": minimum.bracket, "start": long_date(minimum.start),
        }
        if index == 0:
            return _(
                "Salaire inférieur au minimum légal : %(minimum)s brut par mois au moins pour %(hours)s h par semaine "
                "(%(basis)s, élève de %(bracket)s au début du contrat le %(start)s)."
            ) % values
        return _(
            "Salaire inférieur au minimum légal en cours de contrat : %(change)s Le salaire doit être d'au moins "
            "%(minimum)s brut par mois pour %(hours)s h par semaine (%(basis)s, élève de %(bracket)s)."
        ) % {**values, "change": pay_change_text(minima[index - 1], minimum)}
    return None


def job_seeker_problem(dossier, job_seeker):
    """DOC-10, DOMAIN §4 (L6325-1): from 26, the contract is open to a
    registered job-seeker only. French refusal, or None."""
    birth_date = dossier.student.birth_date
    if not (birth_date and dossier.start_date) or real_age(birth_date, dossier.start_date) < JOB_SEEKER_AGE:
        return None
    if job_seeker is None:
        return _(
            "L'élève aura 26 ans ou plus au début du contrat : indiquez s'il est inscrit comme demandeur "
            "d'emploi (France Travail)."
        )
    if not job_seeker:
        return _(
            "À 26 ans ou plus, le contrat de professionnalisation est réservé aux demandeurs d'emploi inscrits "
            "à France Travail (Code du travail, L6325-1) : l'élève s'inscrit avant le début du contrat, ou "
            "écrivez au service Contrats pro."
        )
    return None

