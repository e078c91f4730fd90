"""Login, lockout, logout and the second step of login (a passkey or the authenticator app)."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from victimsupport.middleware import client_ip, has_second_factor
from victimsupport.security import security_event


class LoginForm(auth_views.AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("Wrong username or password. Note that both are case-sensitive."),
        "inactive": gettext_lazy("Wrong username or password. Note that both are case-sensitive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("Username")
        self.fields["password"].label = gettext_lazy("Password")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        # AuthenticationForm sets the username's max_length after the field is built, which adds no
        # validator: a longer name reached the lockout table (255 characters) and failed there.
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length or 150, message=self.error_messages["invalid_login"])
        )


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "tara_enabled": settings.TARA_ENABLED}


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The invitation link (and only it) sets a password: a new volunteer's first one. Then the login page,
    and at the first login the second factor where it is required."""

    template_name = "registration/password_set.html"
    post_reset_login = False

    def get_success_url(self):
        return reverse("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        security_event("password_set", actor=form.user, user=form.user)
        messages.success(self.request, _("Your password is set. Log in with it."))
        return response


def locked_out(request, credentials, *args, **kwargs):
    """axes: the account is locked for this address; say until when."""
    username = (credentials or {}).get("username", "")
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=client_ip(request)).order_by("-attempt_time").first()
    )
    cooloff: timedelta = settings.AXES_COOLOFF_TIME
    until = (attempt.attempt_time if attempt else timezone.now()) + cooloff
    security_event("lockout", username=str(username)[:150])
    return render(
        request,
        "registration/locked_out.html",
        {"until": timezone.localtime(until), "minutes": int(cooloff.total_seconds() // 60)},
        status=429,
    )


def _safe_next(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in the app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of login: a passkey (victimsupport.passkeys) or a code from the authenticator app."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if not has_second_factor(request.user):
        return redirect("otp-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                security_event("second_factor", actor=request.user, method="totp")
                return redirect(_safe_next(request))
        security_event("second_factor_failed", actor=request.user, method="totp")
        form.add_error("token", _("The code is not valid. Check the clock of your phone and try again."))
    has_passkey = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists()
    context = {
        "form": form,
        "next": _safe_next(request, ""),
        "tara_enabled": settings.TARA_ENABLED,
        "has_passkey": has_passkey,
        "has_app": TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists(),
    }
    if has_passkey:
        form.fields["token"].widget.attrs.pop("autofocus", None)  # the passkey button comes first
    return render(request, "registration/otp_verify.html", context)
