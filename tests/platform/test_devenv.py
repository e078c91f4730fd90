"""Where no PostgreSQL or Redis answers, the two commands start embedded, project-local servers."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))


def test_embedded_postgresql_and_redis_start_when_none_answers(tmp_path):
    dev = tmp_path / "dev"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    run = [sys.executable, str(ROOT / "scripts" / "devenv.py"), "--embedded", "--dev-dir", str(dev)]
    try:
        result = subprocess.run(run, env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr
        values = read_env(dev / "env")
        database_url, redis_url = values["DATABASE_URL"], values["REDIS_URL"]
        assert "host=" in database_url and str(dev) in database_url  # a Unix socket under the dev directory
        with psycopg.connect(database_url) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # what the migrations need
        assert int(version.split(".")[0]) >= 15
        port = urlsplit(redis_url).port
        assert port != 6379
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"PING\r\n")
            assert sock.recv(16).startswith(b"+PONG")
        # Running it again reuses what runs and keeps the secret.
        again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=180)
        assert again.returncode == 0 and read_env(dev / "env")["SECRET_KEY"] == values["SECRET_KEY"]
        assert read_env(dev / "env")["REDIS_URL"] == redis_url
    finally:
        subprocess.run([*run, "--stop"], env=env, capture_output=True, timeout=120)


def test_parallel_test_processes_have_redis_databases_of_their_own():
    """`make test` runs a process per core: none may flush another's cache or take its tasks, nor touch
    the development server's (0, 1) or the bench's (12, 13)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from victimsupport.env import TEST_REDIS_DBS, redis_dbs_of_test_process

    pairs = [redis_dbs_of_test_process(f"gw{index}") for index in range(len(TEST_REDIS_DBS))]
    used = [db for pair in pairs for db in pair]
    assert len(set(used)) == len(used) and not set(used) & {0, 1, 12, 13}
    assert redis_dbs_of_test_process("") == redis_dbs_of_test_process("gw0") == (14, 15)
    with pytest.raises(ImproperlyConfigured):
        redis_dbs_of_test_process(f"gw{len(TEST_REDIS_DBS)}")
    # This process uses its own pair.
    broker, cache = redis_dbs_of_test_process(os.environ.get("PYTEST_XDIST_WORKER", ""))
    assert urlsplit(settings.CELERY_BROKER_URL).path == f"/{broker}"
    assert urlsplit(settings.CACHES["default"]["LOCATION"]).path == f"/{cache}"
