"""Where no PostgreSQL or Redis answers, the two commands start embedded, project-local servers."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

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
