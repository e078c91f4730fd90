"""The access log service: record every read of personal data."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from victimsupport.models import AccessLogEntry
from victimsupport.models.access import OBJECT_TYPE_LABELS, AccessAction
from victimsupport.requestcontext import current_ip, current_path


def log_access(
    user,
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | None = None,
    persons: Iterable[int] = (),
    reason: str = "",
    restricted: bool = False,
) -> AccessLogEntry:
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    return AccessLogEntry.objects.create(
        user=user,
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_ids=sorted({int(pk) for pk in persons if pk is not None}),
        ip=current_ip(),
        path=current_path()[:300],
        reason=reason,
        restricted=restricted,
    )


def register_object_type(label: str, name) -> None:
    OBJECT_TYPE_LABELS[label] = name


__all__ = ["AccessAction", "log_access", "register_object_type"]
