"""The user's own two-step login (user menu): passkeys, added and removed here, and the authenticator app.
The ceremonies themselves are victimsupport.passkeys'; logging in with either is auth.otp_verify."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from victimsupport.middleware import has_second_factor, second_factor_required
from victimsupport.models import User
from victimsupport.security import security_event
from victimsupport.views.auth import TokenForm


class PasskeyNameForm(forms.ModelForm):
    class Meta:
        model = WebAuthnCredential
        fields = ["name"]
        labels = {"name": gettext_lazy("Name")}
        help_texts = {"name": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].max_length = 64
        self.fields["name"].widget.attrs.update({"maxlength": 64, "autocomplete": "off"})


@login_required
@require_http_methods(["GET", "POST"])
def two_step(request):
    """Passkeys (add, rename, remove) and the authenticator app (set up with a code from it). The page
    of the first setup too, where the second factor is required."""
    user = request.user
    if not user.is_verified() and has_second_factor(user):
        return redirect("otp-verify")
    app = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    form, qr_svg, secret = None, "", ""
    if app is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="TOTP", confirmed=False
        )
        form = TokenForm(request.POST or None)
        form.fields["token"].widget.attrs.pop("autofocus", None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"].strip()):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                if not user.is_verified():
                    otp_login(request, device)
                security_event("second_factor_enrolled", actor=user, method="totp")
                messages.success(request, _("The authenticator app is set up."))
                return redirect("otp-setup")
            form.add_error("token", _("The code is not valid. Check the clock of your phone and try again."))
        qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")
        secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
        secret = " ".join(secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4))
    elif request.method == "POST":
        return redirect("otp-setup")
    passkeys = WebAuthnCredential.objects.filter(user=user).order_by("created_at")
    return render(
        request,
        "registration/two_step.html",
        {
            "app": app,
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret,
            "passkeys": [(passkey, PasskeyNameForm(instance=passkey, prefix=f"p{passkey.pk}")) for passkey in passkeys],
            "required": second_factor_required(user) and not user.is_verified(),
        },
    )


def _own_passkey(request, pk: int, *, lock: bool = False) -> WebAuthnCredential:
    """Only one's own (another's: not found). The session has given its second factor where the account
    has one (SecondFactorMiddleware sends it to the login's second step before this)."""
    passkeys = WebAuthnCredential.objects.filter(user=request.user)
    return get_object_or_404(passkeys.select_for_update() if lock else passkeys, pk=pk)


@login_required
@require_POST
def passkey_rename(request, pk: int):
    passkey = _own_passkey(request, pk)
    form = PasskeyNameForm(request.POST, instance=passkey, prefix=f"p{passkey.pk}")
    if form.is_valid():
        form.save()
        messages.success(request, _("The passkey is renamed."))
    else:
        messages.error(request, _("Give the passkey a name, at most 64 characters."))
    return redirect("otp-setup")


@login_required
@require_POST
def passkey_remove(request, pk: int):
    """Not the passkey this session was confirmed with, nor the last way where two steps are required."""
    user = request.user
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))  # one removal at a time per person
    passkey = _own_passkey(request, pk, lock=True)
    if getattr(user.otp_device, "persistent_id", None) == passkey.persistent_id:
        messages.error(request, _("You confirmed this login with this passkey. Log in with another way to remove it."))
    elif passkey.confirmed and second_factor_required(user) and len(list(devices_for_user(user, confirmed=True))) < 2:
        messages.error(request, _("Your account must keep one way of two-step login. Add another one first."))
    else:
        passkey.delete()
        security_event("second_factor_removed", actor=user, method="passkey", device=pk)
        messages.success(request, _("The passkey is removed. It no longer opens your account."))
    return redirect("otp-setup")
