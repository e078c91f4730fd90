"""Checks gathered by field, so a form reports every problem at once."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def collect_errors(errors: dict, *checks) -> dict:
    """Run every check and gather their errors by field (all problems of a form at once)."""
    for check in checks:
        try:
            check()
        except ValidationError as error:
            for field, messages in error.update_error_dict({}).items():
                errors.setdefault(field, []).extend(messages)
    return errors
