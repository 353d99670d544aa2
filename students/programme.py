"""The programme every contrat-pro track shares (PROG-2, CAL-2, CAL-3).

These are the seed's fixed facts (§3.1, §3.2); what varies per year (dates,
cost) lives on ``AcademicYear`` and what varies per department
(``pfe_weeks``, the March school week of GCBD) on ``Department``.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# PROG-2: the title awarded.
DIPLOMA_TITLE = _(
    "Ingénieur diplômé de l'École nationale supérieure des mines d'Alès "
    "de l'Institut Mines-Télécom"
)
DIPLOMA_GRADE = _("grade Master 2")
RNCP_CODE = "38677"
ADMISSION_YEAR = 3  # admission in 3rd year of the engineering curriculum

# CAL-2: every track.
PE_WEEKS = 7
S9_HOURS = 270
S10_HOURS = 210
TRAINING_HOURS = S9_HOURS + S10_HOURS  # 480 h at school
PFE_WEEKS = 26
CONTRACT_MONTHS = 12


@dataclass(frozen=True)
class Track:
    """The shape of one department's year (CAL-2, CAL-3)."""

    pe_weeks: int
    s9_hours: int
    s10_hours: int
    pfe_weeks: int
    march_school_week: bool

    @property
    def training_hours(self):
        return self.s9_hours + self.s10_hours


def track_for(department):
    """The track of ``department``: CAL-2 for all, with CAL-3's GCBD exception
    carried by the department's own ``pfe_weeks`` and ``march_school_week``."""
    return Track(
        pe_weeks=PE_WEEKS,
        s9_hours=S9_HOURS,
        s10_hours=S10_HOURS,
        pfe_weeks=department.pfe_weeks,
        march_school_week=department.march_school_week,
    )


def first_week_of_march(calendar_year):
    """Monday to Friday of the first full week of March (CAL-3, GCBD courses)."""
    day = datetime.date(calendar_year, 3, 1)
    monday = day + datetime.timedelta(days=(7 - day.weekday()) % 7)
    return monday, monday + datetime.timedelta(days=4)
