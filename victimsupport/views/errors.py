"""Error pages in the user's language, with the real status and no technical detail."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language

from victimsupport.storage import storage_unavailable

# How long a client is asked to wait while the database is out of reach (a restart, a failover).
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """The 500 page; 503 "try again in a moment" when the failure was the database or the document
    storage out of reach. Django calls this while handling the exception, so it is still at hand.
    Rendered without the request's context processors: they would ask the database again."""
    exc = sys.exc_info()[1]
    storage = storage_unavailable(exc)
    if storage or isinstance(exc, (OperationalError, InterfaceError)):
        response = _standalone("errors/503.html", status=503, storage=storage)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _standalone("errors/500.html", status=500)


def _standalone(template: str, *, status: int, **context) -> HttpResponse:
    content = loader.get_template(template).render({"LANGUAGE_CODE": get_language(), **context})
    return HttpResponse(content, status=status)


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)
