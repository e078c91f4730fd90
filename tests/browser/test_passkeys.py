"""Passkeys in a real browser: Chromium's virtual authenticator (a platform authenticator with user
verification, as a phone's fingerprint) stands for the person's device."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from tests.browser.helpers import no_sideways_scrolling, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})


def password_login(page, user) -> None:
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def test_a_volunteer_adds_a_passkey_on_the_phone_logs_in_with_it_and_removes_it(phone, settings):
    settings.OTP_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [phone.base_url]
    assert phone.base_url.startswith("http://localhost:")
    errors = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    virtual_authenticator(phone)
    user = make_user("volunteer", "pohja", first_name="Vilja")

    # Two steps are required: the first login goes to the setup, where a passkey is one button away.
    password_login(phone, user)
    phone.wait_for_url(f"{phone.base_url}/account/two-step/")
    assert "Enne jätkamist" in phone.locator(".notice--warn").inner_text()
    phone.click("#passkey-register-button")
    phone.wait_for_selector(".passkey")
    assert "Pääsuvõti on lisatud" in phone.locator(".messages").inner_text()
    assert phone.locator(".passkey input[name$=name]").input_value() == "Pääsuvõti 1"
    assert no_sideways_scrolling(phone) and serious_accessibility_problems(phone) == []
    screenshot(phone, "passkeys-phone")
    phone.goto(f"{phone.base_url}/")
    assert "Vilja" in phone.locator("h1").inner_text()  # this session gave its second factor

    # The next login asks for the passkey, and it is enough.
    phone.click("summary")
    phone.click("text=Logi välja")
    password_login(phone, user)
    phone.wait_for_url("**/login/verify/**")
    assert phone.locator("input[name=token]").count() == 0  # no authenticator app: no code field
    screenshot(phone, "passkeys-verify-phone")
    phone.click("#passkey-verification-button")
    phone.wait_for_url(f"{phone.base_url}/")
    assert "Vilja" in phone.locator("h1").inner_text()

    # Removed from the user menu's page: with the passkey in use it stays; another one can go.
    extra = WebAuthnCredential.objects.create(user=user, name="Vana võti", credential_id=b"x" * 32, public_key=b"\0")
    phone.click("summary")
    phone.click("text=Kaheastmeline sisselogimine")
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.click("text=Eemalda „Pääsuvõti 1“")
    assert "selle pääsuvõtmega" in phone.locator(".messages").inner_text()
    phone.click("text=Eemalda „Vana võti“")
    assert "Pääsuvõti on eemaldatud" in phone.locator(".messages").inner_text()
    assert not WebAuthnCredential.objects.filter(pk=extra.pk).exists()
    assert list(WebAuthnCredential.objects.filter(user=user).values_list("name", flat=True)) == ["Pääsuvõti 1"]
    assert errors == []
