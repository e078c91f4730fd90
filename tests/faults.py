"""Tools of the fault drills: a TCP proxy in front of PostgreSQL that can go down as a restarting server
does, the web application as production runs it (gunicorn, DEBUG off) in a process of its own, an
S3-protocol server (moto), and a browser over HTTP (cookies, forms with their CSRF token)."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import ARTIFACTS, DOCUMENTS, ROOT, stop_process


class DatabaseProxy:
    """Forwards connections to the database. `outage()` drops every open connection and refuses new
    ones (a restarting PostgreSQL: "server closed the connection unexpectedly"); `restore()` lets them
    through again."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = threading.Event()
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if self.down.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source, sink)

    def _drop(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self.lock:
                self.open.discard(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def outage(self) -> None:
        self.down.set()
        with self.lock:
            sockets = list(self.open)
        self._drop(*sockets)

    def restore(self) -> None:
        self.down.clear()

    def close(self) -> None:
        self.outage()
        self.listener.close()


def free_port() -> int:
    """A port no one listens on, for a server a test starts (or expects to be away). Taken below the kernel's
    ephemeral range, from which outgoing connections and bind(0) draw theirs: a port from bind(0) could be
    taken by one of the parallel suite's connections before the test's server bound it."""
    low = _ephemeral_ports()[0]
    for port in random.sample(range(10000, max(low, 10100)), 50):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:  # a machine whose low ports are all taken: the kernel's choice
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ephemeral_ports() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def start_web_server(
    database_url: str,
    *,
    workers: int = 2,
    log_name: str = "gunicorn-drill.log",
    documents_root: str | None = None,
    extra_env: dict[str, str] | None = None,
):
    """gunicorn on a free port with DEBUG off, on the test database and the test Redis (sessions are in
    the cache, so a session made by the test's client is valid there); answers /heartbeat.json."""
    from django.conf import settings

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections: broken ones must be noticed and replaced
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "SECRET_KEY": settings.SECRET_KEY,
        "DOCUMENTS_ROOT": documents_root or str(DOCUMENTS),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "OTP_REQUIRED": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(ARTIFACTS / "static-production"),
        **(extra_env or {}),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    if not (ARTIFACTS / "static-production" / "staticfiles.json").exists():  # the manifest DEBUG off needs
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
    log = open(ARTIFACTS / log_name, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "victimsupport.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--preload",  # as the Dockerfile
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log, process.url = log, f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log.name}")
        try:
            fetch(process.url + "/heartbeat.json")
            return process
        except OSError:
            time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"gunicorn did not answer; see {log.name}")


def fetch(url: str, *, cookies: dict | None = None) -> tuple[int, dict, str]:
    """(status, headers, body) of a GET; error statuses are answers too."""
    request = urllib.request.Request(url, headers={"Accept-Language": "et"})  # noqa: S310 (http://127.0.0.1 only)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{key}={value}" for key, value in cookies.items()))
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


# --- S3-compatible object storage -----------------------------------------------------------------

S3_REGION = "eu-north-1"


def start_s3_server(bucket: str = "documents"):
    """moto's S3 server, a real process speaking the S3 protocol, on a free port with `bucket` made;
    `.env` is what points the application's document storage at it."""
    import boto3

    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "s3-server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log, process.endpoint, process.bucket = log, f"http://127.0.0.1:{port}", bucket
    process.env = {
        "DOCUMENTS_S3_BUCKET": bucket,
        "DOCUMENTS_S3_ENDPOINT_URL": process.endpoint,
        "DOCUMENTS_S3_REGION": S3_REGION,
        "DOCUMENTS_S3_ACCESS_KEY_ID": "drill",
        "DOCUMENTS_S3_SECRET_ACCESS_KEY": "drill-secret",
    }
    process.client = boto3.client(
        "s3",
        endpoint_url=process.endpoint,
        region_name=S3_REGION,
        aws_access_key_id="drill",
        aws_secret_access_key="drill-secret",
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the S3 server exited; see {log.name}")
        try:
            process.client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
            return process
        except Exception:
            time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"the S3 server did not answer; see {log.name}")


# --- a user agent over HTTP -------------------------------------------------------------------------


class _Form(HTMLParser):
    """The fields of the first form in the page's <main> that posts to `action` (None: the first form there):
    what a browser would send unchanged (text, hidden and date inputs, checked boxes, selected options,
    text areas)."""

    def __init__(self, action: str | None):
        super().__init__()
        self.action, self.fields, self._in, self._done, self._main = action, {}, False, False, False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self._main = True
        if tag == "form" and self._main and not self._done and self.action in (None, attrs.get("action")):
            self._in = True
        if not self._in:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "main":
            self._main = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in:
            self._in, self._done = False, True


def form_fields(page: str, action: str | None = None) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(page)
    return parser.fields


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """One user's browser: its cookies go to every server on 127.0.0.1 (as to the nodes behind one load
    balancer); forms are posted with the CSRF token, redirects are returned, not followed."""

    def __init__(self):
        from http.cookiejar import CookieJar

        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects)

    def _open(self, request) -> tuple[int, dict, bytes]:
        request.add_header("Accept-Language", "et")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, url: str) -> tuple[int, dict, str]:
        status, headers, body = self.get_bytes(url)
        return status, headers, body.decode()

    def get_bytes(self, url: str) -> tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(url))  # noqa: S310 (http://127.0.0.1 only)

    def post(self, url: str, fields: dict[str, str]) -> tuple[int, dict, str]:
        from django.conf import settings

        token = next((c.value for c in self.cookies if c.name == settings.CSRF_COOKIE_NAME), "")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        status, headers, body = self._open(urllib.request.Request(url, data=data, method="POST"))  # noqa: S310
        return status, headers, body.decode()

    def log_in(self, server: str, username: str, password: str) -> tuple[int, dict, str]:
        self.get(f"{server}/login/")  # the CSRF cookie
        return self.post(f"{server}/login/", {"username": username, "password": password})


def accept_password_at_servers(user, password: str) -> None:
    """The tests hash passwords with MD5 for speed, which a server outside the tests does not accept:
    store `password` as a server would (PBKDF2, few rounds; the server rehashes it at the first login)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
