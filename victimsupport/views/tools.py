"""Administrator tools: a sample letter that proves the PDF pipeline (fonts, worker, job progress)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View

from victimsupport.jobs import job_create
from victimsupport.models import Role
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.sampleletter import render_sample_letter


class SampleLetterView(RoleRequiredMixin, View):
    roles = (Role.ADMINISTRATOR,)

    def get(self, request):
        return render(request, "victimsupport/sample_letter.html")

    def post(self, request):
        language = request.POST.get("language", "et")
        if language not in dict(settings.LANGUAGES):
            error = _("Choose a language from the list.")
            return render(request, "victimsupport/sample_letter.html", {"error": error}, status=400)
        job = job_create(
            kind="sample_letter",
            created_by=request.user,
            params={"language": language},
            message=gettext_noop("Waiting for a worker"),
        )
        render_sample_letter.delay_on_commit(job.pk, actor_id=request.user.pk)
        return redirect("job", pk=job.pk)
