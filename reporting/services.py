"""Starting and running a statistics computation (a job the page polls)."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext_noop

from reporting.models import StatisticsRun
from reporting.statistics import compute_yearly
from victimsupport.celery import ActorTask
from victimsupport.jobs import JobResult, job_create, job_progress, job_run
from victimsupport.models import Job, User


@shared_task(
    name="reporting.compute_statistics", base=ActorTask, ignore_result=True, time_limit=600, soft_time_limit=570
)
def compute_statistics(job_id: int, *, actor_id: int) -> None:
    run_statistics_job(job_id)


def statistics_request(*, actor: User, year: int) -> Job:
    job = job_create(
        kind="statistics", created_by=actor, params={"year": year}, message=gettext_noop("Waiting for a worker")
    )
    compute_statistics.delay_on_commit(job.pk, actor_id=actor.pk)
    return job


def run_statistics_job(job_id: int) -> StatisticsRun | None:
    result = job_run(
        job_id,
        _compute_statistics,
        failure=gettext_noop("The statistics could not be computed. Try again or tell the administrator."),
    )
    return None if result is None else result.value


def _compute_statistics(job) -> JobResult:
    data = compute_yearly(
        int(job.params["year"]), progress=lambda percent, _key: job_progress(job, percent, gettext_noop("Counting"))
    )
    run = StatisticsRun.objects.create(
        year=data["year"], computed_by=job.created_by, seconds=data["seconds"], data=data
    )
    url = reverse("reporting:statistics-run", args=[run.pk])
    return JobResult(gettext_noop("The statistics are ready."), url, value=run)
