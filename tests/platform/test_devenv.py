"""Where no PostgreSQL or Redis answers, the two commands start embedded, project-local servers; the suite's
parallel processes and its clock."""

import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.conftest import RUN_DAY, keeps_real_clock, one_local_day

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


@pytest.mark.parametrize(
    ("days_after", "clock"), [(0, dt_time(23, 30)), (1, dt_time(0, 10)), (1, dt_time(21, 0)), (2, dt_time(9, 0))]
)
def test_a_run_that_crosses_local_midnight_keeps_its_day(days_after, clock):
    """A test that starts late in the run's local day or after it still sees that day, so the TODAY and
    TOMORROW its module computed at collection agree with the forms and services it calls."""
    moment = datetime.combine(RUN_DAY + timedelta(days=days_after), clock, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=False), one_local_day():
        assert timezone.localdate() == RUN_DAY
        assert timezone.localtime().hour == 22


def test_the_clock_is_left_alone_earlier_in_the_day():
    noon = datetime.combine(RUN_DAY, dt_time(12, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(noon, tick=False), one_local_day():
        assert timezone.localtime() == noon


@pytest.mark.real_clock
def test_a_test_beside_a_real_process_keeps_the_real_clock(request):
    assert keeps_real_clock(request)


def test_other_tests_keep_their_day(request):
    assert not keeps_real_clock(request)


def test_a_free_port_is_below_the_range_outgoing_connections_draw_from():
    from tests.faults import _ephemeral_ports, free_port

    port = free_port()
    assert 10000 <= port < _ephemeral_ports()[0]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # free indeed
