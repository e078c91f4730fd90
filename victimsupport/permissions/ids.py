"""Permission ids, read once per process: a grant check compares with a number, not a subquery.

A permission's id does not change while the app runs (PostgreSQL never reuses an id), so the map is
read on first use and again after migrate or flush (post_migrate) or a change to a permission. A
permission not in the map is looked up again at most once a minute; a stale map can only fail closed
(an id that no longer exists matches no grant)."""

from __future__ import annotations

import threading
import time

from django.contrib.auth.models import Permission
from django.db.models.signals import post_delete, post_migrate, post_save

RELOAD_MISSES_AFTER_SECONDS = 60

_lock = threading.Lock()
_ids: dict[tuple[str, str], int] | None = None
_loaded_at = 0.0


def _load() -> dict[tuple[str, str], int]:
    global _ids, _loaded_at
    rows = Permission.objects.values_list("content_type__app_label", "codename", "pk")
    ids = {(app_label, codename): pk for app_label, codename, pk in rows}
    with _lock:
        _ids, _loaded_at = ids, time.monotonic()
    return ids


def permission_pk(app_label: str, codename: str) -> int | None:
    """The id of permission `app_label.codename`, or None where there is no such permission."""
    key = (app_label, codename)
    ids = _ids
    stale_miss = ids is not None and key not in ids and time.monotonic() - _loaded_at > RELOAD_MISSES_AFTER_SECONDS
    if ids is None or stale_miss:
        ids = _load()
    return ids.get(key)


def forget(**kwargs) -> None:
    global _ids
    with _lock:
        _ids = None


post_migrate.connect(forget, dispatch_uid="permission-ids-forget-migrate")
post_save.connect(forget, sender=Permission, dispatch_uid="permission-ids-forget-save")
post_delete.connect(forget, sender=Permission, dispatch_uid="permission-ids-forget-delete")
