"""Staff log in through TARA, the Estonian state's authentication service (ID card, Mobile-ID, Smart-ID),
beside passwords: OpenID Connect authorisation code flow with PKCE (mozilla-django-oidc). The person is
matched by the personal code in the ID token's subject ("EE" + code) to an existing active account, never
created; a login through TARA counts as two factors (the session is marked, and SecondFactorMiddleware
lets it through); session limits, rotation and the security log apply as for passwords (auth.login)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from victimsupport.middleware import SESSION_AUTH_BY
from victimsupport.models import User
from victimsupport.security import security_event

BACKEND = "victimsupport.tara.TaraBackend"
SESSION_NO_ACCOUNT = "vs_tara_no_account"


def tara_enabled() -> bool:
    return bool(settings.TARA_ENABLED)


def personal_code(claims: dict) -> str:
    """The personal code in TARA's subject ("EE38001085718" → "38001085718"), or "" for anything else."""
    subject = str(claims.get("sub", ""))
    code = subject[2:]
    return code if subject.startswith("EE") and len(code) == 11 and code.isascii() and code.isdigit() else ""


class TaraBackend(OIDCAuthenticationBackend):
    def get_userinfo(self, access_token, id_token, payload):
        """TARA gives the person in the (verified) ID token itself."""
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(personal_code(claims))

    def filter_users_by_claims(self, claims):
        return User.objects.filter(personal_code=personal_code(claims), is_active=True)

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


class TaraStartView(OIDCAuthenticationRequestView):
    def get(self, request):
        if not tara_enabled():
            raise Http404
        return super().get(request)


class TaraCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not tara_enabled():
            raise Http404
        return super().get(request)

    def login_success(self):
        response = super().login_success()  # auth.login: a new session key, the login signal, the log
        self.request.session[SESSION_AUTH_BY] = "tara"
        security_event("login_tara", actor=self.user)
        return response


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
