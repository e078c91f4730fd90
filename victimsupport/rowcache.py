"""Small lists that many pages show and few writes change (a filter's counties, a region's staff), read
from the cache instead of a query per page: `COUNTIES = CachedRows("counties", build, depends_on=(County,))`,
then `COUNTIES.get()` (or `.get(*args)`, each set of arguments kept apart).

Every save or delete of a model in `depends_on` (and every change to an m2m table named there) gives the
list a new generation, at once and again when the transaction commits, as victimsupport.usercache does
for the user: a copy is used only while every generation it was built under is still current, so a page
that read the rows before a commit and stored them after it cannot keep the old rows. A copy expires after
`seconds` in any case. A bulk update()/delete() or bulk_create sends no signal: call `changed(model)`.
A list read inside a transaction after a change it then rolls back can be kept until it expires (as the
user cache can): the lists hold nothing about a client, and a filter's extra choice finds nothing.

Only for rows that are not about a client (tests/platform/test_rowcache.py holds that no list reads a
person's data), and either every user of the page may see them (reference data, staff names, providers)
or they are one user's restrict()ed rows, kept under that user's pk and the day, with every model their
scope depends on in `depends_on` (the networks a user may see: marac.selectors.NETWORKS_SEEN).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def _generation_key(model: type[models.Model]) -> str:
    return f"rows-generation:{settings.DATABASES['default']['NAME']}:{model._meta.label_lower}"


# Saves of only these fields change no list (Django saves last_login at every login).
UNREAD_FIELDS = frozenset({"last_login"})
MAX_SECONDS = 24 * 3600  # a copy's longest life; a generation outlives every copy built under the one before it


def changed(*changed_models: type[models.Model]) -> None:
    """Every list built from these models is read again (the signals below call it)."""
    keys = [_generation_key(model) for model in changed_models]

    def forget():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, MAX_SECONDS + 60)

    forget()
    transaction.on_commit(forget, robust=True)  # a cache error must not cancel the other callbacks


class CachedRows:
    declared: list[CachedRows] = []

    def __init__(
        self, name: str, build: Callable[..., list], *, depends_on: tuple[type[models.Model], ...], seconds: int = 600
    ):
        assert seconds <= MAX_SECONDS
        self.name, self.build, self.depends_on, self.seconds = name, build, depends_on, seconds
        CachedRows.declared.append(self)
        for model in depends_on:
            uid = f"rowcache-{name}-{model._meta.label_lower}"
            if model._meta.auto_created:  # an m2m table: its changes come as m2m_changed
                m2m_changed.connect(self._changed, sender=model, dispatch_uid=uid)
            else:
                post_save.connect(self._changed, sender=model, dispatch_uid=f"{uid}-save")
                post_delete.connect(self._changed, sender=model, dispatch_uid=f"{uid}-delete")

    @staticmethod
    def _changed(sender, action: str | None = None, update_fields=None, **kwargs):
        if update_fields is not None and set(update_fields) <= UNREAD_FIELDS:
            return  # a login, say: no list shows when someone last logged in
        if action is None or action.startswith("post_"):  # a save or delete, or an m2m change made
            changed(sender)

    def get(self, *args) -> list:
        key = f"rows:{settings.DATABASES['default']['NAME']}:{self.name}:{quote(repr(args))}"  # no spaces in a key
        generation_keys = [_generation_key(model) for model in self.depends_on]
        found = cache.get_many([key, *generation_keys])
        generations = tuple(found.get(generation_key) for generation_key in generation_keys)
        copy = found.get(key)
        if copy is not None and None not in generations and copy[0] == generations:
            return copy[1]
        if None in generations:
            # A generation never set or evicted: set one, so that no copy stored without it is used again.
            named = list(zip(generation_keys, generations, strict=True))
            fresh = {name: uuid.uuid4().hex for name, generation in named if generation is None}
            cache.set_many(fresh, MAX_SECONDS + 60)
            generations = tuple(fresh.get(name, generation) for name, generation in named)
        rows = list(self.build(*args))
        cache.set(key, (generations, rows), self.seconds)
        return rows
