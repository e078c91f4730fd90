"""Field rules: a service's checks of the values typed, written once and run twice. A form runs them in
its `clean()` (`FieldRulesMixin.field_rules`), so that a reversed period or a date in the future is
reported in the same round as a missing field, not after it; the service runs the same rules again
(`check_field_rules`), with the same words, for every caller that has no form.

A rule is a function of the values it names (keyword arguments, None where a value is missing or was
refused already) that returns {field: message}; it skips a check whose values are missing."""

import inspect
from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

Rule = Callable[..., dict]


def _names(rule: Rule) -> tuple[str, ...]:
    return getattr(rule, "names", None) or tuple(inspect.signature(rule).parameters)


def field_errors(*rules: Rule, **values) -> dict:
    """The rules' errors over `values`: {field: message}, the first message per field."""
    errors: dict = {}
    for rule in rules:
        for field, message in rule(**{name: values.get(name) for name in _names(rule)}).items():
            errors.setdefault(field, message)
    return errors


def check_field_rules(*rules: Rule, **values) -> None:
    """In a service: raise the rules' errors as one ValidationError."""
    errors = field_errors(*rules, **values)
    if errors:
        raise ValidationError(errors)


def _rule(names: tuple[str, ...], check: Callable[..., dict]) -> Rule:
    def rule(**values):
        return check(**values)

    rule.names = names
    return rule


def not_future(field: str) -> Rule:
    """The day (or the moment) has happened: not after today (now)."""

    def check(**values):
        when: date | datetime | None = values[field]
        now = timezone.now() if isinstance(when, datetime) else timezone.localdate()
        return {field: _("The date cannot be in the future.")} if when and when > now else {}

    return _rule((field,), check)


def not_past(field: str, message=None) -> Rule:
    """The day is today or later."""

    def check(**values):
        day: date | None = values[field]
        if day and day < timezone.localdate():
            return {field: message or _("The date cannot be in the past.")}
        return {}

    return _rule((field,), check)


def date_order(start: str, end: str, message=None) -> Rule:
    """The end does not come before the start (the error goes on the end)."""

    def check(**values):
        first, last = values[start], values[end]
        if first and last and last < first:
            return {end: message or _("The end cannot be before the start.")}
        return {}

    return _rule((start, end), check)
