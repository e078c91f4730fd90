"""A job's progress, polled by the page (htmx), and its result."""

from __future__ import annotations

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
    return render(request, template, {"job": job})


@login_required
@require_GET
def job_download(request, pk: int):
    job = restricted_object(Job.objects.all(), request.user, pk=pk)
    if not job.result_file:
        raise Http404
    log_access(request.user, AccessAction.DOWNLOAD, obj=job)
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name or "result")
