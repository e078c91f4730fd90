"""The floor of `make bench`: a page that does nothing, behind the same middleware, session and login
as every page (installed with the bench app only, never in production or tests)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def empty(request):
    return HttpResponse(b"", content_type="text/html; charset=utf-8")
