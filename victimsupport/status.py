"""Status values are compared through model properties, never string literals in templates.

`@status_properties` gives a model `is_<value>` for each choice of its `status` field (a property the
model already defines is kept): `{% if invoice.is_checked %}`, not `{% if invoice.status == "checked" %}`.
A model's `STATUS_TONES` ({value: "ok" | "warn" | "info" | "danger"}) gives `status_tone`, which the one
status badge (templates/includes/status_badge.html) shows.
"""

from __future__ import annotations

from django.db import models


def status_properties[M: type[models.Model]](cls: M) -> M:
    field = cls._meta.get_field("status")
    for value, _label in field.choices:
        name = f"is_{value}"
        if not hasattr(cls, name):
            setattr(cls, name, property(lambda self, value=value: self.status == value))
    tones = getattr(cls, "STATUS_TONES", {})
    cls.status_tone = property(lambda self: tones.get(self.status, ""))
    return cls
