"""Passkeys (WebAuthn) as a second factor beside the authenticator app: django-otp-webauthn's ceremonies
with this system's relying party, security log and messages. Never a first factor (no passwordless login:
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off), so a ceremony always belongs to a logged-in user."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as ceremonies
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers.exceptions import WebAuthnException

from victimsupport.security import security_event

logger = logging.getLogger(__name__)


class PasskeyRefused(exceptions.OTPWebAuthnApiError):
    status_code = 422
    default_code = "unprocessable_request"


class PasskeyTaken(exceptions.OTPWebAuthnApiError):
    status_code = 409
    default_code = "credential_taken"


class PasskeyHelper(WebAuthnHelper):
    """The relying party is the configured one (SITE_URL's host). A development server (DEBUG, no
    WEBAUTHN_RP_ID set) answers on whatever host and port it was started with: there, that address is it.
    Whatever a browser sends that cannot be read is refused (4xx), never a server error."""

    def _development_host(self) -> str | None:
        if not settings.DEBUG or settings.WEBAUTHN_RP_ID_SET:
            return None
        host = self.request.get_host()  # checked against ALLOWED_HOSTS
        return host.rsplit(":", 1)[0] if not host.endswith("]") else host

    def get_relying_party_domain(self) -> str:
        return self._development_host() or super().get_relying_party_domain()

    def get_allowed_origins(self) -> list[str]:
        origins = list(super().get_allowed_origins())
        if self._development_host():
            origins.append(f"{self.request.scheme}://{self.request.get_host()}")
        return origins

    def get_credential_display_name(self, user) -> str:
        return user.get_full_name() or user.get_username()

    def _check_discoverable(self, original_data: dict) -> bool | None:
        """Only informative (the library's own indexes whatever the browser sent)."""
        results = original_data.get("clientExtensionResults") if isinstance(original_data, dict) else None
        properties = results.get("credProps") if isinstance(results, dict) else None
        found = properties.get("rk") if isinstance(properties, dict) else None
        return found if isinstance(found, bool) else None

    def create_credential(self, user, *args, **kwargs):
        device = super().create_credential(user, *args, **kwargs)
        if WebAuthnCredential.objects.filter(
            credential_id_sha256=WebAuthnCredential.get_credential_id_sha256(device.credential_id)
        ).exists():
            raise PasskeyTaken()
        taken = set(WebAuthnCredential.objects.filter(user=user).values_list("name", flat=True))
        names = (_("Passkey %(number)s") % {"number": number} for number in range(1, len(taken) + 2))
        device.name = next(name for name in names if name not in taken)
        return device

    def register_complete(self, *args, **kwargs):
        try:
            with transaction.atomic():  # the same passkey sent twice at once: one is saved
                return super().register_complete(*args, **kwargs)
        except IntegrityError as exc:
            raise PasskeyTaken() from exc
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise PasskeyRefused() from exc

    def authenticate_complete(self, *args, **kwargs):
        try:
            return super().authenticate_complete(*args, **kwargs)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # e.g. a userHandle not in base64
            raise PasskeyRefused() from exc


def _failure_text(code: str) -> str:
    """What the person is told, in their language (the library's own texts have no Estonian)."""
    texts = {
        "credential_not_found": _("This passkey is not registered in this system. Use another one."),
        "credential_user_mismatch": _("This passkey belongs to another account."),
        "credential_disabled": _("This passkey is disabled."),
        "credential_taken": _("This passkey is already registered."),
        "user_not_verified": _("Confirm your login with a passkey or the code first, then add a new passkey."),
        "invalid_state": _("The request expired. Please try again."),
    }
    return texts.get(code, _("The passkey could not be checked. Please try again."))


class _Errors:
    """The library's API errors, and the WebAuthn library's own on malformed answers, as a JSON 4xx with a
    message in the user's language, never a server error; refusals to a logged-in user are in the
    security log."""

    failure_event = ""

    def _parse_request_data(self, request):
        try:
            return super()._parse_request_data(request)
        except (ValueError, RecursionError) as exc:  # not UTF-8, nested too deep
            raise exceptions.MalformedRequest() from exc

    def handle_exception(self, exc):
        if isinstance(exc, WebAuthnException):
            exc = PasskeyRefused()
        if not isinstance(exc, exceptions.OTPWebAuthnApiError):
            raise exc
        logger.info("passkey ceremony refused: %s", exc.code)
        if self.failure_event and self.request.user.is_authenticated:
            security_event(self.failure_event, actor=self.request.user, method="passkey", reason=exc.code)
        return JsonResponse({"detail": _failure_text(exc.code), "code": exc.code}, status=exc.status_code)


class BeginRegistration(_Errors, ceremonies.BeginCredentialRegistrationView):
    failure_event = "passkey_registration_failed"  # e.g. a password-only session of an account with a factor


class CompleteRegistration(_Errors, ceremonies.CompleteCredentialRegistrationView):
    failure_event = "passkey_registration_failed"

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device = json.loads(response.content)["id"]
            security_event("second_factor_enrolled", actor=self.request.user, method="passkey", device=device)
            messages.success(self.request, _("The passkey is added. Next time you can log in with it."))
        return response


class BeginAuthentication(_Errors, ceremonies.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(_Errors, ceremonies.CompleteCredentialAuthenticationView):
    failure_event = "second_factor_failed"

    def complete_auth(self, device):
        super().complete_auth(device)
        security_event("second_factor", actor=self.request.user, method="passkey", device=device.pk)


app_name = "otp_webauthn"  # the library's templates and scripts reverse these names
urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", BeginAuthentication.as_view(), name="credential-authentication-begin"),
    path("authentication/complete/", CompleteAuthentication.as_view(), name="credential-authentication-complete"),
    # The scripts' texts: Estonian from this project's locale/*/djangojs.po (LOCALE_PATHS).
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
