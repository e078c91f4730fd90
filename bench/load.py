"""The HTTP load generator of `make bench`, run as its own process so that it does not share the
server's interpreter: `python bench/load.py spec.json` prints the measured latencies as JSON.

The spec: {"host", "port", "concurrency", "duration", "min_requests", "max_requests", "warmup",
"requests": [{"method", "path", "headers", "body"}, ...]}. Each of the `concurrency` users keeps one
keep-alive connection and sends the requests in turn (user i starts at request i, so different sessions
are spread over the users) until `duration` seconds have passed and at least `min_requests` were made.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time


def user_loop(spec: dict, index: int, deadline: list[float], results: list, lock: threading.Lock) -> None:
    requests = spec["requests"]
    connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=120)
    position = index
    while True:
        request = requests[position % len(requests)]
        position += 1
        body = request.get("body")
        began = time.perf_counter()
        try:
            connection.request(
                request["method"], request["path"], body=body.encode() if body else None, headers=request["headers"]
            )
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=120)
            status = 0
        elapsed = time.perf_counter() - began
        with lock:
            results.append((began, elapsed, status))
            done = len(results)
            if done >= spec["max_requests"] or (time.perf_counter() >= deadline[0] and done >= spec["min_requests"]):
                break
    connection.close()


def warm(spec: dict) -> None:
    connection = http.client.HTTPConnection(spec["host"], spec["port"], timeout=120)
    for number in range(spec.get("warmup", 0)):
        request = spec["requests"][number % len(spec["requests"])]
        body = request.get("body")
        connection.request(
            request["method"], request["path"], body=body.encode() if body else None, headers=request["headers"]
        )
        connection.getresponse().read()
    connection.close()


def main() -> int:
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    warm(spec)
    results: list[tuple[float, float, int]] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = [started + spec["duration"]]
    users = [
        threading.Thread(target=user_loop, args=(spec, index, deadline, results, lock), daemon=True)
        for index in range(spec["concurrency"])
    ]
    for user in users:
        user.start()
    for user in users:
        user.join()
    wall = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for _began, _elapsed, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    json.dump(
        {
            "latencies": [elapsed for _began, elapsed, _status in results],
            "statuses": statuses,
            "wall_seconds": wall,
            "requests": len(results),
            "cpu_seconds": time.process_time(),
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
