"""Tasks of the prevention app, for the worker."""

from celery import shared_task

from prevention.services.materials import send_review_reminders


@shared_task(name="prevention.remind_reviews", ignore_result=True)
def remind_reviews() -> int:
    return send_review_reminders()
