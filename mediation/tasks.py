"""Tasks of the mediation app, for the worker. They live next to their work (letters); services import
those modules, never this one."""

from celery import shared_task

from mediation.letters import render_report
from mediation.services.mediations import send_reminders

__all__ = ["remind_deadlines", "render_report"]


@shared_task(name="mediation.remind_deadlines", ignore_result=True)
def remind_deadlines() -> int:
    return send_reminders()
