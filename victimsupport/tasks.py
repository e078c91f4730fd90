from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from victimsupport.celery import ActorTask


@shared_task(name="victimsupport.heartbeat", ignore_result=True)
def heartbeat() -> None:
    from victimsupport.views.health import WORKER_HEARTBEAT_KEY

    cache.set(WORKER_HEARTBEAT_KEY, timezone.now().isoformat(), 600)


@shared_task(name="victimsupport.render_sample_letter", base=ActorTask, time_limit=120, soft_time_limit=100)
def render_sample_letter(job_id: int, *, actor_id: int) -> None:
    from victimsupport.sampleletter import render_sample_letter_job

    render_sample_letter_job(job_id)


@shared_task(name="victimsupport.send_notification_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> None:
    from victimsupport.models import Notification
    from victimsupport.notify import email_notification

    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is not None and notification.user.email:
        email_notification(notification)


@shared_task(name="victimsupport.deactivate_user", base=ActorTask, ignore_result=True)
def deactivate_user(user_id: int, *, actor_id: int) -> None:
    """A leaver: the account is closed and every open session ended (history records the actor)."""
    from victimsupport.models import User
    from victimsupport.services import user_deactivate

    user_deactivate(User.objects.get(pk=user_id), actor=User.objects.get(pk=actor_id))
