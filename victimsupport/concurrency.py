"""Optimistic concurrency: an edit names the version it started from; a newer stored version means
someone else saved in between, and the edit is refused with their values."""

from __future__ import annotations

from django.db import models


class ConcurrentEdit(Exception):
    def __init__(self, current: models.Model):
        super().__init__(f"{type(current).__name__} #{current.pk} changed since it was read")
        self.current = current


def lock_version(model: type[models.Model], pk: int, expected_version: int) -> models.Model:
    """Lock the stored row for this transaction and check its version; raise ConcurrentEdit if newer."""
    current = model._default_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise ConcurrentEdit(current)
    return current


def changed_fields(mine: models.Model, theirs: models.Model, fields: list[str]) -> list[tuple[str, object, object]]:
    """(label, my value, their value) for the fields where a conflicting save differs from mine."""
    rows = []
    for name in fields:
        field = mine._meta.get_field(name)
        mine_value, their_value = getattr(mine, name), getattr(theirs, name)
        if mine_value != their_value:
            display = f"get_{name}_display"
            if hasattr(mine, display):
                mine_value, their_value = getattr(mine, display)(), getattr(theirs, display)()
            rows.append((field.verbose_name, mine_value, their_value))
    return rows
