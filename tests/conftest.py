"""Shared fixtures: standard actors (specialist, colleague, manager in Põhja; outsider in Lõuna), a real
Celery worker process, and a headless Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from tests.factories import make_case, make_user

ROOT = Path(__file__).resolve().parent.parent
# TEST_ARTIFACTS lets two suites run side by side on one checkout without removing each other's files;
# the parallel processes of one suite (pytest-xdist's gw0, gw1…) have a directory each inside it.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "test-artifacts")
ARTIFACTS /= os.environ.get("PYTEST_XDIST_WORKER", "")

# Playwright's sync API runs an event loop in the test thread; Django's ORM is used there on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


DOCUMENTS = ARTIFACTS / "documents"


@pytest.fixture(scope="session", autouse=True)
def _clean_documents():
    import shutil

    shutil.rmtree(DOCUMENTS, ignore_errors=True)
    DOCUMENTS.mkdir(parents=True)


@pytest.fixture(autouse=True)
def _media(settings):
    """Stored files go to test-artifacts/documents, shared with the test worker process."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(DOCUMENTS)}},
    }


# The local day the run began on: test modules compute TODAY, TOMORROW… when they are collected, the code under
# test asks the clock when the test runs; see one_local_day. (Read before the modules are collected: a collection
# that itself crosses midnight, a window of seconds, is not covered.)
RUN_DAY = timezone.localdate()


@contextmanager
def one_local_day():
    """A test starting in the last hour of the run's local day, or after it, runs with the clock set back to
    22:00 of that day, still ticking: a run that crosses midnight (Tallinn midnight is 22:00 UTC in winter) must
    not compare the dates its modules computed at collection with the next day's."""
    now = timezone.localtime()
    last_hour = datetime.combine(RUN_DAY, dt_time(23, 0), tzinfo=now.tzinfo)
    if now < last_hour:
        yield
        return
    with time_machine.travel(last_hour - timedelta(hours=1), tick=True):
        yield


REAL_CLOCK_MARKERS = ("real_clock", "worker", "drill")


@pytest.fixture(autouse=True)
def _one_local_day(request):
    """Tests beside real processes of their own (a Celery worker, the drills, an OpenID provider: marked
    `real_clock`, `worker` or `drill`) keep the real clock, which those processes read too."""
    if keeps_real_clock(request):
        yield
        return
    with one_local_day():
        yield


def keeps_real_clock(request) -> bool:
    return "celery_worker_process" in request.fixturenames or any(
        request.node.get_closest_marker(name) for name in REAL_CLOCK_MARKERS
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def eager_celery():
    """Tasks run in the test process (for tests about what a task does, not about the worker)."""
    from victimsupport.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def specialist(db):
    return make_user("specialist", "pohja", first_name="Siiri", last_name="Spetsialist")


@pytest.fixture
def colleague(db):
    return make_user("specialist", "pohja", first_name="Kati", last_name="Kolleeg")


@pytest.fixture
def manager(db):
    return make_user("regional_manager", "pohja", first_name="Madis", last_name="Juht")


@pytest.fixture
def outsider(db):
    return make_user("specialist", "louna", first_name="Olev", last_name="Teisest")


@pytest.fixture
def case(specialist):
    return make_case(specialist)


@pytest.fixture
def other_case(outsider):
    return make_case(outsider, region_code="louna")


# --- a real Celery worker -------------------------------------------------------------------------


def _test_database_url() -> str:
    from django.db import connection

    params = connection.settings_dict
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or "5432"
    user = params["USER"]
    if host.startswith("/"):
        return f"postgresql://{user}@/{params['NAME']}?host={host}&port={port}"
    return f"postgresql://{user}@{host}:{port}/{params['NAME']}"


def start_celery_worker(
    database_url: str,
    *,
    pool: str = "solo",
    log_name: str = "celery-worker.log",
    flush: bool = True,
    documents_root: str | None = None,
    extra_env: dict[str, str] | None = None,
    name: str = "",
):
    """A `celery worker` process on the test database and the test Redis databases, answering pings
    (`flush`: the broker's database emptied first; `name`: for several workers at once)."""
    from django.conf import settings

    from victimsupport.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "DOCUMENTS_ROOT": documents_root or str(DOCUMENTS),
        "DATABASE_CONN_MAX_AGE": "0",
        **(extra_env or {}),
    }
    if flush:
        app.connection_for_write().default_channel.client.flushdb()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "victimsupport",
            "worker",
            "-Q",
            "default,letters,statistics",
            "--pool",
            pool,
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "-n",
            f"test-{os.getpid()}-{name or pool}@%h",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log = log
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited; see {log.name}")
        if any(f"-{name or pool}@" in worker for reply in app.control.ping(timeout=0.5) for worker in reply):
            return process
    stop_celery_worker(process)
    raise RuntimeError(f"the Celery worker did not answer; see {log.name}")


def stop_process(process) -> None:
    """Stop a process started by a test (a worker, a web server) and close its log."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
    process.log.close()


stop_celery_worker = stop_process


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A worker for the tests of one module. Not for the whole session: a worker left running would
    render the letters that later transactional tests enqueue, in the middle of the next test's flush (a
    deadlock seen in CI)."""
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    process = start_celery_worker(database_url)
    yield process
    stop_celery_worker(process)


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


# --- a headless Chromium ----------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="et-EE")
    page = context.new_page()
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
