"""Login, lockout, the second factor, session limits and the security headers."""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from victimsupport.middleware import SESSION_AUTH_AT
from victimsupport.services import user_sessions_end

pytestmark = pytest.mark.django_db
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_estonian_by_default(client):
    response = client.get("/login/")
    html = response.content.decode()
    assert '<html lang="et">' in html
    assert "Logi sisse" in html and "Kasutajanimi" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in" in client.get("/login/").content.decode()


def test_wrong_login_does_not_tell_whether_the_user_exists(client, specialist):
    wrong_password = login(client, specialist.username, "not-the-password").content.decode()
    no_such_user = login(client, "nobody-like-this", "not-the-password").content.decode()
    message = "Vale kasutajanimi või parool"
    assert message in wrong_password and message in no_such_user


def test_lockout_after_repeated_failures_says_when_to_try_again(client, specialist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, specialist.username, "wrong")
    response = login(client, specialist.username, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    html = response.content.decode()
    until = timezone.localtime(AccessAttempt.objects.get().attempt_time + settings.AXES_COOLOFF_TIME)
    assert until.strftime("%H:%M") in html
    assert "_auth_user_id" not in client.session
    # The cool-off is finite: after it the user gets in.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert login(client, specialist.username).status_code == 302


def test_lockout_is_by_username_and_address(client, specialist, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, specialist.username, "wrong")
    assert login(client, colleague.username).status_code == 302  # another user from the same address


def test_session_key_rotates_at_login(client, specialist):
    client.get("/login/")
    client.session["probe"] = 1
    before = client.session.session_key
    login(client, specialist.username)
    assert client.session.session_key != before


def test_idle_and_absolute_limits(client, specialist, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    login(client, specialist.username)
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_AUTH_AT] = time.time() - 12 * 60 * 60 - 1
    session.save()
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "ajapiirini" in response.content.decode()


def test_idle_session_expires_in_the_store(client, specialist):
    login(client, specialist.username)
    key = client.session.session_key
    raw_key = cache.make_and_validate_key(f"django.contrib.sessions.cache{key}")
    assert 0 < cache._cache.get_client(raw_key).ttl(raw_key) <= 30 * 60


def test_an_administrator_can_end_a_users_sessions_at_once(client, specialist):
    login(client, specialist.username)
    assert client.get("/").status_code == 200
    administrator = make_user("administrator", is_staff=True)
    assert user_sessions_end(specialist, actor=administrator) == 1
    response = client.get("/cases/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "Administraator lõpetas teie seansi" in response.content.decode()


def _totp_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_second_factor_is_required_for_staff_where_configured(client, specialist, settings):
    settings.OTP_REQUIRED = True
    login(client, specialist.username)
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == "/account/two-step/"
    setup = client.get("/account/two-step/")
    assert setup.status_code == 200 and b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=specialist, confirmed=False)
    assert client.post("/account/two-step/", {"token": "000000"}).status_code == 200  # wrong code: stays
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/account/two-step/", {"token": _totp_token(device)})
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200


def test_a_user_with_a_device_gives_the_code_after_the_password(client, specialist, settings):
    settings.OTP_REQUIRED = False
    device = TOTPDevice.objects.create(user=specialist, name="phone", confirmed=True)
    login(client, specialist.username)
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/login/verify/")
    wrong = client.post("/login/verify/", {"token": "123"})
    assert "kuus numbrit" in wrong.content.decode()
    assert client.post("/login/verify/", {"token": _totp_token(device), "next": "/cases/"})["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_second_factor_is_optional_in_the_demo(client, specialist, settings):
    settings.OTP_REQUIRED = False
    login(client, specialist.username)
    assert client.get("/cases/").status_code == 200


def test_pages_are_not_cached_and_carry_a_strict_csp(client, specialist, case):
    login(client, specialist.username)
    for path in ("/", "/cases/", f"/cases/{case.pk}/", "/login/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"]
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_pages_have_no_inline_scripts_or_styles(client, specialist, case):
    login(client, specialist.username)
    for path in ("/", "/cases/", f"/cases/{case.pk}/", "/cases/new/", "/persons/search/"):
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), path
        assert "<style" not in html and " style=" not in html, path


def test_check_deploy_is_clean_with_production_variables():
    env = {
        "PATH": os.environ["PATH"],
        "IGNORE_DEV_ENV": "1",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "a-long-random-production-secret-value-0123456789",
        "ALLOWED_HOSTS": "ohvriabi.sotsiaalkindlustusamet.ee",
        "DATABASE_URL": "postgresql://app@db.internal:5432/victimsupport",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "OTP_REQUIRED": "true",
        # Production has its seal (here the test seal made under .dev/).
        "SEAL_PKCS12_FILE": settings.SEAL_PKCS12_FILE,
        "SEAL_PKCS12_PASSWORD": settings.SEAL_PKCS12_PASSWORD,
        "SEAL_TRUST_ROOTS": ",".join(settings.SEAL_TRUST_ROOTS),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_cache_reuses_its_redis_clients():
    """victimsupport.cache: one redis.Redis per pool, not one per call (sessions go through it)."""
    from django.core.cache import cache

    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client and cache._cache.get_client("key") is client
    cache.set("reused", {"a": 1})
    assert cache.get("reused") == {"a": 1}
