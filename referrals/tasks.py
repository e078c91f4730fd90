from celery import shared_task

from victimsupport.celery import ActorTask


@shared_task(
    name="referrals.render_referral_letter", base=ActorTask, ignore_result=True, time_limit=120, soft_time_limit=100
)
def render_referral_letter(job_id: int, *, actor_id: int) -> None:
    from referrals.letters import render_referral_letter_job

    render_referral_letter_job(job_id)
