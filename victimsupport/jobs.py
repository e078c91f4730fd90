"""Job rows for long work: claimed by a conditional UPDATE, progress reported as the work goes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app, current_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, models
from django.utils import timezone
from django.utils.translation import gettext_noop

from victimsupport.models import Job
from victimsupport.models.jobs import JobStatus
from victimsupport.storage import STORAGE_ERRORS

logger = logging.getLogger(__name__)


def job_create(
    *,
    kind: str,
    created_by,
    target: models.Model | None = None,
    params: dict | None = None,
    message: str = "",
    task_name: str = "",
) -> Job:
    return Job.objects.create(
        kind=kind,
        created_by=created_by,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        params=params or {},
        message=message,
        task_name=task_name,
    )


def job_start(task, *, created_by, **fields) -> Job:
    """A job row and its task, sent to the broker when the transaction commits. The row names the task,
    so that work the broker loses is sent again (jobs_requeue_lost)."""
    job = job_create(created_by=created_by, task_name=task.name, **fields)
    task.delay_on_commit(job.pk, actor_id=created_by.pk)
    return job


# A queued job older than this with nothing waiting in the broker's queues was lost by the broker.
LOST_AFTER = timedelta(minutes=2)


def jobs_requeue_lost(*, queue_lengths: Callable[[], int] | None = None) -> list[int]:
    """Send again the tasks of jobs the broker no longer holds: queued for a while while the broker's
    queues are empty (a broker restarted without its data), or running past the task time limit (the
    worker and its message are gone). A job sent twice is done once: the claim is a conditional update."""
    waiting = (queue_lengths or broker_queue_lengths)()
    now = timezone.now()
    lost = models.Q(status=JobStatus.RUNNING, started_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT))
    if not waiting:
        lost |= models.Q(status=JobStatus.QUEUED, created_at__lt=now - LOST_AFTER)
    jobs = list(Job.objects.filter(lost).exclude(task_name="").values_list("pk", "task_name", "created_by_id"))
    for pk, task_name, actor_id in jobs:
        current_app.send_task(task_name, args=[pk], kwargs={"actor_id": actor_id})
    return [pk for pk, _task, _actor in jobs]


def broker_queue_lengths() -> int:
    """Messages waiting in the broker's queues of this project (Redis lists)."""
    with current_app.connection_for_read() as connection:
        client = connection.default_channel.client
        return sum(client.llen(queue) for queue in settings.CELERY_QUEUES_WATCHED)


def job_claim(job_id: int, *, task_id: str = "", redelivered: bool = False) -> Job | None:
    """Take a queued job, or one whose worker was lost: past the task time limit, or at once when the
    same task (`task_id`) comes back because the process running it died or its failed run is retried
    (`redelivered`: a killed pool process is requeued at once, while its job still says "running"). None
    when another task has it or it is finished, so a second delivery, or a copy sent again by the
    sweeper, is harmless."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    running = models.Q(status=JobStatus.RUNNING, started_at__lt=stale)
    if redelivered and task_id:
        running |= models.Q(status=JobStatus.RUNNING, claimed_by=task_id)
    claimed = Job.objects.filter(models.Q(status=JobStatus.QUEUED) | running, pk=job_id).update(
        status=JobStatus.RUNNING, started_at=now, progress=1, claimed_by=task_id
    )
    if not claimed:
        return None
    return Job.objects.get(pk=job_id)


# The database out of reach for a moment (a restart, a failover): a job's task is tried again.
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY = {
    "autoretry_for": DATABASE_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": settings.JOB_RETRY_BACKOFF_MAX,
    "max_retries": settings.JOB_MAX_RETRIES,
}
# Tasks that store documents retry a storage error (disk full, permission denied, a storage service
# away) too, with growing pauses: `@shared_task(..., **STORAGE_RETRY)`. Nothing is registered by a failed
# try (the register entry and its file are written in one transaction).
STORAGE_RETRY = {**DATABASE_RETRY, "autoretry_for": (*STORAGE_ERRORS, *DATABASE_ERRORS)}
STORAGE_RETRYING = gettext_noop(
    "The document could not be written yet (a storage or file error). It will be tried again in a moment."
)
DATABASE_RETRYING = gettext_noop("The database could not be reached. The work will be tried again in a moment.")
STORAGE_FAILED = gettext_noop(
    "The document could not be written: a storage or file error. Tell the administrator; nothing was registered."
)


def task_will_retry(exc: BaseException) -> bool:
    """Whether the task running now will be retried for this error (its autoretry_for, retries left)."""
    task = current_task
    request = getattr(task, "request", None)
    if request is None or not isinstance(exc, tuple(getattr(task, "autoretry_for", ()) or ())):
        return False
    limit = getattr(task, "max_retries", None)
    return limit is None or (request.retries or 0) < limit


def job_requeue(job: Job, message: str) -> None:
    """Back to queued, for the task's retry to claim."""
    job.status, job.progress, job.message = JobStatus.QUEUED, 0, message[:300]
    Job.objects.filter(pk=job.pk).update(status=job.status, progress=0, message=job.message)


def task_redelivered() -> bool:
    """Whether the task running now came back to the queue because the process running it was lost (the
    broker marks a message it hands out again; our time limits end a task before the broker's visibility
    timeout, so the earlier run is gone), or is a retry of its own failed run (which may have claimed
    the job and could not write that it let it go: the database was out of reach)."""
    request = getattr(current_task, "request", None)
    if getattr(request, "retries", 0):
        return True
    return bool((getattr(request, "delivery_info", None) or {}).get("redelivered"))


def job_progress(job: Job, progress: int, message: str = "") -> None:
    job.progress = max(0, min(99, progress))
    if message:
        job.message = message[:300]
    Job.objects.filter(pk=job.pk).update(progress=job.progress, message=job.message)


def job_finish(job: Job, *, message: str = "", result_url: str = "", document=None) -> None:
    job.status = JobStatus.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.message = message[:300]
    job.result_url = result_url
    if document is not None:
        job.result_document = document
    job.save()


def job_fail(job: Job, message: str) -> None:
    job.status = JobStatus.FAILED
    job.finished_at = timezone.now()
    job.message = message[:300]
    job.save(update_fields=["status", "finished_at", "message"])


LETTER_FAILED = gettext_noop("The letter could not be made. Try again or tell the administrator.")


@dataclass
class JobResult:
    message: str
    result_url: str = ""
    document: models.Model | None = None
    value: object = None  # what the work made, for the caller (not stored)


def job_run(job_id: int, work: Callable[[Job], JobResult], *, failure: str = LETTER_FAILED) -> JobResult | None:
    """The one runner of job work: claim the job (a second delivery of the task finds it taken or done
    and returns None), run `work` (which reports progress with job_progress and must itself be safe to
    run again), finish with its result, or record the failure and re-raise so the task's retry and
    logging see it."""
    task_id = getattr(getattr(current_task, "request", None), "id", None) or ""
    job = job_claim(job_id, task_id=task_id, redelivered=task_redelivered())
    if job is None:
        return None
    try:
        result = work(job)
    except Exception as exc:
        if isinstance(exc, STORAGE_ERRORS):
            logger.warning("job %s (%s): storage or file error: %s", job.pk, job.kind, exc)
        try:
            if task_will_retry(exc):
                job_requeue(job, DATABASE_RETRYING if isinstance(exc, DATABASE_ERRORS) else STORAGE_RETRYING)
            else:
                job_fail(job, STORAGE_FAILED if isinstance(exc, STORAGE_ERRORS) else failure)
        except DATABASE_ERRORS:  # the job's state cannot be written either: the retry takes the job over
            logger.warning("job %s (%s): the database is out of reach: %s", job.pk, job.kind, exc)
        raise
    job_finish(job, message=result.message, result_url=result.result_url, document=result.document)
    return result
