"""Tasks of the compensation app, for the worker. They live next to their work (letters); services
import those modules, never this one."""

from celery import shared_task

from compensation.letters import render_compensation_letter, render_request_letter, send_compensation_email
from compensation.services.evidence import send_request_reminders

__all__ = ["remind_requests", "render_compensation_letter", "render_request_letter", "send_compensation_email"]


@shared_task(name="compensation.remind_requests", ignore_result=True)
def remind_requests() -> int:
    return send_request_reminders()
