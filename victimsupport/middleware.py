"""Request-wide guards: session lifetime, the second factor, no caching of personal data."""

from __future__ import annotations

import time

import django_otp.middleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import get_user
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from victimsupport.requestcontext import reset_request, set_request
from victimsupport.usercache import device_exists

SESSION_AUTH_AT = "vs_auth_at"
SESSION_AUTH_BY = "vs_auth_by"  # "tara": the login was through TARA (victimsupport.tara)
TARA_FACTOR = "TARA"  # what stands for the second factor of a TARA login (django-otp's user.otp_device)
TARA_BACKEND = "victimsupport.tara.TaraBackend"


def tara_login(request) -> bool:
    """Whether this session's login was through TARA: the mark set by its callback and its backend both
    (the mark is removed at every login, victimsupport.signals)."""
    session = request.session
    return session.get(SESSION_AUTH_BY) == "tara" and session.get(BACKEND_SESSION_KEY) == TARA_BACKEND


def client_ip(request) -> str | None:
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None


def ended_session_key(session_key: str) -> str:
    return f"session-ended:{session_key}"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = set_request(client_ip(request), request.path)
        try:
            return self.get_response(request)
        finally:
            reset_request(tokens)


class SessionGuardMiddleware:
    """Absolute session lifetime, and sessions an administrator ended. (The idle limit is the session
    cookie's age, renewed on every request.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if cookie_key and cache.get(ended_session_key(cookie_key)):
            cache.delete(ended_session_key(cookie_key))
            if request.user.is_authenticated:
                logout(request)
            messages.warning(request, _("An administrator ended your session. Please log in again."))
            return redirect(settings.LOGIN_URL)
        if request.user.is_authenticated:
            auth_at = request.session.get(SESSION_AUTH_AT)
            if auth_at is None or time.time() - auth_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session reached its time limit. Please log in again."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Users who must (OTP_REQUIRED, or a role in OTP_REQUIRED_ROLES) or chose to (a confirmed device) use a
    second factor reach nothing but the second-factor pages until they have given it."""

    exempt_prefixes = ("/static/", "/heartbeat.json", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and tara_login(request) and not user.is_verified():
            user.otp_device = TARA_FACTOR  # a login through TARA is two factors (is_verified() holds)
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(self.exempt_prefixes):
            # The second-factor pages and a passkey's ceremonies (victimsupport.passkeys: an account with a
            # second factor adds a passkey only once it is given), logging out, and TARA (two factors).
            exempt = {
                reverse("otp-verify"),
                reverse("otp-setup"),
                reverse("logout"),
                reverse("tara-start"),
                reverse("tara-callback"),
                reverse("tara-failed"),
            }
            if request.path not in exempt and not passkey_ceremony(request.path_info):
                if has_second_factor(user):
                    return redirect(f"{reverse('otp-verify')}?next={request.get_full_path()}")
                if second_factor_required(user):
                    return redirect("otp-setup")
        return self.get_response(request)


class OTPMiddleware(django_otp.middleware.OTPMiddleware):
    """django-otp's, finding the session's second factor among the signed-in user's cached devices
    (victimsupport.usercache) instead of reading it on every request; as before, a device no longer
    confirmed or no longer the user's leaves the session unverified. The user is set at once, not behind
    two lazy proxies (Django's and django-otp's): every request reads it (SessionGuardMiddleware), and a
    list page then went through both some 350 times."""

    def __call__(self, request):
        if self._is_async:
            return self.__acall__(request)  # django-otp's, lazy (the app runs under WSGI)
        self._install_lazy_accessors(request)  # request.auser, as django-otp sets it
        if getattr(request, "user", None) is not None:
            request.user = self._verify_user_sync(request, get_user(request))
        return self.get_response(request)

    def _verify_user_sync(self, request, user):
        devices = getattr(user, "otp_devices", None) if user.is_authenticated else None
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if devices is not None else None
        if not persistent_id:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        device = devices.get(self._normalize_persistent_id(persistent_id))
        user.otp_device = self._finalize_device(request, user, device)
        return user


def second_factor_required(user) -> bool:
    return settings.OTP_REQUIRED or user.has_role(*settings.OTP_REQUIRED_ROLES)


def has_second_factor(user) -> bool:
    """django-otp's user_has_device in one query (it asks each kind of device in turn), or none for the
    signed-in user, whose cached copy knows it (victimsupport.usercache)."""
    known = getattr(user, "has_device", None)
    if known is not None:
        return known
    return user._meta.model._default_manager.filter(pk=user.pk).filter(device_exists()).exists()


def passkey_ceremony(path: str) -> bool:
    try:
        return resolve(path).namespace == "otp_webauthn"
    except Resolver404:
        return False


class NoStoreMiddleware:
    """Pages may carry personal data: no browser or proxy keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response
