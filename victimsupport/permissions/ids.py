"""Permission ids, read once per process: a grant check compares with a number, not a subquery.

The map is read on first use, again after migrate or flush (post_migrate) or a change to a permission in
this process, and in any case once a minute. Ids only move where the table is rebuilt (a flush that
restarts the ids, a restore): the README's restore stops every process first, and the minute bounds what
another process can miss. A permission not in the map is looked up again at most once a minute."""

from __future__ import annotations

import threading
import time

from django.contrib.auth.models import Permission
from django.db.models.signals import post_delete, post_migrate, post_save

RELOAD_SECONDS = 60

_lock = threading.Lock()
_ids: dict[tuple[str, str, str], int] | None = None
_loaded_at = 0.0
_generation = 0  # moved on by forget(): a map read before it is not kept


def _load() -> dict[tuple[str, str, str], int]:
    global _ids, _loaded_at
    generation = _generation
    rows = Permission.objects.values_list("content_type__app_label", "content_type__model", "codename", "pk")
    ids = {(app_label, model, codename): pk for app_label, model, codename, pk in rows}
    with _lock:
        if generation == _generation:
            _ids, _loaded_at = ids, time.monotonic()
    return ids


def permission_pk(app_label: str, model: str, codename: str) -> int | None:
    """The id of permission `codename` of `app_label.model`, or None where there is no such permission."""
    ids = _ids
    if ids is None or time.monotonic() - _loaded_at > RELOAD_SECONDS:
        ids = _load()
    return ids.get((app_label, model, codename))


def forget(**kwargs) -> None:
    global _ids, _generation
    with _lock:
        _ids, _generation = None, _generation + 1


post_migrate.connect(forget, dispatch_uid="permission-ids-forget-migrate")
post_save.connect(forget, sender=Permission, dispatch_uid="permission-ids-forget-save")
post_delete.connect(forget, sender=Permission, dispatch_uid="permission-ids-forget-delete")
