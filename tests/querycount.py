"""Counting a page's queries as every request after the first makes them: the signed-in user and small
lists are read from the cache (victimsupport.usercache, victimsupport.rowcache), so it is filled first."""

from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from victimsupport.usercache import load_user


def page_queries(client, url, *, method="get", data=None) -> int:
    return counted_page(client, url, method=method, data=data)[0]


def counted_page(client, url, *, method="get", data=None):
    """(queries, response) of a page requested as above."""
    load_user(client.session[SESSION_KEY])
    getattr(client, method)(url, data or {})  # fills what the page keeps in the cache (victimsupport.rowcache)
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(context), response
