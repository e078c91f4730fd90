"""A limit per client address and hour for public pages (the volunteer application, client feedback)."""

from __future__ import annotations

from django.core.cache import cache

from victimsupport.middleware import client_ip


def over_limit(request, scope: str, per_hour: int) -> bool:
    """Count this request for its address; whether it goes over `per_hour` in the hour that began with the
    address's first request."""
    key = f"{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # the hour ended between the two calls
        cache.set(key, 1, 3600)
        count = 1
    return count > per_hour
