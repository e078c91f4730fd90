"""Tasks of the cases app: thin, ids in, a service called."""

from celery import shared_task

from victimsupport.celery import ActorTask


@shared_task(name="cases.remind_due_tasks", ignore_result=True)
def remind_due_tasks() -> int:
    from cases.reminders import send_task_reminders

    return send_task_reminders()


@shared_task(name="cases.remind_aid_deadlines", ignore_result=True)
def remind_aid_deadlines() -> int:
    from cases.reminders import send_aid_deadline_reminders

    return send_aid_deadline_reminders()


@shared_task(
    name="cases.render_decision_letter", base=ActorTask, ignore_result=True, time_limit=120, soft_time_limit=100
)
def render_decision_letter(job_id: int, *, actor_id: int) -> None:
    from cases.aidletters import render_decision_letter_job

    render_decision_letter_job(job_id)


@shared_task(
    name="cases.send_decision_email",
    base=ActorTask,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_decision_email(decision_id: int, *, actor_id: int) -> None:
    from cases.delivery import email_decision_letter

    email_decision_letter(decision_id)
