"""Tasks of the cases app, for the worker: thin, ids in, a service called. Letter and delivery tasks live
next to their work (aidletters, delivery); services import those modules, never this one."""

from celery import shared_task

from cases.aidletters import render_decision_letter
from cases.delivery import send_decision_email
from cases.reminders import send_aid_deadline_reminders, send_task_reminders

__all__ = ["remind_aid_deadlines", "remind_due_tasks", "render_decision_letter", "send_decision_email"]


@shared_task(name="cases.remind_due_tasks", ignore_result=True)
def remind_due_tasks() -> int:
    return send_task_reminders()


@shared_task(name="cases.remind_aid_deadlines", ignore_result=True)
def remind_aid_deadlines() -> int:
    return send_aid_deadline_reminders()
