"""Staff log in through TARA, the Estonian state's authentication service (ID card, Mobile-ID, Smart-ID),
beside passwords: OpenID Connect authorisation code flow with PKCE and a nonce (mozilla-django-oidc). The
ID token is checked for its signature, issuer, audience and times (with a little clock leeway) and for an
assurance level of at least "substantial"; the person is matched by the personal code in its subject
("EE" + code) to an existing active account, never created. A login through TARA counts as two factors
(the session is marked, and SecondFactorMiddleware lets it through); session limits, key rotation and the
security log apply as for passwords (auth.login)."""

from __future__ import annotations

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from victimsupport.backends import Backend
from victimsupport.middleware import SESSION_AUTH_BY, TARA_BACKEND
from victimsupport.security import security_event

BACKEND = TARA_BACKEND
SESSION_NO_ACCOUNT = "vs_tara_no_account"
# TARA's levels of assurance that count as a login of their own (eIDAS "substantial" or "high").
ACCEPTED_ACR = {"substantial", "high"}
CLOCK_LEEWAY_SECONDS = 10


def tara_enabled() -> bool:
    return bool(settings.TARA_ENABLED)


def redirect_url() -> str:
    """The callback address registered with TARA (exactly this one, whatever Host a request came with)."""
    return settings.TARA_REDIRECT_URL


def personal_code(claims: dict) -> str:
    """The personal code in TARA's subject ("EE38001085718" → "38001085718"), or "" for anything else."""
    subject = str(claims.get("sub", ""))
    code = subject[2:]
    return code if subject.startswith("EE") and len(code) == 11 and code.isascii() and code.isdigit() else ""


class TaraBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        """Only the callback, with the state's nonce and PKCE verifier: never a password form with a
        ?code= in its address."""
        if (
            request is None
            or request.path != reverse("tara-callback")
            or not kwargs.get("nonce")
            or not kwargs.get("code_verifier")
        ):
            return None
        return super().authenticate(request, **kwargs)

    def get_token(self, payload):
        payload["redirect_uri"] = redirect_url()
        return super().get_token(payload)

    def get_payload_data(self, token, key):
        """The ID token's signature, issuer, audience and times (mozilla's default checks no audience)."""
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[settings.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.TARA_ISSUER,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"the ID token is not valid: {type(error).__name__}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """TARA gives the person in the (verified) ID token itself."""
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(personal_code(claims)) and claims.get("acr") in ACCEPTED_ACR

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(personal_code=personal_code(claims), is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            self.request.session[SESSION_NO_ACCOUNT] = True
            security_event("tara_no_account")  # no personal code in the log: nobody's account
        return user

    def create_user(self, claims):
        return None  # accounts are made by administrators, never by a login

    def update_user(self, user, claims):
        return user

    def get_user(self, user_id):
        """As for password logins: active users only, roles and regions read at once."""
        return Backend().get_user(user_id)


class TaraStartView(OIDCAuthenticationRequestView):
    def get(self, request):
        if not tara_enabled():
            raise Http404
        return super().get(request)

    def get_extra_params(self, request):
        return {"redirect_uri": redirect_url(), "ui_locales": request.LANGUAGE_CODE or "et"}


class TaraCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not tara_enabled():
            raise Http404
        if request.GET.get("error"):
            # TARA sent the person back without a login (cancelled, or failed): nobody is logged out by it.
            states = request.session.get("oidc_states", {})
            if request.GET.get("state") in states:
                del states[request.GET["state"]]
                request.session.modified = True
            security_event("tara_cancelled", reason=str(request.GET.get("error"))[:50])
            return self.login_failure()
        try:
            return super().get(request)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, ValueError, KeyError) as error:
            # TARA unreachable, an unknown or repeated state, a token that does not verify: no error page.
            security_event("tara_failed", reason=type(error).__name__)
            return self.login_failure()

    def login_success(self):
        # Always a login of its own (a new session key, the login signal and its log), even for the user
        # already logged in with a password in this browser.
        auth.login(self.request, self.user, backend=BACKEND)
        self.request.session[SESSION_AUTH_BY] = "tara"
        security_event("login_tara", actor=self.user)
        return redirect(self.success_url)


class TaraFailedView(View):
    def get(self, request):
        if request.session.pop(SESSION_NO_ACCOUNT, False):
            messages.error(
                request,
                _(
                    "You were identified, but there is no account for your personal code in victim support's "
                    "system. Ask an administrator to make one, or log in with your username and password."
                ),
            )
        else:
            messages.error(request, _("The login through TARA did not succeed. Please try again."))
        return redirect("login")


def axes_exempt(request, credentials=None) -> bool:
    """django-axes counts failed password logins per name and address; TARA's failures have no name and
    would lock TARA for a whole office network: the security log records them instead."""
    return request is not None and request.path == reverse("tara-callback")
