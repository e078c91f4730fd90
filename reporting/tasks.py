from celery import shared_task

from victimsupport.celery import ActorTask


@shared_task(
    name="reporting.compute_statistics", base=ActorTask, ignore_result=True, time_limit=600, soft_time_limit=570
)
def compute_statistics(job_id: int, *, actor_id: int) -> None:
    from reporting.services import run_statistics_job

    run_statistics_job(job_id)
