"""The sample letter: Estonian and Cyrillic text through the whole letter pipeline."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from victimsupport.jobs import job_claim, job_fail, job_finish, job_progress
from victimsupport.letters import render_pdf

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


def render_sample_letter_job(job_id: int) -> None:
    job = job_claim(job_id)
    if job is None:
        return
    language = job.params.get("language", "et")
    try:
        job_progress(job, 20, _("Rendering the letter"))
        pdf = sample_letter_pdf(language)
        job_progress(job, 80, _("Storing the letter"))
        job.result_name = f"sample-letter-{language}.pdf"
        job.result_file.save(job.result_name, ContentFile(pdf), save=False)
        job_finish(job, message=_("The letter is ready."), result_url=reverse("job-download", args=[job.pk]))
    except Exception:
        job_fail(job, _("The letter could not be made. Try again or tell the administrator."))
        raise
