"""Login bookkeeping: login sessions, the absolute-lifetime clock and the security log."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from victimsupport.middleware import SESSION_AUTH_AT, SESSION_AUTH_BY, client_ip
from victimsupport.models import UserSession
from victimsupport.security import security_event


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_AUTH_AT] = time.time()
    request.session.pop(SESSION_AUTH_BY, None)  # TARA's callback marks its own logins after this
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    security_event("login", actor=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="logout"
        )
    if user is not None:
        security_event("logout", actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    security_event("login_failed", username=str(credentials.get("username", ""))[:150])
