"""The sample letter: Estonian and Cyrillic text through the whole letter pipeline."""

from __future__ import annotations

from celery import shared_task
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run, job_start
from victimsupport.letters import render_pdf
from victimsupport.models import User

SAMPLE_TEXT = "Õigus, äri, öö, üks, šokolaad, žürii. Съешь же ещё этих мягких французских булок."


def sample_letter_pdf(language: str = "et") -> bytes:
    context = {
        "number": "0-0/0-0",
        "date": timezone.localdate(),
        "addressee": {"name": "Mari Maasikas", "lines": ["Jõe tn 5-12", "50109 Tartu"]},
        "sample_text": SAMPLE_TEXT,
        "signer": {"name": "Jüri Jõgi", "position": "Ohvriabi spetsialist"},
    }
    return render_pdf("letters/sample.html", context, language=language)


@shared_task(
    name="victimsupport.render_sample_letter", base=ActorTask, time_limit=120, soft_time_limit=100, **STORAGE_RETRY
)
def render_sample_letter(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, _make_sample_letter)


def _make_sample_letter(job) -> JobResult:
    language = job.params.get("language", "et")
    job_progress(job, 20, _("Rendering the letter"))
    pdf = sample_letter_pdf(language)
    job_progress(job, 80, _("Storing the letter"))
    job.result_name = f"sample-letter-{language}.pdf"
    job.result_file.save(job.result_name, ContentFile(pdf), save=False)
    return JobResult(_("The letter is ready."), reverse("job-download", args=[job.pk]))


def sample_letter_request(*, actor: User, language: str):
    """A job that makes the sample letter in a worker; the page follows the job."""
    job = job_start(
        render_sample_letter,
        kind="sample_letter",
        created_by=actor,
        params={"language": language},
        message=_("Waiting for a worker"),
    )
    return job
