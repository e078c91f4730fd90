"""Passkeys as a second factor, through the app's endpoints with a software authenticator (the browser
test, tests/browser/test_passkeys.py, uses Chromium's virtual authenticator)."""

import json
import logging

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.factories import PASSWORD, login_verified, make_passkey, make_user
from tests.passkey_authenticator import SoftPasskey, authenticate, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
    settings.OTP_REQUIRED = True


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="victimsupport.security")

    def events():
        return [json.loads(record.getMessage()) for record in caplog.records if record.name == "victimsupport.security"]

    return events


def password_login(client, user):
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


def test_a_passkey_is_the_second_factor_from_setup_to_the_next_login(client, security_log):
    user = make_user("specialist", "pohja")
    password_login(client, user)
    assert client.get("/cases/")["Location"] == "/account/two-step/"  # required: set up first
    page = client.get("/account/two-step/").content.decode()
    assert 'id="passkey-registration-available-template"' in page and "<svg" in page  # both ways offered
    # The ceremony endpoints are open to a session that has not given a second factor (not redirected).
    passkey = SoftPasskey()
    response = register(client, passkey)
    assert response.status_code == 200, response.content
    credential = WebAuthnCredential.objects.get(user=user)
    assert credential.name == "Pääsuvõti 1"
    assert client.get("/cases/").status_code == 200  # the new passkey verified this session
    assert {"event": "second_factor_enrolled", "method": "passkey"}.items() <= security_log()[-1].items()

    client.post("/logout/")
    password_login(client, user)
    assert client.get("/cases/")["Location"] == "/login/verify/?next=/cases/"
    verify = client.get("/login/verify/?next=/cases/").content.decode()
    assert 'id="passkey-verification-button"' in verify and 'name="token"' not in verify  # no app: no code form
    response = authenticate(client, passkey, next_url="/cases/")
    assert response.status_code == 200 and response.json()["redirect_url"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert security_log()[-1]["event"] == "second_factor" and security_log()[-1]["method"] == "passkey"
    credential.refresh_from_db()
    assert credential.last_used_at is not None and credential.sign_count == passkey.sign_count


def test_another_accounts_passkey_does_not_open_this_one(client, security_log):
    owner, other = make_user("specialist", "pohja"), make_user("specialist", "pohja")
    passkey = SoftPasskey()
    password_login(client, owner)
    assert register(client, passkey).status_code == 200
    client.post("/logout/")
    make_passkey(other)
    password_login(client, other)
    response = authenticate(client, passkey)
    assert response.status_code == 403
    assert response.json()["detail"] == "See pääsuvõti kuulub teisele kasutajale."
    assert client.get("/cases/").status_code == 302  # still not verified
    assert security_log()[-1]["event"] == "second_factor_failed"


def test_a_forged_or_replayed_answer_is_refused_without_a_server_error(client):
    user = make_user("specialist", "pohja")
    passkey = SoftPasskey()
    password_login(client, user)
    assert register(client, passkey).status_code == 200
    client.post("/logout/")
    password_login(client, user)
    url = "/account/passkeys/authentication/complete/"

    def begun_then(body, **kwargs):
        """An answer to a begun ceremony (without one, every answer stops at the missing ceremony)."""
        options = client.post("/account/passkeys/authentication/begin/").json()
        answer = body(options) if callable(body) else body
        return client.post(url, answer, content_type="application/json", **kwargs).status_code

    def forged(options):
        answer = passkey.get(options)
        answer["response"]["signature"] = answer["response"]["signature"][::-1]
        return answer

    def handle(value):
        def answer(options):
            genuine = passkey.get(options)
            genuine["response"]["userHandle"] = value
            return genuine

        return answer

    assert begun_then(forged) == 422
    options = client.post("/account/passkeys/authentication/begin/").json()
    genuine = passkey.get(options)
    assert client.post(url, forged(options), content_type="application/json").status_code == 422
    # The challenge was used up by the failed attempt: the genuine answer to it is refused too.
    assert client.post(url, genuine, content_type="application/json").status_code == 400
    for body in ("{not json", b'"\xff"', "[" * 100_000, {"id": "x"}, handle("a"), handle("é"), handle(5)):
        assert begun_then(body) in {400, 422}, body if not callable(body) else "userHandle"
    assert client.get("/cases/").status_code == 302  # none of it gave the second factor
    for body in (b'"\xff"', "[" * 100_000):  # before the login check: anonymous too
        anonymous = client.__class__()
        status = anonymous.post("/account/passkeys/registration/begin/", body, content_type="application/json")
        assert status.status_code in {400, 403}


def test_a_registration_answer_that_cannot_be_read_or_is_taken_is_refused(client):
    user, other = make_user("specialist", "pohja"), make_user("specialist", "pohja")
    passkey = SoftPasskey()
    password_login(client, user)
    url = "/account/passkeys/registration/complete/"
    for extensions in (None, 5, "credProps", {"credProps": "rk"}):  # only informative: still registered
        options = client.post("/account/passkeys/registration/begin/").json()
        answer = SoftPasskey().create(options)
        answer["clientExtensionResults"] = extensions
        assert client.post(url, answer, content_type="application/json").status_code == 200
    assert register(client, passkey).status_code == 200
    again = register(client, passkey)  # the same credential once more
    assert again.status_code == 409 and again.json()["detail"] == "See pääsuvõti on juba registreeritud."
    client.post("/logout/")
    login_verified(client, other)
    assert register(client, passkey).status_code == 409  # nor for another account
    assert WebAuthnCredential.objects.filter(user=other).count() == 0
    assert WebAuthnCredential.objects.filter(user=user).count() == 5


def test_a_passkey_is_never_a_first_factor(client):
    response = client.post("/account/passkeys/authentication/begin/")
    assert response.status_code == 403 and "otp_webauthn_authentication_state" not in client.session
    assert client.post("/account/passkeys/registration/begin/").status_code == 403


@pytest.mark.parametrize("factor", ["app", "passkey"])
def test_an_account_with_a_second_factor_adds_a_passkey_only_after_giving_it(client, factor, security_log):
    user = make_user("specialist", "pohja")
    if factor == "app":
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    else:
        make_passkey(user)
    password_login(client, user)
    response = client.post("/account/passkeys/registration/begin/")
    assert response.status_code == 403
    assert "Kinnitage sisselogimine" in response.json()["detail"]
    assert security_log()[-1]["event"] == "passkey_registration_failed"
    assert client.get("/account/two-step/")["Location"] == "/login/verify/"


def test_a_factor_confirmed_between_begin_and_complete_stops_the_registration(client):
    user = make_user("specialist", "pohja")
    password_login(client, user)
    options = client.post("/account/passkeys/registration/begin/").json()
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)  # e.g. in another tab
    answer = SoftPasskey().create(options)
    response = client.post("/account/passkeys/registration/complete/", answer, content_type="application/json")
    assert response.status_code == 403
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_remove_and_rename_own_passkeys_only(client, security_log):
    user = make_user("volunteer", "pohja")
    login_verified(client, user)  # with the authenticator app
    mine, theirs = make_passkey(user), make_passkey(make_user("volunteer", "pohja"))
    assert client.post(f"/account/two-step/passkeys/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"/account/two-step/passkeys/{theirs.pk}/", {f"p{theirs.pk}-name": "x"}).status_code == 404
    client.post(f"/account/two-step/passkeys/{mine.pk}/", {f"p{mine.pk}-name": "Telefon"})
    mine.refresh_from_db()
    assert mine.name == "Telefon"
    for name in ("x" * 65, "   "):
        response = client.post(f"/account/two-step/passkeys/{mine.pk}/", {f"p{mine.pk}-name": name}, follow=True)
        assert "kuni 64 märki" in response.content.decode()
    mine.refresh_from_db()
    assert mine.name == "Telefon"
    page = client.get("/account/two-step/").content.decode()
    assert "Telefon" in page and theirs.name not in page
    response = client.post(f"/account/two-step/passkeys/{mine.pk}/remove/", follow=True)
    assert not WebAuthnCredential.objects.filter(pk=mine.pk).exists() and WebAuthnCredential.objects.filter(
        pk=theirs.pk
    )
    assert "Pääsuvõti on eemaldatud" in response.content.decode()
    assert security_log()[-1]["event"] == "second_factor_removed"


def test_the_passkey_in_use_is_not_removed(client):
    user = make_user("specialist", "pohja")
    password_login(client, user)
    assert register(client, SoftPasskey()).status_code == 200
    in_use = WebAuthnCredential.objects.get(user=user)
    other = make_passkey(user)
    response = client.post(f"/account/two-step/passkeys/{in_use.pk}/remove/", follow=True)
    assert "selle pääsuvõtmega" in response.content.decode()  # this session was confirmed with it
    assert WebAuthnCredential.objects.filter(pk=in_use.pk).exists()
    client.post(f"/account/two-step/passkeys/{other.pk}/remove/")
    assert not WebAuthnCredential.objects.filter(pk=other.pk).exists()


def test_the_last_way_stays_where_two_steps_are_required(client, settings):
    """A TARA login is two factors without a device: the account's only passkey cannot go."""
    from victimsupport.middleware import SESSION_AUTH_BY, TARA_BACKEND

    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, TARA_BACKEND]
    user = make_user("specialist", "pohja")
    only = make_passkey(user)
    client.force_login(user, backend=TARA_BACKEND)
    session = client.session
    session[SESSION_AUTH_BY] = "tara"
    session.save()
    response = client.post(f"/account/two-step/passkeys/{only.pk}/remove/", follow=True)
    assert "vähemalt ühe" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=only.pk).exists()
    disabled = make_passkey(user, confirmed=False)  # e.g. by an administrator: not a way, removable
    client.post(f"/account/two-step/passkeys/{disabled.pk}/remove/")
    assert not WebAuthnCredential.objects.filter(pk=disabled.pk).exists()
    settings.OTP_REQUIRED = False  # not required: the person may go back to the password alone
    client.post(f"/account/two-step/passkeys/{only.pk}/remove/")
    assert not WebAuthnCredential.objects.filter(pk=only.pk).exists()
