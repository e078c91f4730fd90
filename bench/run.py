"""`make bench`: the system at national scale, measured the way its users meet it.

Steps: a separate database (`<name>_bench`) is migrated and filled by `manage.py generate_data` (or the
data of the same scale is reused); the app starts as production runs it (gunicorn, DEBUG off) with a
real Celery worker; a load generator in its own process (bench/load.py) requests each page at 1 and at
16 concurrent users; query counts come from the test client, the raw SQL floor from the page's main
query run on its own; the worker renders decision letters and computes the yearly statistics. Results
go to bench/results/<date>-<scale>.json and .md, and the table is printed.

    make bench                              # scale 1 (national, twenty years)
    make bench BENCH_ARGS="--scale 0.01"    # a quick look
    .venv/bin/python bench/run.py --help
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import BENCH_PASSWORD  # noqa: E402
from scripts import devenv  # noqa: E402 (the same service discovery as `make setup`)

PY = sys.executable
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / ".dev" / "bench"

TARGET_P95_MS = 150
TARGET_ADMIN_RATIO = 3
TARGET_FLOOR_RATIO = 5
TARGET_PAGE_FLOOR_RATIO = 3  # a page at most 3 times its floor (empty page + its SQL), one user
TARGET_LETTER_S = 0.5
TARGET_SEAL_COST_PERCENT = 50  # sealing adds at most half to the median letter time
TARGET_STATISTICS_S = 30


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


# --- environment ---------------------------------------------------------------------------------


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL") or devenv.read_env_file(ROOT / ".dev" / "env").get("DATABASE_URL")
    if not base:
        sys.exit("bench: no DATABASE_URL (run `make setup` first, or set BENCH_DATABASE_URL)")
    name = urllib.parse.urlsplit(base).path.lstrip("/") or "victimsupport"
    return devenv.with_database(base, f"{name}_bench")


def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or devenv.read_env_file(ROOT / ".dev" / "env").get("REDIS_URL")
    if not url:
        sys.exit("bench: no REDIS_URL (run `make setup` first)")
    return url


def bench_environment(database_url: str) -> dict[str, str]:
    from victimsupport.env import redis_url_with_db

    redis = redis_url()
    env = dict(os.environ)
    env.update(
        {
            "IGNORE_DEV_ENV": "1",
            "DJANGO_SETTINGS_MODULE": "victimsupport.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis,
            "CELERY_BROKER_URL": redis_url_with_db(redis, 12),
            "CACHE_URL": redis_url_with_db(redis, 13),
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # The bench users sign in without the second factor; everything else is as in production.
            "OTP_REQUIRED": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "BENCH_ADMIN_PEER": "1",
            "DOCUMENTS_ROOT": str(WORK / "documents"),
            "STATIC_ROOT": str(WORK / "static"),
            "CELERY_BEAT_SCHEDULE_FILENAME": str(WORK / "celerybeat"),
            "LOG_LEVEL": "WARNING",
            "SECURITY_LOG_FILE": str(WORK / "security.log"),  # logins and grants, as in production
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    # Letters are sealed as in production: with the development seal `make setup` made under .dev/seal.
    dev = devenv.read_env_file(ROOT / ".dev" / "env")
    for name in ("SEAL_PKCS12_FILE", "SEAL_PKCS12_PASSWORD_FILE", "SEAL_PKCS12_PASSWORD", "SEAL_TRUST_ROOTS"):
        if dev.get(name) and name not in os.environ:
            env[name] = dev[name]
    return env


# --- processes and their memory ------------------------------------------------------------------


class ProcessWatch:
    """Peak resident memory (largest single process and the whole set) and CPU time of a set of
    processes, sampled: a process tree (the web server, the worker) or PostgreSQL's processes."""

    def __init__(self, pid: int | None = None, name: str | None = None):
        import psutil

        self.root = psutil.Process(pid) if pid else None
        self.name = name
        self.peak_process = 0
        self.peak_total = 0
        self.cpu: dict[int, float] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.sample()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def processes(self) -> list:
        import psutil

        if self.root is not None:
            return [self.root, *self.root.children(recursive=True)]
        return [process for process in psutil.process_iter(["name"]) if process.info["name"] == self.name]

    def sample(self) -> None:
        import psutil

        sizes = []
        try:
            processes = self.processes()
        except psutil.Error:
            return
        for process in processes:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                sizes.append(process.memory_info().rss)
                with self.lock:
                    self.cpu[process.pid] = times.user + times.system
        if sizes:
            self.peak_process = max(self.peak_process, max(sizes))
            self.peak_total = max(self.peak_total, sum(sizes))

    def loop(self) -> None:
        while not self.stopped.wait(0.2):
            self.sample()

    def cpu_snapshot(self) -> dict[int, float]:
        self.sample()
        with self.lock:
            return dict(self.cpu)

    @staticmethod
    def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
        """CPU seconds between two snapshots (processes started in between count from zero)."""
        return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())

    def stop(self) -> dict:
        self.stopped.set()
        self.thread.join(2)
        return {
            "peak_process_mib": round(self.peak_process / 2**20, 1),
            "peak_total_mib": round(self.peak_total / 2**20, 1),
        }


def start(command: list[str], env: dict, log_name: str) -> subprocess.Popen:
    WORK.mkdir(parents=True, exist_ok=True)
    handle = open(WORK / log_name, "w")  # noqa: SIM115 (lives as long as the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_http(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/heartbeat.json")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the web server did not answer (see .dev/bench/gunicorn.log)")


# --- HTTP sessions -------------------------------------------------------------------------------


def cookies_of(response) -> dict[str, str]:
    jar = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class Session:
    """A user signed in through the login page, as a browser would."""

    def __init__(self, port: int, username: str):
        self.port, self.username = port, username
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/login/")
        response = connection.getresponse()
        jar = cookies_of(response)
        token = csrf_from(response.read().decode())
        body = urllib.parse.urlencode({"username": username, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token})
        connection.request(
            "POST",
            "/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie_header(jar),
                "Referer": f"http://127.0.0.1:{port}/login/",
            },
        )
        response = connection.getresponse()
        response.read()
        jar.update(cookies_of(response))
        if response.status != 302 or "sessionid" not in jar:
            raise RuntimeError(f"{username} could not sign in (HTTP {response.status})")
        self.jar = jar
        connection.request("GET", "/persons/search/", headers={"Cookie": cookie_header(jar)})
        response = connection.getresponse()
        html = response.read().decode()
        jar.update(cookies_of(response))
        self.csrf = csrf_from(html) if response.status == 200 else ""
        connection.close()

    def request(self, method: str, path: str, form: dict | None = None) -> dict:
        headers = {"Cookie": cookie_header(self.jar), "Accept-Language": "et"}
        body = None
        if method == "POST":
            body = urllib.parse.urlencode({**(form or {}), "csrfmiddlewaretoken": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        return {"method": method, "path": path, "headers": headers, "body": body}


def measure(
    port: int, requests: list[dict], concurrency: int, duration: float, min_requests: int, watches: dict
) -> dict:
    """One page at one concurrency, with the CPU the web server, PostgreSQL and the load generator
    spent per request (what limits the throughput on a machine this size)."""
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "concurrency": concurrency,
        "duration": duration,
        "min_requests": min_requests,
        "max_requests": 100_000,
        "warmup": 3,
        "requests": requests,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, dir=WORK) as handle:
        json.dump(spec, handle)
    before = {name: watch.cpu_snapshot() for name, watch in watches.items()}
    try:
        done = subprocess.run(
            [PY, str(ROOT / "bench" / "load.py"), handle.name],
            capture_output=True,
            text=True,
            timeout=duration + 600,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    after = {name: watch.cpu_snapshot() for name, watch in watches.items()}
    data = json.loads(done.stdout)
    served = data["requests"] + spec["warmup"]
    cpu = {
        f"{name}_cpu_ms": round(ProcessWatch.cpu_used(before[name], after[name]) / served * 1000, 1) for name in watches
    }
    cpu["load_cpu_ms"] = round(data["cpu_seconds"] / served * 1000, 1)
    latencies = sorted(data["latencies"])
    ok = data["statuses"].get("200", 0)
    return {
        "requests": data["requests"],
        "errors": data["requests"] - ok,
        "statuses": data["statuses"],
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "rps": round(data["requests"] / data["wall_seconds"], 1),
        **cpu,
    }


def soak(port, sessions, pages, minutes, users, web_pid, worker_pid, database_watch) -> dict:
    """Load over every main page (each role's first user) for `minutes`, a minute at a time, with the
    memory of each process and the database connections sampled after each minute: errors must stay at
    zero, memory flat, connections bounded (no leak)."""
    import psutil
    from django.db import connection

    requests = [
        sessions[role][0].request(page["method"], path_for(page, role), page.get("form"))
        for page in pages
        for role in page["roles"]
    ]
    web_watch = ProcessWatch(web_pid)
    samples = []
    try:
        for minute in range(1, int(minutes) + 1):
            row = measure(port, requests, users, 60, 1, {"web": web_watch, "database": database_watch})
            web = [psutil.Process(web_pid), *psutil.Process(web_pid).children(recursive=True)]
            worker = [psutil.Process(worker_pid), *psutil.Process(worker_pid).children(recursive=True)]
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                connections = cursor.fetchone()[0]
            sample = {
                "minute": minute,
                "requests": row["requests"],
                "errors": row["errors"],
                "p95_ms": row["p95_ms"],
                "web_total_mib": round(sum(p.memory_info().rss for p in web) / 2**20, 1),
                "web_largest_mib": round(max(p.memory_info().rss for p in web) / 2**20, 1),
                "worker_total_mib": round(sum(p.memory_info().rss for p in worker) / 2**20, 1),
                "database_connections": connections,
            }
            samples.append(sample)
            log(
                f"soak minute {minute}: {sample['requests']} requests, {sample['errors']} errors, p95 "
                f"{sample['p95_ms']} ms, web {sample['web_total_mib']} MiB (largest {sample['web_largest_mib']}), "
                f"worker {sample['worker_total_mib']} MiB, {connections} database connections"
            )
    finally:
        web_watch.stop()
    return {
        "minutes": minutes,
        "users": users,
        "pages": len(requests),
        "requests": sum(sample["requests"] for sample in samples),
        "errors": sum(sample["errors"] for sample in samples),
        "samples": samples,
    }


def soak_markdown(soak_result: dict | None) -> list[str]:
    if not soak_result or not soak_result["samples"]:
        return []
    samples = soak_result["samples"]
    first, last = samples[0], samples[-1]
    # Flat: the last minute's memory within 10 % (or 20 MiB) of the first's.
    flat = all(
        last[key] <= max(first[key] * 1.1, first[key] + 20)
        for key in ("web_total_mib", "web_largest_mib", "worker_total_mib")
    )
    connections = [sample["database_connections"] for sample in samples]
    lines = [
        "",
        f"Soak: {soak_result['minutes']:g} minutes at {soak_result['users']} users over {soak_result['pages']} "
        f"main pages and roles, {soak_result['requests']:,} requests, {soak_result['errors']} errors; memory flat: "
        f"{verdict(flat)}; database connections {min(connections)} to {max(connections)}.",
        "",
        "| Minute | Requests | Errors | p95 ms | Web RSS, all / largest MiB | Worker RSS MiB | DB connections |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    shown = sorted({0, len(samples) // 2, len(samples) - 1})
    for sample in (samples[index] for index in shown):
        lines.append(
            f"| {sample['minute']} | {sample['requests']:,} | {sample['errors']} | {sample['p95_ms']} | "
            f"{sample['web_total_mib']} / {sample['web_largest_mib']} | {sample['worker_total_mib']} | "
            f"{sample['database_connections']} |"
        )
    return lines


def percentile(values: list[float], percent: float) -> float:
    if not values:
        return float("nan")
    rank = (len(values) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


# --- the measurements inside Django --------------------------------------------------------------


def dataset_facts() -> dict:
    from django.db import connection
    from django.db.models import Count

    from bench.generate import existing_scale
    from cases.models import Case
    from victimsupport.models import County, Region

    region = Region.objects.annotate(case_count=Count("cases")).order_by("-case_count").first()
    county = (
        County.objects.filter(region=region).annotate(case_count=Count("cases")).order_by("-case_count").first()
        if region
        else None
    )
    rows = {}
    with connection.cursor() as cursor:
        for table in [
            "cases_person",
            "cases_case",
            "cases_contact",
            "cases_note",
            "cases_task",
            "cases_aiddecision",
            "referrals_referral",
            "referrals_invoiceline",
            "victimsupport_accesslogentry",
            "volunteers_volunteer",
            "marac_maraccase",
        ]:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            rows[table] = int(cursor.fetchone()[0])
    client = Case.objects.select_related("client").get(pk=1).client
    return {
        "scale": existing_scale(),
        "rows": rows,
        "region": {"id": region.pk, "code": region.code, "name": region.name, "cases": region.case_count},
        "county": {"id": county.pk, "name": county.name},
        "person": {"name": f"{client.first_name} {client.last_name}", "code": client.personal_code},
    }


def path_for(page: dict, role: str) -> str:
    return page["path"][role] if isinstance(page["path"], dict) else page["path"]


def deep_paths(usernames: dict[str, str], roles: list[str], number: int) -> dict[str, str]:
    """The address of page `number` of the region's whole case list as a user reaches it: by the "next" link
    of the page before (which continues after that page's last row, instead of counting rows from the top)."""
    import html

    from django.test import Client

    from victimsupport.models import User

    paths = {}
    for role in roles:
        client = Client(HTTP_ACCEPT_LANGUAGE="et")
        client.force_login(User.objects.get(username=usernames[role]))
        page = client.get(f"/cases/?scope=all&page={number - 1}").content.decode()
        found = re.search(r'<a href="\?([^"]*)" rel="next">', page)
        if not found:
            raise RuntimeError(f"the case list of {usernames[role]} has no page {number}")
        paths[role] = "/cases/?" + html.unescape(found.group(1))
    return paths


def query_counts(pages: list[dict], usernames: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from victimsupport.models import User

    counts, statements = {}, {}
    clients = {}
    for page in pages:
        for role in page["roles"]:
            if role not in clients:
                clients[role] = Client(HTTP_ACCEPT_LANGUAGE="et")
                clients[role].force_login(User.objects.get(username=usernames[role]))
            client = clients[role]
            # The first request is counted (a page's worst case); the floor takes the second one's SQL, what
            # the load meets on a page that keeps a computation (the statistics) in the cache.
            for request in ("first", "again"):
                with CaptureQueriesContext(connection) as queries:
                    if page["method"] == "POST":
                        response = client.post(path_for(page, role), page["form"])
                    else:
                        response = client.get(path_for(page, role))
                if response.status_code != 200:
                    raise RuntimeError(f"{page['key']} as {role}: HTTP {response.status_code}")
                if request == "first":
                    counts[f"{page['key']}/{role}"] = len(queries)
                statements[f"{page['key']}/{role}"] = [query["sql"] for query in queries.captured_queries]
    return counts, statements


def page_sql_ms(statements: dict[str, list[str]]) -> dict[str, float]:
    """The page's own SQL, every statement as the page sent it, run back to back on one connection
    (median of 10 runs after 2; inside a transaction rolled back: the access log's rows are not kept)."""
    from django.db import connection, transaction

    found = {}
    for key, sqls in statements.items():
        timings = []
        with transaction.atomic():
            with connection.cursor() as cursor:
                for _ in range(12):
                    began = time.perf_counter()
                    for sql in sqls:
                        cursor.execute(sql)
                        if cursor.description:
                            cursor.fetchall()
                    timings.append(time.perf_counter() - began)
            transaction.set_rollback(True)
        found[key] = round(statistics.median(timings[2:]) * 1000, 2)
    return found


def sql_floor(usernames: dict[str, str], facts: dict, deep: dict[str, str]) -> dict[str, float]:
    """The case list's main query on its own: the page's rows, as the view asks for them (for the
    deep page, the rows after the previous page's last one)."""
    from urllib.parse import parse_qs

    from django.db import connection

    from cases.selectors import CaseFilters, case_list
    from cases.views.cases import default_scope
    from victimsupport.models import User
    from victimsupport.paging import PAGE_SIZE, rows_after, seek_keys

    filtered = {"status": "open", "incident_type": "domestic_violence", "county_id": facts["county"]["id"]}
    floors = {}
    for role in ("specialist", "manager"):
        user = User.objects.get(username=usernames[role])
        after = int(parse_qs(urllib.parse.urlsplit(deep[role]).query)["after"][0])
        for key, filters in (("case_list_first", {}), ("case_list_filtered", filtered), ("case_list_deep", {})):
            # As the list shows it: from the user's default scope, and the deep page from the region's whole list.
            scope = "all" if key == "case_list_deep" else default_scope(user)
            queryset = case_list(user, CaseFilters(scope=scope, **filters))
            if key == "case_list_deep":
                queryset = rows_after(queryset, seek_keys(queryset), after)
            sql, params = queryset[: PAGE_SIZE + 1].query.get_compiler(using="default").as_sql()
            timings = []
            with connection.cursor() as cursor:
                for _ in range(12):
                    began = time.perf_counter()
                    cursor.execute(sql, params)
                    cursor.fetchall()
                    timings.append(time.perf_counter() - began)
            floors[f"{key}/{role}"] = round(statistics.median(timings[2:]) * 1000, 2)
    return floors


def worker_task(name: str, args: list, env: dict, timeout: float) -> dict:
    """Send a bench task to the running worker and wait for the JSON file it writes."""
    from victimsupport.celery import app

    out = WORK / f"{name.rsplit('.', 1)[-1]}-{secrets.token_hex(4)}.json"
    app.send_task(name, args=[*args, str(out)])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists():
            data = json.loads(out.read_text())
            out.unlink()
            return data
        time.sleep(0.2)
    raise RuntimeError(f"{name}: the worker gave no result in {timeout:.0f} s (see .dev/bench/worker.log)")


def versions() -> dict:
    import celery
    import django
    import gunicorn
    import psycopg
    import redis
    import weasyprint
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    try:
        redis_version = redis.Redis.from_url(redis_url()).info("server")["redis_version"]
    except redis.RedisError:
        redis_version = "?"
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "redis": redis_version,
        "gunicorn": gunicorn.__version__,
        "celery": celery.__version__,
        "weasyprint": weasyprint.__version__,
        "psycopg": psycopg.__version__,
    }


def machine() -> dict:
    import psutil

    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "system": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


# --- the report ----------------------------------------------------------------------------------

PAGE_LABELS = {
    "case_list_first": "Case list, first page",
    "case_list_filtered": "Case list, filtered",
    "case_list_deep": "Case list, deep page",
    "case_detail": "Case detail, long timeline",
    "person_search_name": "Person search by name",
    "person_search_code": "Person search by personal code",
    "start_page": "Start page",
    "aid_list": "Aid applications waiting, the region's",
    "invoice_list": "Invoice list",
    "volunteer_list": "Volunteer list",
    "marac_case_list": "MARAC case list",
    "statistics_dashboard": "Statistics, own region and team",
    "statistics_national": "Statistics, national (small cells hidden)",
    "admin_case_list_first": "Admin changelist (peer), first page",
    "admin_case_list_filtered": "Admin changelist (peer), filtered",
    "admin_case_list_deep": "Admin changelist (peer), deep page",
}


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def median_or_none(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def seal_cost_lines(letters: dict) -> list[str]:
    """What the e-seal adds to the median letter (the same letters rendered again without it)."""
    if not letters.get("sealed") or not letters.get("unsealed_median_s"):
        return ["| Sealing | letters not sealed (no seal configured) | |"]
    sealed = letters.get("sealed_warm_median_s") or letters["median_s"]
    cost = 100 * (sealed / letters["unsealed_median_s"] - 1)
    return [
        f"| Sealing (PAdES, the e-seal): the same letters, median {letters['unsealed_median_s']:.3f} s "
        f"unsealed, {sealed:.3f} s sealed | +{cost:.0f}% "
        f"| ≤ +{TARGET_SEAL_COST_PERCENT}% {verdict(cost <= TARGET_SEAL_COST_PERCENT)} |"
    ]


def markdown(result: dict) -> str:
    levels = result["concurrency"]
    top = levels[-1]
    lines = [
        f"# Benchmark {result['date']}, scale {result['scale']}",
        "",
        f"Machine: {result['machine']['cores']} cores, {result['machine']['memory_gib']} GiB, "
        f"{result['machine']['system']}. "
        + ", ".join(f"{name} {version}" for name, version in result["versions"].items())
        + ".",
        "",
        "Data: "
        + ", ".join(f"{table.split('_', 1)[1]} {count:,}" for table, count in result["dataset"]["rows"].items())
        + f". Users of the largest region ({result['dataset']['region']['name']}, "
        f"{result['dataset']['region']['cases']:,} cases).",
        "",
        "| Page | User | Queries | "
        + " | ".join(f"p50 / p95 ms @{c}" for c in levels)
        + " | "
        + " | ".join(f"req/s @{c}" for c in levels)
        + f" | CPU ms/request @{top}: web, database, load | Errors | p95 ≤ {TARGET_P95_MS} ms @{top} |",
        "|---|---|---:|" + "---:|" * (2 * len(levels)) + "---:|---:|:---:|",
    ]
    for row in result["pages"]:
        cells = [PAGE_LABELS.get(row["page"], row["page"]), row["role"], str(row.get("queries", "–"))]
        cells += [f"{row[str(c)]['p50_ms']} / {row[str(c)]['p95_ms']}" for c in levels]
        cells += [f"{row[str(c)]['rps']}" for c in levels]
        busiest = row[str(top)]
        cells.append(" / ".join(str(busiest.get(f"{name}_cpu_ms", "–")) for name in ("web", "database", "load")))
        cells.append(str(sum(row[str(c)]["errors"] for c in levels)))
        cells.append(verdict(row[str(top)]["p95_ms"] <= TARGET_P95_MS and not row[str(top)]["errors"]))
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Case list against its peer and its floor (p95 at {top} users against the admin's; p50 at 1 user "
        "against the main query alone):",
        "",
        f"| List | User | p95 @{top} ms | Admin p95 @{top} ms | Faster than admin (≥ {TARGET_ADMIN_RATIO}×) "
        f"| SQL floor ms | p50 @1 ms | Page / floor (≤ {TARGET_FLOOR_RATIO}×) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for item in result["comparisons"]:
        lines.append(
            f"| {PAGE_LABELS[item['page']]} | {item['role']} | {item['p95_ms']} | {item['admin_p95_ms']} | "
            f"{item['admin_ratio']}× {verdict(item['admin_ratio'] >= TARGET_ADMIN_RATIO)} | {item['floor_ms']} | "
            f"{item['p50_ms']} | {item['floor_ratio']}× {verdict(item['floor_ratio'] <= TARGET_FLOOR_RATIO)} |"
        )
    if result.get("floors"):
        lines += [
            "",
            f"Each page against its floor: an empty page through the same middleware, session and login (p50 at "
            f"{levels[0]} user) plus the page's own SQL run on its own:",
            "",
            f"| Page | User | Empty page ms | Page's SQL ms | Floor ms | p50 @{levels[0]} ms "
            f"| Page / floor (≤ {TARGET_PAGE_FLOOR_RATIO}×) |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for item in result["floors"]:
            ratio = item["ratio"]
            lines.append(
                f"| {PAGE_LABELS.get(item['page'], item['page'])} | {item['role']} | {item['empty_ms']} | "
                f"{item['sql_ms']} | {item['floor_ms']} | {item['p50_ms']} | "
                f"{ratio}× {verdict(None if ratio is None else ratio <= TARGET_PAGE_FLOOR_RATIO)} |"
            )
    worker = result["worker"]
    letters = worker["letters"]
    lines += [
        "",
        "| Worker | Figure | Target |",
        "|---|---:|:---:|",
        f"| Yearly statistics {worker['statistics']['year']} (national) | {worker['statistics']['seconds']:.2f} s "
        f"| ≤ {TARGET_STATISTICS_S} s {verdict(worker['statistics']['seconds'] <= TARGET_STATISTICS_S)} |",
        *(
            f"| Nightly statistics {year}, {run['figures']:,} monthly figures (of which protecting small cells "
            f"across pages {run.get('protection_seconds', 0):.1f} s, {run.get('hidden', 0):,} cells hidden) "
            f"| {run['seconds']:.2f} s | ≤ {TARGET_STATISTICS_S} s {verdict(run['seconds'] <= TARGET_STATISTICS_S)} |"
            for year, run in sorted(worker.get("nightly", {}).items())
        ),
        f"| Decision letter PDF, median of {letters['count']} | {letters['median_s']:.3f} s "
        f"| ≤ {TARGET_LETTER_S} s {verdict(letters['median_s'] <= TARGET_LETTER_S)} |",
        f"| Decision letters per second, one worker process | {letters['per_second']:.2f} | |",
        *seal_cost_lines(letters),
        "",
        "| Process | Peak RSS, largest process | Peak RSS, whole tree |",
        "|---|---:|---:|",
        f"| Web (gunicorn, {result['server']['workers']} workers × {result['server']['threads']} threads) | "
        f"{result['memory']['web']['peak_process_mib']} MiB | {result['memory']['web']['peak_total_mib']} MiB |",
        f"| Worker (Celery, 1 process) | {result['memory']['worker']['peak_process_mib']} MiB | "
        f"{result['memory']['worker']['peak_total_mib']} MiB |",
        *soak_markdown(result.get("soak")),
    ]
    return "\n".join(lines) + "\n"


# --- the run -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="data scale (1 = national, twenty years)")
    parser.add_argument("--regenerate", action="store_true", help="generate even if data of this scale exists")
    parser.add_argument("--duration", type=float, default=10, help="seconds per page and concurrency level")
    parser.add_argument("--min-requests", type=int, default=40, help="at least this many requests per measure")
    parser.add_argument("--concurrency", default="1,16", help="comma-separated concurrent users")
    parser.add_argument("--letters", type=int, default=200, help="decision letters the worker renders")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers (2 × cores + 1)"
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument(
        "--max-requests", type=int, default=2000, help="gunicorn worker recycling (as in the Dockerfile; 0: never)"
    )
    parser.add_argument("--only", default="", help="comma-separated page keys to measure (default: all)")
    parser.add_argument(
        "--soak", type=float, default=30, help="minutes of load over all main pages at the top concurrency (0: none)"
    )
    args = parser.parse_args()
    levels = [int(value) for value in args.concurrency.split(",") if value.strip()]
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)

    database_url = bench_database_url()
    env = bench_environment(database_url)
    devenv.ensure_database(database_url)
    manage = [PY, "manage.py"]
    log(f"database {urllib.parse.urlsplit(database_url).path.lstrip('/')}: migrating")
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    generate = [*manage, "generate_data", "--scale", str(args.scale)]
    if not args.regenerate:
        generate.append("--reuse")
    generation_started = time.monotonic()
    subprocess.run(generate, cwd=ROOT, env=env, check=True)
    generation_seconds = time.monotonic() - generation_started

    os.environ.update(env)
    import django

    django.setup()
    import redis

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
    redis.Redis.from_url(env["CACHE_URL"]).flushdb()

    facts = dataset_facts()
    region = facts["region"]["code"]
    from victimsupport.models import User

    specialists = list(
        User.objects.filter(username__startswith="bench.spets", username__endswith=f".{region}")
        .order_by("pk")
        .values_list("username", flat=True)[:16]
    )
    usernames = {
        "specialist": specialists[0],
        "manager": f"bench.juht.{region}",
        "organiser": "bench.teenused",
        "coordinator": f"bench.koord.{region}",
        "admin": "bench.admin",
    }
    deep_page = max(2, min(400, facts["region"]["cases"] // 25 // 2))
    county = facts["county"]["id"]
    filtered = f"status=open&incident_type=domestic_violence&county={county}"
    admin_filtered = f"status__exact=open&incident_type__exact=domestic_violence&county__id__exact={county}"
    person = facts["person"]
    pages = [
        {"key": "case_list_first", "method": "GET", "path": "/cases/", "roles": ["specialist", "manager"]},
        {
            "key": "case_list_filtered",
            "method": "GET",
            "path": f"/cases/?{filtered}",
            "roles": ["specialist", "manager"],
        },
        {
            "key": "case_list_deep",
            "method": "GET",
            # The region's whole list (a specialist starts from their own cases, which may not reach that deep);
            # replaced by the address the next link gives.
            "path": f"/cases/?scope=all&page={deep_page}",
            "roles": ["specialist", "manager"],
        },
        {"key": "case_detail", "method": "GET", "path": "/cases/1/", "roles": ["specialist", "manager"]},
        {
            "key": "person_search_name",
            "method": "POST",
            "path": "/persons/search/",
            "form": {"query": person["name"]},
            "roles": ["specialist", "manager"],
        },
        {
            "key": "person_search_code",
            "method": "POST",
            "path": "/persons/search/",
            "form": {"query": person["code"]},
            "roles": ["specialist", "manager"],
        },
        {"key": "start_page", "method": "GET", "path": "/", "roles": ["specialist", "manager"]},
        # The applications waiting for a decision, the region's (a specialist's own are a few).
        {"key": "aid_list", "method": "GET", "path": "/aid/?scope=region", "roles": ["specialist", "manager"]},
        # Specialists have no invoice list: the regional manager and the service organiser do.
        {"key": "invoice_list", "method": "GET", "path": "/referrals/invoices/", "roles": ["manager", "organiser"]},
        # The new apps' main lists: the volunteers (a coordinator's are national) and the MARAC cases.
        {"key": "volunteer_list", "method": "GET", "path": "/volunteers/", "roles": ["coordinator", "manager"]},
        {"key": "marac_case_list", "method": "GET", "path": "/marac/m/", "roles": ["coordinator", "manager"]},
        # The statistics read the precomputed monthly figures (computed below, as the nightly run does):
        # the manager's region with its team, and the national view with the small-cell rule.
        {"key": "statistics_dashboard", "method": "GET", "path": "/reporting/statistics/", "roles": ["manager"]},
        {
            "key": "statistics_national",
            "method": "GET",
            "path": "/reporting/statistics/?period=year&region=",
            "roles": ["organiser"],
        },
        {"key": "admin_case_list_first", "method": "GET", "path": "/admin/cases/case/", "roles": ["admin"]},
        {
            "key": "admin_case_list_filtered",
            "method": "GET",
            "path": f"/admin/cases/case/?{admin_filtered}",
            "roles": ["admin"],
        },
        {
            "key": "admin_case_list_deep",
            "method": "GET",
            "path": f"/admin/cases/case/?p={deep_page}",
            "roles": ["admin"],
        },
    ]
    soak_pages = [page for page in pages if not page["key"].startswith("admin_")]
    if args.only:
        wanted = set(args.only.split(","))
        pages = [page for page in pages if page["key"] in wanted]
    log(f"the deep page: case list page {deep_page}, reached by its previous page's next link")
    deep = deep_paths(usernames, ["specialist", "manager"], deep_page)
    for page in [*pages, *soak_pages]:
        if page["key"] == "case_list_deep":
            page["path"] = deep

    log("the nightly statistics: this year's and last year's monthly figures")
    from reporting.services import statistics_nightly

    began = time.perf_counter()
    nightly = {
        run.year: {
            "seconds": run.seconds,
            "figures": run.data["figures"],
            "protection_seconds": run.data.get("protection_seconds", 0),
            "hidden": run.data.get("hidden", 0),
        }
        for run in statistics_nightly()
    }
    nightly_s = time.perf_counter() - began
    log(f"nightly statistics: {nightly_s:.1f} s ({nightly})")

    log("query counts (test client)")
    counts, statements = query_counts(pages, usernames)
    log("each page's own SQL, run on its own")
    page_sql = page_sql_ms(statements)
    log("the raw SQL floor of the case list")
    floors = sql_floor(usernames, facts, deep)

    port = devenv.free_port(8100)
    server = start(
        [
            str(Path(PY).parent / "gunicorn"),
            "victimsupport.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--max-requests",
            str(args.max_requests),
            "--max-requests-jitter",
            str(args.max_requests // 10),
            "--timeout",
            "120",
            "--preload",  # as the Dockerfile
        ],
        env,
        "gunicorn.log",
    )
    worker = start(
        [
            str(Path(PY).parent / "celery"),
            "-A",
            "victimsupport",
            "worker",
            "-Q",
            "default,letters,statistics",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
        ],
        env,
        "worker.log",
    )
    web_memory, worker_memory = ProcessWatch(server.pid), ProcessWatch(worker.pid)
    database = ProcessWatch(name="postgres")
    rows = []
    try:
        wait_http(port)
        log(f"gunicorn on port {port}: {args.workers} workers × {args.threads} threads, DEBUG off")
        sessions: dict[str, list[Session]] = {
            "specialist": [Session(port, name) for name in specialists],
            "manager": [Session(port, usernames["manager"])],
            "organiser": [Session(port, usernames["organiser"])],
            "coordinator": [Session(port, usernames["coordinator"])],
            "admin": [Session(port, usernames["admin"])],
        }
        for page in pages:
            for role in page["roles"]:
                row = {"page": page["key"], "role": role, "queries": counts[f"{page['key']}/{role}"]}
                for level in levels:
                    requests = [
                        s.request(page["method"], path_for(page, role), page.get("form")) for s in sessions[role]
                    ]
                    row[str(level)] = measure(
                        port,
                        requests,
                        level,
                        args.duration,
                        args.min_requests,
                        {"web": web_memory, "database": database},
                    )
                    log(
                        f"{page['key']:<26} {role:<10} @{level:<3} p50 {row[str(level)]['p50_ms']:>8} ms  "
                        f"p95 {row[str(level)]['p95_ms']:>8} ms  {row[str(level)]['rps']:>7} req/s  "
                        f"errors {row[str(level)]['errors']}  CPU/request: web {row[str(level)]['web_cpu_ms']} ms, "
                        f"database {row[str(level)]['database_cpu_ms']} ms, load {row[str(level)]['load_cpu_ms']} ms"
                    )
                rows.append(row)

        log("the floor's empty page (same middleware, session and login)")
        empty = {}
        for role in sorted({role for page in pages for role in page["roles"]}):
            requests = [s.request("GET", "/bench/empty/", None) for s in sessions[role]]
            empty[role] = measure(
                port, requests, levels[0], args.duration, args.min_requests, {"web": web_memory, "database": database}
            )
            log(f"empty page {role:<10} @{levels[0]} p50 {empty[role]['p50_ms']} ms")
        floors_by_page = []
        for row in rows:
            key = f"{row['page']}/{row['role']}"
            floor = round(empty[row["role"]]["p50_ms"] + page_sql[key], 2)
            page_p50 = row[str(levels[0])]["p50_ms"]
            floors_by_page.append(
                {
                    "page": row["page"],
                    "role": row["role"],
                    "empty_ms": empty[row["role"]]["p50_ms"],
                    "sql_ms": page_sql[key],
                    "floor_ms": floor,
                    "p50_ms": page_p50,
                    "ratio": round(page_p50 / floor, 1) if floor else None,
                }
            )

        log("yearly statistics in the worker")
        year = date.today().year - 1
        statistics_result = worker_task("bench.yearly_statistics", [year], env, timeout=900)
        log(f"statistics {year}: {statistics_result['seconds']:.2f} s")
        from cases.models import AidDecision

        decision_ids = list(
            AidDecision.objects.filter(status="issued", application__case__region__code=region)
            .order_by("pk")
            .values_list("pk", flat=True)[: args.letters]
        )
        log(f"{len(decision_ids)} decision letters in the worker")
        letters = worker_task("bench.render_letters", [decision_ids], env, timeout=60 + 10 * len(decision_ids))
        soak_result = None
        if args.soak:
            log(f"soak: {args.soak:g} minutes at {levels[-1]} users over {len(soak_pages)} main pages")
            soak_result = soak(port, sessions, soak_pages, args.soak, levels[-1], server.pid, worker.pid, database)
    finally:
        memory = {"web": web_memory.stop(), "worker": worker_memory.stop()}
        database.stop()
        stop(server)
        stop(worker)

    render_times = letters["seconds"]
    letter_result = {
        "count": len(render_times),
        "median_s": statistics.median(render_times) if render_times else float("nan"),
        "p95_s": percentile(sorted(render_times), 95),
        "first_s": render_times[0] if render_times else None,
        "per_second": len(render_times) / letters["total_seconds"] if letters["total_seconds"] else 0,
        "median_kib": round(statistics.median(letters["bytes"]) / 1024, 1) if letters["bytes"] else 0,
        "worker_max_rss_mib": round(letters["worker_max_rss_kib"] / 1024, 1),
        "sealed": letters.get("sealed", False),
        "unsealed_median_s": median_or_none(letters.get("unsealed_seconds")),
        "sealed_warm_median_s": median_or_none(letters.get("sealed_warm_seconds")),
    }
    comparisons = []
    by_key = {(row["page"], row["role"]): row for row in rows}
    top = str(levels[-1])
    for key in ("case_list_first", "case_list_filtered", "case_list_deep"):
        admin = by_key.get((f"admin_{key}", "admin"))
        for role in ("specialist", "manager"):
            row = by_key.get((key, role))
            if row is None or admin is None:
                continue
            floor = floors[f"{key}/{role}"]
            comparisons.append(
                {
                    "page": key,
                    "role": role,
                    "p95_ms": row[top]["p95_ms"],
                    "admin_p95_ms": admin[top]["p95_ms"],
                    "admin_ratio": round(admin[top]["p95_ms"] / row[top]["p95_ms"], 1),
                    "floor_ms": floor,
                    "p50_ms": row[str(levels[0])]["p50_ms"],
                    "floor_ratio": round(row[str(levels[0])]["p50_ms"] / floor, 1) if floor else None,
                }
            )
    today = date.today().isoformat()
    result = {
        "date": today,
        "scale": args.scale,
        "generation_seconds": round(generation_seconds, 1),
        "machine": machine(),
        "versions": versions(),
        "server": {
            "workers": args.workers,
            "threads": args.threads,
            "max_requests": args.max_requests,
            "duration_s": args.duration,
        },
        "concurrency": levels,
        "dataset": facts,
        "users": usernames,
        "paths": {page["key"]: page["path"] for page in pages},
        "pages": rows,
        "sql_floor_ms": floors,
        "page_sql_ms": page_sql,
        "floors": floors_by_page,
        "comparisons": comparisons,
        "worker": {"statistics": statistics_result, "letters": letter_result, "nightly": nightly},
        "memory": memory,
        "soak": soak_result,
    }
    scale_text = f"{args.scale:g}"
    json_path = RESULTS / f"{today}-{scale_text}.json"
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    table = markdown(result)
    (RESULTS / f"{today}-{scale_text}.md").write_text(table)
    print()
    print(table)
    log(f"results in {json_path.relative_to(ROOT)} and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
