"""Login through TARA (OpenID Connect, authorisation code with PKCE) against a real OpenID Connect
provider process started here (oidc-provider-mock, built on Authlib), not a mock of our client: a person
with an account is logged in by the personal code in the subject and counts as having given two factors;
a person without one is told so and nothing is created; TARA off, its pages are not there."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from tests.faults import free_port
from victimsupport.models import User

# The provider is a process of its own: its tokens' times are the real clock's (tests/conftest.py, one_local_day).
pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]

KNOWN, UNKNOWN, LOW = "EE38001085718", "EE49002124277", "EE37605030299"
CALLBACK = "http://testserver/login/tara/callback/"


@pytest.fixture(scope="module")
def provider():
    port = free_port()
    command = Path(sys.executable).with_name("oidc-provider-mock")
    process = subprocess.Popen(
        [
            str(command),
            "--port",
            str(port),
            "--require-nonce",
            "true",
            "--require-registration",
            "true",
            *("--user-claims", json.dumps({"sub": KNOWN, "acr": "high", "amr": ["idcard"]})),
            *("--user-claims", json.dumps({"sub": UNKNOWN, "acr": "substantial", "amr": ["mID"]})),
            *("--user-claims", json.dumps({"sub": LOW, "acr": "low", "amr": ["eidas"]})),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the OpenID Connect provider did not start")
            time.sleep(0.2)
    # A registered client with its exact callback address (the provider refuses any other).
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"redirect_uris": [CALLBACK]})
    connection.request("POST", "/oauth2/clients", body, {"Content-Type": "application/json"})
    client = json.loads(connection.getresponse().read())
    connection.close()
    yield url, client["client_id"], client["client_secret"]
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def tara(provider, settings):
    url, client_id, secret = provider
    settings.TARA_ENABLED = True
    settings.TARA_ISSUER = url
    settings.TARA_REDIRECT_URL = CALLBACK
    settings.OIDC_RP_CLIENT_ID = client_id
    settings.OIDC_RP_CLIENT_SECRET = secret
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{url}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{url}/oauth2/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{url}/jwks"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "victimsupport.tara.TaraBackend"]
    settings.OTP_REQUIRED = True  # a password login would now need the second factor
    return url


def log_in_through_tara(client, subject: str):
    """Our start page → the provider, where the person is identified as `subject` → our callback."""
    start = client.get("/login/tara/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["scope"] == ["openid"] and query["nonce"] and query["state"]
    assert query["redirect_uri"] == [CALLBACK]
    where = urlsplit(authorize)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", f"{where.path}?{where.query}", urlencode({"sub": subject}), headers)
    answer = connection.getresponse()
    assert answer.status == 302, answer.read()[:500]
    back = answer.getheader("Location")
    connection.close()
    assert back.startswith("http://testserver/login/tara/callback/")
    return client.get(back.removeprefix("http://testserver"))


def test_a_person_with_an_account_logs_in_with_two_factors(client, tara):
    user = make_user("specialist", "pohja", personal_code=KNOWN[2:])
    response = log_in_through_tara(client, KNOWN)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)
    home = client.get("/")
    assert home.status_code == 200  # not sent to the second factor: TARA was two
    assert client.get("/login/verify/").status_code == 302


def test_a_person_without_an_account_is_told_and_nothing_is_created(client, tara):
    make_user("specialist", "pohja", personal_code=KNOWN[2:], is_active=False)
    accounts = User.objects.count()
    response = log_in_through_tara(client, UNKNOWN)
    assert response["Location"] == "/login/tara/failed/"
    page = client.get("/login/tara/failed/", follow=True).content.decode()
    assert "no account for your personal code" in page or "isikukoodiga" in page
    assert SESSION_KEY not in client.session and User.objects.count() == accounts
    log_in_through_tara(client, KNOWN)  # the inactive account is not used either
    assert SESSION_KEY not in client.session


def test_a_forged_callback_logs_nobody_in_and_an_error_logs_nobody_out(client, tara):
    make_user("specialist", "pohja", personal_code=KNOWN[2:])
    client.get("/login/tara/")
    response = client.get("/login/tara/callback/?code=made-up&state=made-up")
    assert response["Location"] == "/login/tara/failed/" and SESSION_KEY not in client.session
    colleague = make_user("specialist", "pohja")
    client.force_login(colleague)
    response = client.get("/login/tara/callback/?error=access_denied&state=whatever")
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(colleague.pk)


def test_a_password_form_with_a_code_in_its_address_is_not_a_tara_login(client, tara):
    user = make_user("specialist", "pohja", personal_code=KNOWN[2:])
    response = client.post("/login/?code=x&state=y", {"username": user.username, "password": "wrong"})
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_a_low_assurance_login_is_not_enough(client, tara):
    make_user("specialist", "pohja", personal_code=LOW[2:])
    log_in_through_tara(client, LOW)
    assert SESSION_KEY not in client.session


def test_the_id_token_must_be_for_us_from_tara(tara, settings):
    import jwt as pyjwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.core.exceptions import SuspiciousOperation

    from victimsupport.tara import TaraBackend

    key = rsa.generate_private_key(65537, 2048)
    now = int(time.time())
    good = {"iss": settings.TARA_ISSUER, "aud": settings.OIDC_RP_CLIENT_ID, "sub": KNOWN, "iat": now, "exp": now + 60}
    backend = TaraBackend()
    public = key.public_key()
    assert backend.get_payload_data(pyjwt.encode(good, key, algorithm="RS256"), public)["sub"] == KNOWN
    for wrong in ({"aud": "another-service"}, {"iss": "https://elsewhere"}, {"exp": now - 60}, {"iat": now + 3600}):
        with pytest.raises(SuspiciousOperation):
            backend.get_payload_data(pyjwt.encode(good | wrong, key, algorithm="RS256"), public)
    late_clock = good | {"iat": now + 5}  # TARA's clock a little ahead of ours
    assert backend.get_payload_data(pyjwt.encode(late_clock, key, algorithm="RS256"), public)


def test_a_password_login_is_one_factor_whatever_the_session_held(client, tara, settings):
    """The TARA mark is removed at every login and counts only with TARA's backend."""
    from victimsupport.middleware import SESSION_AUTH_BY

    user = make_user("specialist", "pohja", personal_code=KNOWN[2:])
    session = client.session
    session[SESSION_AUTH_BY] = "tara"  # left from somewhere, or planted
    session.save()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and SESSION_AUTH_BY not in client.session
    assert client.get("/")["Location"] == reverse("otp-setup")  # the second factor is asked (OTP required)
    session = client.session
    session[SESSION_AUTH_BY] = "tara"
    session.save()
    assert client.get("/")["Location"] == reverse("otp-setup")  # the mark alone is not TARA's login


def test_tara_down_is_a_message_not_an_error(client, tara, settings):
    make_user("specialist", "pohja", personal_code=KNOWN[2:])
    start = client.get("/login/tara/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/token"
    response = client.get(f"/login/tara/callback/?code=abc&state={state}")
    assert response["Location"] == "/login/tara/failed/" and SESSION_KEY not in client.session


@override_settings(TARA_ENABLED=False)
def test_without_tara_there_is_no_tara_login(client):
    assert client.get("/login/tara/").status_code == 404
    assert client.get("/login/tara/callback/?code=a&state=b").status_code == 404
    assert "tara" not in client.get("/login/").content.decode()


def test_the_personal_code_is_a_credential_in_the_admin(client, rf):
    """Only a superuser puts a personal code on an account; it must be a valid one; a change ends the
    person's sessions and is in the security log."""
    from django.contrib.admin.sites import site

    from victimsupport.admin import UserAdmin, UserAdminForm

    user = make_user("specialist", "pohja")
    form = UserAdminForm(instance=user, data={"username": user.username, "personal_code": "38001085719"})
    form.is_valid()
    assert "personal_code" in form.errors  # a wrong check digit
    admin = UserAdmin(User, site)
    request = rf.get("/")
    request.user = make_user("administrator", is_staff=True)
    assert "personal_code" in admin.get_readonly_fields(request, user)
    request.user = make_user("administrator", is_staff=True, is_superuser=True)
    assert "personal_code" not in admin.get_readonly_fields(request, user)

    client.force_login(user)
    assert client.get("/").status_code == 200
    user.personal_code = KNOWN[2:]

    class Changed:
        changed_data = ["personal_code"]

    admin.save_model(request, user, Changed(), change=True)
    assert client.get("/").status_code == 302  # the session was ended


def test_half_way_through_the_password_login_a_person_can_switch_to_tara(client, tara):
    """The password given, the one-time code not yet: TARA instead of the code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("specialist", "pohja", personal_code=KNOWN[2:])
    TOTPDevice.objects.create(user=user, name="telefon", confirmed=True)
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    page = client.get(reverse("otp-verify")).content.decode()
    assert reverse("tara-start") in page
    response = log_in_through_tara(client, KNOWN)
    assert response["Location"] == "/" and client.get("/").status_code == 200
