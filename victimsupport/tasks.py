"""The platform's Celery tasks. A task is defined next to the work it runs (notify, sampleletter); this
module imports those for the worker and holds the ones with no other home. Nothing imports this module:
services import the modules their tasks live in, so services and tasks never import each other."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from victimsupport.notify import send_notification_email
from victimsupport.sampleletter import render_sample_letter
from victimsupport.services import deactivate_user
from victimsupport.views.health import WORKER_HEARTBEAT_KEY

__all__ = ["deactivate_user", "heartbeat", "render_sample_letter", "send_notification_email"]


@shared_task(name="victimsupport.heartbeat", ignore_result=True)
def heartbeat() -> None:
    cache.set(WORKER_HEARTBEAT_KEY, timezone.now().isoformat(), 600)
