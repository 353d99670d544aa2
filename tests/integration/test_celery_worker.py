import pytest
from celery.result import EagerResult
from django.conf import settings

from contratpro.workdays import working_days_between
from students.tasks import year_working_days
from tests.factories import AcademicYearFactory


@pytest.mark.integration
def test_notif_2_worker_computes_year_working_days(live_worker):
    """A background job (NOTIF-2) travels through Redis to a real Celery worker,
    which reads the committed year from PostgreSQL and returns its working days
    (CAL-5): the same count as computed in-process."""
    year = AcademicYearFactory()
    expected = working_days_between(year.rentree, year.contract_end)
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert year_working_days.app.conf.task_always_eager is False

    result = year_working_days.delay(year.pk)
    assert not isinstance(result, EagerResult)
    live_worker.wait_ready(result, timeout=60)
    count = result.get(timeout=60)

    assert count == expected
    assert count > 200
    live_worker.stop()
    assert f"Task students.tasks.year_working_days[{result.id}] succeeded" in live_worker.log()
