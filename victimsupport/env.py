"""Typed helpers that read settings from the environment and fail loudly on a bad value.

Every helper also accepts NAME_FILE: the value is then read from that file (Docker and Kubernetes
secrets). Development values come from .dev/env, written by scripts/devenv.py, for keys not set in
the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def load_dev_env(path: Path) -> None:
    """Fill os.environ from a KEY=VALUE file for keys the environment does not set."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            os.environ.setdefault(key.strip(), value.strip())


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name} cannot be read: {exc}") from exc
    return os.environ.get(name)


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default  # type: ignore[return-value]
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config(url: str) -> dict:
    """Django DATABASES entry from postgresql://user:password@host:port/name?host=/socket/dir."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be postgresql://...; got scheme {parts.scheme!r}.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL names no database.")
    options = {key: value for key, value in query.items() if key not in {"host", "port"}}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.get("host") or parts.hostname or "",
        "PORT": str(query.get("port") or parts.port or ""),
        "OPTIONS": options,
    }


def redis_url_with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"REDIS_URL must be redis://...; got scheme {parts.scheme!r}.")
    return parts._replace(path=f"/{db}").geturl()


# Test processes' (broker, cache) Redis databases: the first (or only) one 14 and 15, each further
# pytest-xdist worker a pair below, skipping the bench's 12 and 13 and the development server's 0 and 1.
TEST_REDIS_DBS = ((14, 15), (10, 11), (8, 9), (6, 7), (4, 5), (2, 3))


def redis_dbs_of_test_process(xdist_worker: str) -> tuple[int, int]:
    """The pair of the test process named `xdist_worker` ("gw3"; "" when the tests run in one process)."""
    index = int(xdist_worker.removeprefix("gw") or 0)
    if index >= len(TEST_REDIS_DBS):
        raise ImproperlyConfigured(f"at most {len(TEST_REDIS_DBS)} parallel test processes (-n); got {xdist_worker}.")
    return TEST_REDIS_DBS[index]
