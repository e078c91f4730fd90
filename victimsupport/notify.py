"""Telling staff something: an in-app notice, and optionally an e-mail without personal data (sent by
a worker)."""

from __future__ import annotations

from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

from victimsupport.models import Notification, Role, User


def notify(users: Iterable, message: str, *, params: dict | None = None, link: str = "", email: bool = False) -> None:
    """`message` is an untranslated message id (gettext_noop) with %(name)s parameters."""
    for user in users:
        notification = Notification.objects.create(user=user, message=message, params=params or {}, link=link)
        if email and user.email:
            send_notification_email.delay_on_commit(notification.pk)


def notify_administrators(message: str, *, params: dict | None = None, link: str = "", email: bool = False) -> None:
    """Tell every active administrator (a failure they must look into)."""
    notify(
        User.objects.filter(groups__name=Role.ADMINISTRATOR, is_active=True),
        message,
        params=params,
        link=link,
        email=email,
    )


def email_notification(notification: Notification) -> None:
    user = notification.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = notification.text
        body = subject + (f"\n\n{settings.SITE_URL}{notification.link}" if notification.link else "")
    send_mail(subject[:150], body, None, [user.email])


@shared_task(name="victimsupport.send_notification_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is not None and notification.user.email:
        email_notification(notification)
