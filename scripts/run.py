"""`make run`: the web server, a Celery worker and beat, side by side; Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 20):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port for the web server")


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = free_port(int(os.environ.get("PORT", "8000")))
    dev = ROOT / ".dev"
    dev.mkdir(exist_ok=True)
    commands = {
        "web": [PY, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        "worker": [
            PY,
            "-m",
            "celery",
            "-A",
            "victimsupport",
            "worker",
            "-Q",
            "default,letters,statistics",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "-n",
            "dev@%h",
        ],
        "beat": [
            PY,
            "-m",
            "celery",
            "-A",
            "victimsupport",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(dev / "celerybeat-schedule"),
        ],
    }
    processes = {name: subprocess.Popen(command, cwd=ROOT) for name, command in commands.items()}

    def stop(*_args):
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.time() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    time.sleep(2)
    print(
        f"""
  Victim support is running:  http://{"localhost" if host == "127.0.0.1" else host}:{port}/
  Worker and beat are running beside it. Stop with Ctrl-C.

  Demo logins (password for all: Ohvriabi-demo-2026)
    admin               administrator (Django admin at /admin/)
    juht.pohja          regional manager, Põhja      juht.louna      regional manager, Lõuna
    spets.pohja         specialist, Põhja            spets.louna     specialist, Lõuna
    spets2.pohja        specialist, Põhja
    teenused            service organiser            analyytik       analyst
    koordinaator.pohja  coordinator, Põhja           vabatahtlik.pohja  volunteer, Põhja
    marac.pohja         MARAC partner, Põhja (sets up a second factor at the first login)
""",
        flush=True,
    )
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"run: {name} stopped (exit {process.returncode}); stopping the rest", flush=True)
                    stop()
                    return process.returncode or 1
            time.sleep(1)
    except KeyboardInterrupt:
        stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
