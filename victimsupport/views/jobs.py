"""A job's progress, polled by the page (htmx), and its result."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from victimsupport.audit import AccessAction, log_access
from victimsupport.models import Job
from victimsupport.permissions.views import restricted_object


@login_required
@require_GET
def job_status(request, pk: int):
    job = restricted_object(Job.objects.all(), request.user, pk=pk)
    template = "victimsupport/job.html#job-status" if request.htmx else "victimsupport/job.html"
    same_page = bool(request.htmx and job.is_done and job.result_url and _same_page(job.result_url, request))
    typing = same_page and request.GET.get("typing") == "1"
    response = render(request, template, {"job": job, "typing": typing})
    if same_page and not typing:
        # The job ran for the page that polls it (a decision's letter): that page shows the result itself,
        # so it is loaded again instead of offering a link back to it; not while the user is typing in a
        # form on it (static/js/app.js says so in #page-typing), which would lose what was typed.
        response["HX-Refresh"] = "true"
    return response


def _same_page(url: str, request) -> bool:
    return urlsplit(url).path == urlsplit(request.headers.get("HX-Current-URL", "")).path


@login_required
@require_GET
def job_download(request, pk: int):
    job = restricted_object(Job.objects.all(), request.user, pk=pk)
    if not job.result_file:
        raise Http404
    log_access(request.user, AccessAction.DOWNLOAD, obj=job)
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name or "result")
