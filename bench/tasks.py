"""Worker-side measurements of `make bench`: the decision-letter render and the yearly statistics, run
by a real Celery worker. Results go to a JSON file the bench reads (the project keeps no result
backend). Installed only with BENCH_ADMIN_PEER (bench/run.py)."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

from celery import shared_task


def _write(path: str, data: dict) -> None:
    data["worker_max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    target = Path(path)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(data))
    partial.replace(target)


@shared_task(name="bench.render_letters", queue="letters")
def render_letters(decision_ids: list[int], out: str) -> None:
    """Each letter as the worker makes it: context from the database, then the PDF, sealed as in production
    (not registered); and the same letter again without the seal, for what sealing costs."""
    from django.test.utils import override_settings

    from cases.aidletters import letter_context, letter_language
    from cases.models import AidDecision
    from victimsupport.letters import render_pdf
    from victimsupport.seal import seal_configured

    def render(decision_id: int) -> bytes:
        decision = AidDecision.objects.select_related("application__applicant", "application__case").get(pk=decision_id)
        language = letter_language(decision)
        context = letter_context(decision, language, f"BENCH/{decision_id}-1")
        return render_pdf(f"cases/letters/aid_decision_{language}.html", context, language=language)

    seconds, unsealed, sizes = [], [], []
    started = time.perf_counter()
    for decision_id in decision_ids:
        began = time.perf_counter()
        sizes.append(len(render(decision_id)))
        seconds.append(time.perf_counter() - began)
    total = time.perf_counter() - started
    for decision_id in decision_ids:  # after the sealed ones: as warm (fonts, templates) as they ended
        with override_settings(SEAL_PKCS12_FILE=""):
            began = time.perf_counter()
            render(decision_id)
            unsealed.append(time.perf_counter() - began)
    if len(seconds) > 2:  # the first letters load fonts and templates: not what sealing costs
        seconds_warm, unsealed = seconds[2:], unsealed[2:]
    else:
        seconds_warm = seconds
    _write(
        out,
        {
            "seconds": seconds,
            "sealed_warm_seconds": seconds_warm,
            "unsealed_seconds": unsealed,
            "sealed": seal_configured(),
            "bytes": sizes,
            "total_seconds": total,
        },
    )


@shared_task(name="bench.yearly_statistics", queue="statistics")
def yearly_statistics(year: int, out: str) -> None:
    """The nightly computation of one year's monthly figures at national scale."""
    from reporting.figures import compute_year

    started = time.perf_counter()
    data = compute_year(year)
    _write(
        out,
        {
            "year": year,
            "seconds": time.perf_counter() - started,
            "sections": len(data["measures"]),
            "rows": data["figures"],
        },
    )
