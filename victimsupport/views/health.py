"""/heartbeat.json: name, version, build and start time, server time, and the state of PostgreSQL,
Redis and the workers (MFN health endpoint)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

STARTED_AT = timezone.now()
WORKER_HEARTBEAT_KEY = "worker:heartbeat"
WORKER_STALE_AFTER = datetime.timedelta(minutes=2)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "down"


def _redis() -> str:
    try:
        cache.set("health:ping", "1", 10)
        return "ok" if cache.get("health:ping") == "1" else "down"
    except Exception:
        return "down"


def _workers() -> dict:
    try:
        seen = cache.get(WORKER_HEARTBEAT_KEY)
    except Exception:
        seen = None
    if not seen:
        return {"status": "unknown", "last_seen": None}
    last = datetime.datetime.fromisoformat(seen)
    status = "ok" if timezone.now() - last < WORKER_STALE_AFTER else "stale"
    return {"status": status, "last_seen": seen}


@require_GET
@transaction.non_atomic_requests  # the request's transaction would need the database it checks
def heartbeat(request):
    database, redis, workers = _database(), _redis(), _workers()
    healthy = database == "ok" and redis == "ok"
    return JsonResponse(
        {
            "name": settings.APP_NAME,
            "version": settings.APP_VERSION,
            "buildTime": settings.BUILD_TIME or None,
            "startTime": STARTED_AT.isoformat(),
            "serverTime": timezone.now().isoformat(),
            "status": "UP" if healthy else "DOWN",
            "dependencies": {"postgresql": database, "redis": redis, "workers": workers},
        },
        status=200 if healthy else 503,
    )
