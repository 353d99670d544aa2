"""Background jobs of the students room."""

from celery import shared_task

from contratpro.workdays import working_days_between

from . import services
from .models import AcademicYear


@shared_task(acks_late=True)
def year_working_days(year_id):
    """Working days from the rentrée to the end of the contracts of a year
    (CAL-5). Read-only, hence safe to run twice."""
    year = AcademicYear.objects.get(pk=year_id)
    return working_days_between(year.rentree, year.contract_end)


@shared_task(acks_late=True)
def eligibility_verdicts_nightly():
    """Re-evaluate every student's stored eligibility verdict (ELIG-1…10):
    scheduled every night by Celery beat (``CELERY_BEAT_SCHEDULE``), for
    what changes outside the students' services. Idempotent; returns how
    many verdicts changed."""
    return services.eligibility_verdicts_refresh()
