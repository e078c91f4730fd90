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
    """Each letter as the worker makes it: context from the database, then the PDF (not registered)."""
    from cases.aidletters import letter_context, letter_language
    from cases.models import AidDecision
    from victimsupport.letters import render_pdf

    seconds, sizes = [], []
    started = time.perf_counter()
    for decision_id in decision_ids:
        began = time.perf_counter()
        decision = AidDecision.objects.select_related("application__applicant", "application__case").get(pk=decision_id)
        language = letter_language(decision)
        pdf = render_pdf(
            f"cases/letters/aid_decision_{language}.html",
            letter_context(decision, language, f"BENCH/{decision_id}-1"),
            language=language,
        )
        seconds.append(time.perf_counter() - began)
        sizes.append(len(pdf))
    _write(out, {"seconds": seconds, "bytes": sizes, "total_seconds": time.perf_counter() - started})


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
