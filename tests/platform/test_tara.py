"""Login through TARA (OpenID Connect, authorisation code with PKCE) against a real OpenID Connect
provider process started here (oidc-provider-mock, built on Authlib), not a mock of our client: a person
with an account is logged in by the personal code in the subject and counts as having given two factors;
a person without one is told so and nothing is created; TARA off, its pages are not there."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings

from tests.factories import make_user
from victimsupport.models import User

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "EE38001085718", "EE49002124277"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def provider():
    port = _free_port()
    command = Path(sys.executable).with_name("oidc-provider-mock")
    process = subprocess.Popen(
        [str(command), "--port", str(port), "--require-nonce", "true"],
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
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def tara(provider, settings):
    settings.TARA_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "ohvriabi"
    settings.OIDC_RP_CLIENT_SECRET = "saladus"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "victimsupport.tara.TaraBackend"]
    settings.OTP_REQUIRED = True  # a password login would now need the second factor
    return provider


def log_in_through_tara(client, subject: str):
    """Our start page → the provider, where the person is identified as `subject` → our callback."""
    start = client.get("/login/tara/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["scope"] == ["openid"] and query["nonce"] and query["state"]
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


def test_a_forged_callback_logs_nobody_in(client, tara):
    make_user("specialist", "pohja", personal_code=KNOWN[2:])
    client.get("/login/tara/")
    response = client.get("/login/tara/callback/?code=made-up&state=made-up")
    assert response.status_code in (302, 400) and SESSION_KEY not in client.session


@override_settings(TARA_ENABLED=False)
def test_without_tara_there_is_no_tara_login(client):
    assert client.get("/login/tara/").status_code == 404
    assert client.get("/login/tara/callback/?code=a&state=b").status_code == 404
    assert "tara" not in client.get("/login/").content.decode()
