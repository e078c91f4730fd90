"""Starting and running a statistics computation (a job the page polls)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop

from reporting.models import StatisticsRun
from reporting.statistics import compute_yearly
from victimsupport.jobs import job_claim, job_create, job_fail, job_finish, job_progress
from victimsupport.models import Job


def request_statistics(*, actor, year: int) -> Job:
    from reporting.tasks import compute_statistics

    job = job_create(
        kind="statistics", created_by=actor, params={"year": year}, message=gettext_noop("Waiting for a worker")
    )
    compute_statistics.delay_on_commit(job.pk, actor_id=actor.pk)
    return job


def run_statistics_job(job_id: int) -> StatisticsRun | None:
    job = job_claim(job_id)
    if job is None:
        return None
    try:
        data = compute_yearly(
            int(job.params["year"]), progress=lambda percent, _key: job_progress(job, percent, gettext_noop("Counting"))
        )
        run = StatisticsRun.objects.create(
            year=data["year"], computed_by=job.created_by, seconds=data["seconds"], data=data
        )
        job_finish(
            job,
            message=gettext_noop("The statistics are ready."),
            result_url=reverse("reporting:statistics-run", args=[run.pk]),
        )
        return run
    except Exception:
        job_fail(job, gettext_noop("The statistics could not be computed. Try again or tell the administrator."))
        raise
