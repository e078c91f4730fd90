"""The yearly report: key figures, five years of trends, the regions side by side and charts, with counts
under five hidden (it is published). A worker renders it from the letter machinery, in Estonian or
English, and registers it as a public document; made again, the new one supersedes the old."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from reporting.charts import bar_chart
from reporting.dashboard import COMPARED, Dashboard, Row, page
from reporting.models import YearlyReport
from reporting.periods import Period
from reporting.selectors import Scope
from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run, job_start
from victimsupport.letters import render_pdf
from victimsupport.models import Job, User
from victimsupport.register import register_document, series_for

TREND_YEARS = 5
REPORT_TITLES = {"et": "Ohvriabi statistika {year}", "en": "Victim support statistics {year}"}


def national(year: int) -> Dashboard:
    """A year's national page as an analyst sees it."""
    return page(Period.of("year", year), Scope(), suppress=True)[0]


def report_context(year: int, progress=None) -> dict:
    """What the report shows; figures as each year's national page shows them to an analyst."""
    years = list(range(year - TREND_YEARS + 1, year + 1))
    pages = {}
    for index, each in enumerate(years):
        pages[each] = national(each)
        if progress:
            progress(int(60 * (index + 1) / len(years)))
    current = pages[year]
    totals = {each: {t.spec.total_key: t.total.now for t in page.tables} for each, page in pages.items()}
    trends = [
        {
            "label": str(label),
            "figures": [totals[each][population] for each in years],
            "chart": bar_chart([Row(str(each), totals[each][population], None) for each in years], pair=False),
        }
        for population, label in COMPARED
        if all(population in totals[each] for each in years)  # MARAC figures have pages of their own
    ]
    comparison = current.comparison
    # Regions as columns (a page is narrower than the screen's table of eight figures).
    by_region = {
        "columns": [name for name, _figures in comparison.rows],
        "rows": [
            (label, [figures[index] for _name, figures in comparison.rows])
            for index, label in enumerate(comparison.columns)
        ],
    }
    clients = comparison.rows[:-1]
    regions_chart = bar_chart([Row(name, figures[0], None) for name, figures in clients], pair=False)
    return {
        "year": year,
        "years": years,
        "dashboard": current,
        "trends": trends,
        "regions_chart": regions_chart,
        "by_region": by_region,
        "date": timezone.localdate(),
    }


@shared_task(name="reporting.render_yearly_report", base=ActorTask, ignore_result=True, time_limit=600, **STORAGE_RETRY)
def render_yearly_report(job_id: int, *, actor_id: int) -> None:
    job_run(
        job_id,
        _make_report,
        failure=gettext_noop("The yearly report could not be made. Try again or tell the administrator."),
    )


def yearly_report_request(*, actor: User, year: int, language: str) -> Job:
    job = job_start(
        render_yearly_report,
        kind="yearly_report",
        created_by=actor,
        params={"year": year, "language": language},
        message=gettext_noop("Waiting for a worker"),
    )
    return job


def _make_report(job: Job) -> JobResult:
    done = YearlyReport.objects.filter(job=job).select_related("document").first()
    if done is None:
        year, language = int(job.params["year"]), job.params["language"]
        with translation.override(language):
            context = report_context(year, progress=lambda percent: job_progress(job, percent))
        pdf = render_pdf("reporting/letters/yearly_report.html", context, language=language)
        job_progress(job, 90)
        done = _register(job, year, language, pdf)
    url = reverse("reporting:yearly-report", args=[done.pk])
    return JobResult(gettext_noop("The yearly report is ready."), url, document=done.document, value=done)


@transaction.atomic
def _register(job: Job, year: int, language: str, pdf: bytes) -> YearlyReport:
    earlier = YearlyReport.objects.filter(year=year, language=language).select_related("document").first()
    title = REPORT_TITLES[language].format(year=year)
    document = register_document(
        title=title,
        doc_type="yearly_report",
        responsible=job.created_by,
        content=pdf,
        filename=f"statistika-{year}-{language}.pdf",
        series=series_for("yearly_report") if earlier is None else None,
        matter=earlier.document.matter if earlier is not None else None,
        restricted=False,
        supersedes=earlier.document if earlier is not None else None,
    )
    return YearlyReport.objects.create(
        year=year, language=language, document=document, job=job, created_by=job.created_by
    )
