"""The platform's Celery tasks. A task is defined next to the work it runs (notify, sampleletter); this
module imports those for the worker and holds the ones with no other home. Nothing imports this module:
services import the modules their tasks live in, so services and tasks never import each other."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from victimsupport.jobs import broker_queue_lengths, jobs_requeue_lost
from victimsupport.mail import send_outgoing_mail, send_waiting_mail
from victimsupport.notify import send_notification_email
from victimsupport.register import documents_check_integrity
from victimsupport.sampleletter import render_sample_letter
from victimsupport.scheduled import scheduled_requeue_missed
from victimsupport.services import deactivate_user
from victimsupport.views.health import WORKER_HEARTBEAT_KEY

__all__ = [
    "check_documents",
    "deactivate_user",
    "heartbeat",
    "render_sample_letter",
    "requeue_lost_jobs",
    "send_notification_email",
    "send_outgoing_mail",
    "send_waiting_mail",
]


@shared_task(name="victimsupport.check_documents", ignore_result=True, time_limit=3600, soft_time_limit=3500)
def check_documents() -> None:
    documents_check_integrity()


@shared_task(name="victimsupport.requeue_lost_jobs", ignore_result=True)
def requeue_lost_jobs() -> None:
    waiting = broker_queue_lengths()
    jobs_requeue_lost(queue_lengths=lambda: waiting)
    scheduled_requeue_missed(queue_lengths=lambda: waiting)


@shared_task(name="victimsupport.heartbeat", ignore_result=True)
def heartbeat() -> None:
    cache.set(WORKER_HEARTBEAT_KEY, timezone.now().isoformat(), 600)
