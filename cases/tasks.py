from celery import shared_task


@shared_task(name="cases.remind_due_tasks", ignore_result=True)
def remind_due_tasks() -> int:
    from cases.reminders import send_task_reminders

    return send_task_reminders()
