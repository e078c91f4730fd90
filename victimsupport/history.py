"""Change history: the acting user, in web requests and in Celery tasks.

Requests: simple-history's HistoryRequestMiddleware records request.user. Tasks and commands run
inside `acting_as(user)`, which every model's HistoricalRecords consults first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.models import HistoricalRecords

_actor: ContextVar = ContextVar("history_actor", default=None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    return _actor.get()


def history_user(instance=None, request=None, **kwargs):
    actor = _actor.get()
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def history(**kwargs) -> HistoricalRecords:
    """HistoricalRecords for a domain model, with the acting user resolved as above."""
    kwargs.setdefault("get_user", history_user)
    return HistoricalRecords(**kwargs)
