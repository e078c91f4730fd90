"""Tools of the fault drills: a TCP proxy in front of PostgreSQL that can go down as a restarting server
does, and the web application as production runs it (gunicorn, DEBUG off) in a process of its own."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
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
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_web_server(database_url: str, *, workers: int = 2):
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
        "DOCUMENTS_ROOT": str(DOCUMENTS),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "OTP_REQUIRED": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(ARTIFACTS / "static-production"),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    if not (ARTIFACTS / "static-production" / "staticfiles.json").exists():  # the manifest DEBUG off needs
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
    log = open(ARTIFACTS / "gunicorn-drill.log", "w")  # noqa: SIM115
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
