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


def assign_fields(obj: models.Model, fields: dict, allowed) -> None:
    """Set the named fields on `obj`; a name outside `allowed` is a programming error (TypeError)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {type(obj).__name__} fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obj, name, value)


def versioned_edit(obj: models.Model, expected_version: int, fields: dict, allowed) -> models.Model:
    """The start of every edit of a versioned row, inside the service's transaction: lock the stored row and
    check its version (ConcurrentEdit if newer), set the fields on `obj`, count the version up. Returns the
    stored row as it was; the service validates and saves `obj`."""
    stored = lock_version(type(obj), obj.pk, expected_version)
    assign_fields(obj, fields, allowed)
    obj.version = expected_version + 1
    return stored


def conflict_context(edit: ConcurrentEdit, conflicts: list) -> dict:
    """What the conflict panel (includes/conflict.html) shows after a refused edit."""
    return {"conflict": conflicts, "conflict_by": edit.current.history.first(), "conflict_message": True}


def _comparable(value):
    return getattr(value, "pk", value)


def merge_after_conflict(current: models.Model, expected_version: int, submitted: dict, fields: list[str]):
    """After a refused edit: what the form should show now, and the fields both users changed.

    A field the user did not touch takes the value now stored (the other user's change stands); a field the
    user changed keeps the user's value; where both changed it differently, the field is a conflict to check.
    The starting point is the history row of the version the user began from."""
    base = current.history.filter(version=expected_version).order_by("-history_date", "-history_id").first()
    values, conflicts = {}, []
    for name in fields:
        field = current._meta.get_field(name)
        theirs = getattr(current, name)
        mine = submitted.get(name)
        original = getattr(base, field.attname) if base is not None else _comparable(theirs)
        if field.is_relation:
            original_cmp, mine_cmp, theirs_cmp = original, _comparable(mine), _comparable(theirs)
        else:
            original_cmp, mine_cmp, theirs_cmp = original, mine, theirs
        if mine_cmp == original_cmp:
            values[name] = theirs
        else:
            values[name] = mine
            if theirs_cmp != original_cmp and theirs_cmp != mine_cmp:
                display = f"get_{name}_display"
                shown_theirs = getattr(current, display)() if hasattr(current, display) else theirs
                conflicts.append((field.verbose_name, mine, shown_theirs))
    return values, conflicts
