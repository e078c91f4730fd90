"""Computing the statistics: on demand (a job the page polls, with progress) and nightly for the current
and the previous year. Both replace the year's monthly figures (reporting.figures)."""

from __future__ import annotations

import time

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from reporting.figures import compute_year
from reporting.models import StatisticsRun
from reporting.protection import protect_year
from victimsupport.celery import ActorTask
from victimsupport.jobs import DATABASE_RETRY, JobResult, job_progress, job_run, job_start
from victimsupport.models import Job, User

# Under the broker's visibility timeout (2 x CELERY_TASK_TIME_LIMIT), so a running task is never handed out twice.
STATISTICS_TIME_LIMIT = 600


@shared_task(
    name="reporting.compute_statistics",
    base=ActorTask,
    ignore_result=True,
    time_limit=STATISTICS_TIME_LIMIT,
    soft_time_limit=STATISTICS_TIME_LIMIT - 30,
    **DATABASE_RETRY,
)
def compute_statistics(job_id: int, *, actor_id: int) -> None:
    run_statistics_job(job_id)


@shared_task(
    name="reporting.compute_nightly",
    ignore_result=True,
    time_limit=2 * STATISTICS_TIME_LIMIT,
    soft_time_limit=2 * STATISTICS_TIME_LIMIT - 30,
)
def compute_nightly() -> None:
    statistics_nightly()


def statistics_request(*, actor: User, year: int) -> Job:
    job = job_start(
        compute_statistics,
        kind="statistics",
        created_by=actor,
        params={"year": year},
        message=gettext_noop("Waiting for a worker"),
    )
    return job


def statistics_compute(*, year: int, actor: User | None = None, progress=None) -> StatisticsRun:
    """Count the year's figures and protect their small cells as a whole, written together: a page never
    sees new figures with an earlier run's hidden cells."""

    def record(data: dict) -> StatisticsRun:
        if progress:
            progress(95, "protection")
        started = time.monotonic()
        protected = protect_year(year)
        data["protection_seconds"] = round(time.monotonic() - started, 3)
        data["hidden"] = len(protected)
        seconds = data["seconds"] + data["protection_seconds"]
        return StatisticsRun.objects.create(
            year=year, computed_by=actor, seconds=seconds, data=data, protected=protected
        )

    return compute_year(year, progress=progress, record=record)


def statistics_nightly() -> list[StatisticsRun]:
    """The current and the previous year (late entries and corrections reach last year's figures)."""
    this_year = timezone.localdate().year
    return [statistics_compute(year=year) for year in (this_year - 1, this_year)]


def run_statistics_job(job_id: int) -> StatisticsRun | None:
    result = job_run(
        job_id,
        _compute_statistics,
        failure=gettext_noop("The statistics could not be computed. Try again or tell the administrator."),
    )
    return None if result is None else result.value


def _compute_statistics(job) -> JobResult:
    year = int(job.params["year"])
    run = statistics_compute(
        year=year,
        actor=job.created_by,
        progress=lambda percent, key: job_progress(
            job, percent, gettext_noop("Hiding small counts") if key == "protection" else gettext_noop("Counting")
        ),
    )
    url = reverse("reporting:dashboard") + f"?period=year&year={year}"
    return JobResult(gettext_noop("The statistics are ready."), url, value=run)
