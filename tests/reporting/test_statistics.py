"""Yearly statistics: the figures, small cells suppressed, computed by a job."""

import pytest
from django.utils import timezone

from reporting.models import StatisticsRun
from reporting.services import run_statistics_job
from reporting.statistics import compute_yearly, suppressed
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


def test_the_yearly_figures(specialist, outsider):
    for _ in range(6):
        make_case(specialist, incident_type="domestic_violence")
    make_case(outsider, region_code="louna", incident_type="property")
    data = compute_yearly(timezone.localdate().year)
    rows = data["sections"]["cases_by_region_county_type"]["rows"]
    assert ["Põhja", "Harju maakond", "domestic_violence", 6] in rows
    assert [row[3] for row in rows if row[0] == "Lõuna"] == [1]
    hidden = suppressed(data)
    rows = hidden["sections"]["cases_by_region_county_type"]["rows"]
    assert ["Põhja", "Harju maakond", "domestic_violence", 6] in rows
    assert all(row[3] == "x" for row in rows if row[0] == "Lõuna")
    assert any(
        row[3] == 1
        for row in suppressed(data, open_regions=frozenset({"Lõuna"}))["sections"]["cases_by_region_county_type"][
            "rows"
        ]
        if row[0] == "Lõuna"
    )


def test_a_job_computes_and_the_analyst_sees_suppressed_figures(client, specialist, django_capture_on_commit_callbacks):
    make_case(specialist)
    analyst = make_user("analyst")
    client.force_login(analyst)
    response = client.post("/reporting/statistics/", {"year": timezone.localdate().year})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    from victimsupport.models import Job

    run = run_statistics_job(Job.objects.get().pk)
    assert Job.objects.get().status == "done"
    page = client.get(f"/reporting/statistics/{run.pk}/")
    assert "<td>x</td>" in page.content.decode()
    assert client.get(f"/reporting/statistics/{run.pk}/", {"format": "csv"})["Content-Type"].startswith("text/csv")
    assert StatisticsRun.objects.count() == 1


def test_a_bad_year_is_refused(client):
    client.force_login(make_user("analyst"))
    assert client.post("/reporting/statistics/", {"year": "19"}).status_code == 400


def test_the_download_has_the_figures_of_the_page(client, specialist):
    """Lõuna's one property case is hidden, and so is a figure it could be worked out from; the CSV file
    hides the same cells as the page."""
    from tests.reporting.test_disclosure import yearly

    data = yearly(
        [("Lõuna", "Tartu maakond", "domestic_violence", 1, False)] * 6
        + [("Lõuna", "Tartu maakond", "property", 1, False)]
    )
    run = StatisticsRun.objects.create(year=2026, computed_by=specialist, data=data)
    client.force_login(make_user("analyst"))
    client.cookies["django_language"] = "en"
    page = client.get(f"/reporting/statistics/{run.pk}/")
    assert "x: hidden." in page.content.decode()
    shown = {section["key"]: section["rows"] for section in page.context["sections"]}
    assert shown["cases_by_region_county_type"] == [
        ["Lõuna", "Tartu maakond", "domestic_violence", "x"],
        ["Lõuna", "Tartu maakond", "property", "x"],
    ]
    text = client.get(f"/reporting/statistics/{run.pk}/", {"format": "csv"}).content.decode("utf-8-sig")
    lines = [line.split(";") for line in text.splitlines()]
    for rows in shown.values():
        for row in rows:
            assert [str(value) for value in row] in lines
    assert lines[0][0].startswith("x: hidden.")  # the page's legend
