"""The statistics pages: the dashboard by role, small cells on screen and in every export, the period
filter, computing in a worker, and a specialist's own work."""

import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Person
from reporting.models import StatisticsRun
from reporting.services import run_statistics_job, statistics_nightly
from tests.factories import make_case, make_user, region
from victimsupport.models import AccessLogEntry, Job

pytestmark = pytest.mark.django_db


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def table(response, key):
    return next(t for t in response.context["view"].body.tables if t.key == key)


def shown(t):
    return {row.label: str(row.now) for row in t.rows}


@pytest.fixture
def north_year(specialist):
    """Twelve domestic-violence clients and one property-crime client in Põhja this year."""
    for _ in range(12):
        make_case(specialist, county_code="harju")
    make_case(specialist, county_code="harju", incident_type="property")
    statistics_nightly()
    return timezone.localdate().year


def test_the_analyst_sees_counts_under_five_hidden_and_words_not_codes(client, north_year):
    english(client, make_user("analyst"))
    response = client.get("/reporting/statistics/", {"period": "year", "year": north_year})
    assert response.status_code == 200
    crime = shown(table(response, "clients_by_crime"))
    assert crime["crime against property"] == "<5"
    assert crime["domestic violence"] == "x"  # else 13 - 12 gives the one back
    assert crime["Total"] == "13"  # 13 - x leaves the hidden one anywhere in 1..4
    page = response.content.decode()
    assert "domestic_violence" not in page and "amount_cap" not in page
    assert "&lt;5: a count under five." in page
    # The regional comparison hides the same way: Põhja's 13 clients are shown, nothing under five.
    comparison = dict(response.context["view"].body.comparison.rows)
    assert str(comparison["Põhja"][0]) == "13"


def test_the_regional_manager_sees_the_own_region_whole_and_the_team(client, manager, north_year):
    english(client, manager)
    response = client.get("/reporting/statistics/")  # starts in the manager's region, this year
    assert response.context["dashboard"].scope.region.code == "pohja"
    assert shown(table(response, "clients_by_crime"))["crime against property"] == "1"
    assert not response.context["dashboard"].suppressed
    team = response.context["team"]
    assert [(row["name"], row["open"]) for row in team] == [("Siiri Spetsialist", 13)]
    # Downloads name the period and the region in full (the page's body is cached for everyone).
    assert f"?period=year&amp;year={north_year}&amp;region={manager.regions.get().pk}&amp;format=xlsx" in (
        response.content.decode()
    )
    # Nationally the manager sees what an analyst sees.
    national = client.get("/reporting/statistics/", {"period": "year", "year": north_year, "region": ""})
    assert shown(table(national, "clients_by_crime"))["crime against property"] == "<5"


def test_every_export_hides_what_the_page_hides(client, north_year):
    english(client, make_user("analyst"))
    query = {"period": "year", "year": north_year}
    response = client.get("/reporting/statistics/", {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]
    assert ["crime against property", "<5", "0", ""] in lines
    assert ["domestic violence", "x", "0", ""] in lines
    one = client.get("/reporting/statistics/", {**query, "format": "xlsx", "table": "clients_by_crime"})
    sheet = load_workbook(io.BytesIO(one.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert ["crime against property", "<5", 0, None] in [row[:4] for row in rows]
    assert ["Total", 13, 0, None] in [row[:4] for row in rows]
    assert AccessLogEntry.objects.filter(action="export", object_type="reporting.statistics").count() == 2
    assert client.get("/reporting/statistics/", {**query, "format": "csv", "table": "nope"}).status_code == 404


def test_a_period_and_an_area_and_their_errors(client, manager, north_year):
    # A month and a range of months, in the manager's own region (shown whole).
    english(client, manager)
    own = region("pohja").pk
    month = timezone.localdate().month
    response = client.get(
        "/reporting/statistics/", {"period": "month", "year": north_year, "month": month, "region": own}
    )
    assert response.status_code == 200 and response.context["dashboard"].period.first == date(north_year, month, 1)
    quarter = client.get(
        "/reporting/statistics/",
        {"period": "range", "first": f"01.{north_year}", "last": f"{north_year}-12", "region": own},
    )
    assert quarter.context["dashboard"].period.last == date(north_year, 12, 1)
    assert "clients" in [t.key for t in quarter.context["view"].body.tables]
    english(client, make_user("analyst"))
    for bad in (
        {"period": "month", "year": north_year, "month": month},  # hidden figures: quarters and years only
        {"period": "range", "first": "13.2026", "last": "2026-12"},
        {"period": "range", "first": "05.2026", "last": "01.2026"},
        {"period": "month", "year": "2026"},
        {"period": "year", "year": "abc"},
        {"period": "year", "region": "999999"},
        {"period": "year", "region": "1", "county": "99999"},
    ):
        refused = client.get("/reporting/statistics/", bad)
        assert refused.status_code == 400, bad
        assert refused.context["dashboard"] is None
    wrong_county = client.get(
        "/reporting/statistics/",
        {"period": "year", "region": region("louna").pk, "county": _county("harju")},
    )
    assert wrong_county.status_code == 400
    assert "The county is not in the chosen region." in wrong_county.content.decode()
    county = client.get("/reporting/statistics/", {"period": "year", "year": north_year, "county": _county("harju")})
    assert county.context["view"].body.comparison is None
    assert str(table(county, "clients").total.now) == "13"


def _county(code):
    from victimsupport.models import County

    return County.objects.get(code=code).pk


def test_computing_a_year_in_a_worker_with_progress(client, specialist):
    make_case(specialist)
    analyst = make_user("analyst")
    client.force_login(analyst)
    year = timezone.localdate().year
    response = client.post("/reporting/statistics/compute/", {"year": year})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    run = run_statistics_job(Job.objects.get().pk)
    job = Job.objects.get()
    assert job.status == "done" and job.result_url.endswith(f"year={year}")
    assert run.year == year and run.computed_by == analyst and run.data["figures"] > 0
    assert client.post("/reporting/statistics/compute/", {"year": "19"}).status_code == 400
    page = client.get("/reporting/statistics/compute/")
    assert str(year) in page.content.decode()
    assert StatisticsRun.objects.count() == 1


def test_the_specialists_own_work(client, specialist, colleague):
    from cases.services import work as work_services

    case = make_case(specialist)
    make_case(colleague)
    work_services.contact_add(
        actor=specialist,
        case=case,
        happened_at=timezone.now(),
        duration_minutes=30,
        channel="phone",
        kind="counselling",
    )
    english(client, specialist)
    response = client.get("/reporting/my-work/")
    assert response.status_code == 200
    work = response.context["work"]
    assert work["open_cases"] == 1
    assert work["months"][-1]["contacts"] == 1 and work["months"][-1]["sessions"] == 1
    assert len(work["months"]) == 12


def test_the_analyst_gets_no_personal_data_on_any_statistics_page_or_export(client, specialist, north_year):
    analyst = make_user("analyst")
    client.force_login(analyst)
    query = {"period": "year", "year": north_year}
    pages = [
        client.get("/reporting/statistics/", query),
        client.get("/reporting/statistics/", {**query, "format": "csv"}),
        client.get("/reporting/statistics/", {**query, "format": "xlsx"}),
        client.get("/reporting/statistics/compute/"),
        client.get("/reporting/statistics/reports/"),
        client.get("/reporting/statistics/feedback/"),
        client.get("/marac/figures/"),
        client.get("/"),
    ]
    texts = []
    for response in pages:
        assert response.status_code == 200
        content = b"".join(response) if response.streaming else response.content
        if response["Content-Type"].startswith("application/vnd.openxml"):
            sheet = load_workbook(io.BytesIO(content)).active
            texts.append(" ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row))
        else:
            texts.append(content.decode("utf-8-sig"))
    text = "\n".join(texts)
    assert re.search(r"\b[1-6]\d{10}\b", text) is None  # no personal code
    for person in Person.objects.all():
        assert person.personal_code not in text
        assert person.last_name not in text


def test_the_yearly_report_in_two_languages_replaces_the_earlier_one(client, north_year, tmp_path):
    import subprocess

    from reporting.models import YearlyReport
    from reporting.yearly import _make_report, yearly_report_request
    from victimsupport.jobs import job_run

    analyst = make_user("analyst")
    client.force_login(analyst)
    response = client.post("/reporting/statistics/reports/", {"year": north_year, "language": "et"})
    assert response.status_code == 302
    job_run(Job.objects.get().pk, _make_report)
    english_job = yearly_report_request(actor=analyst, year=north_year, language="en")
    job_run(english_job.pk, _make_report)
    again = yearly_report_request(actor=analyst, year=north_year, language="et")
    job_run(again.pk, _make_report)
    job_run(again.pk, _make_report)  # a second delivery of the task makes nothing more
    reports = list(YearlyReport.objects.order_by("pk"))
    assert [(r.language, r.document.restricted) for r in reports] == [("et", False), ("en", False), ("et", False)]
    assert reports[2].document.supersedes == reports[0].document
    english_job.refresh_from_db()
    assert english_job.result_url == f"/reporting/statistics/reports/{reports[1].pk}/"  # the job page's link
    texts = {}
    for report in reports[1:]:
        download = client.get(f"/reporting/statistics/reports/{report.pk}/")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        path = tmp_path / f"{report.language}.pdf"
        path.write_bytes(b"".join(download.streaming_content))
        texts[report.language] = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    assert f"Ohvriabi statistika {north_year}" in texts["et"] and "Põhinäitajad" in texts["et"]
    assert f"Victim support statistics {north_year}" in texts["en"] and "Key figures" in texts["en"]
    assert "<5" in texts["en"]  # the one property-crime client
    for person in Person.objects.all():
        assert person.last_name not in texts["et"] + texts["en"]
    page = client.get("/reporting/statistics/reports/")
    assert page.status_code == 200 and reports[2].document.number in page.content.decode()


def test_the_quarter_is_the_chosen_one_whatever_month_the_hidden_field_holds(client, north_year):
    english(client, make_user("analyst"))
    for month in ("1", "7", "12"):
        response = client.get(
            "/reporting/statistics/", {"period": "quarter", "year": north_year, "quarter": "2", "month": month}
        )
        assert response.status_code == 200
        assert response.context["dashboard"].period.first == date(north_year, 4, 1)
        assert response.context["dashboard"].period.last == date(north_year, 6, 1)


def test_a_county_page_shows_its_regions_volunteer_figures(client):
    from reporting.models import MonthlyFigure

    this_month = date(timezone.localdate().year, 1, 1)
    MonthlyFigure.objects.create(
        month=this_month, region=region("pohja"), measure="volunteer_km", category="", value=120
    )
    MonthlyFigure.objects.create(
        month=this_month, region=region("pohja"), measure="volunteer_hours", category="meeting", value=3
    )
    StatisticsRun.objects.create(year=this_month.year, data={})
    english(client, make_user("analyst"))
    county = client.get(
        "/reporting/statistics/", {"period": "year", "year": this_month.year, "county": _county("harju")}
    )
    figures = {label: str(now) for label, now, _before in county.context["dashboard"].key_figures}
    assert figures["Volunteer kilometres"] == "120.0"
    assert str(table(county, "volunteer_hours").total.now) == "3.0"
    assert table(county, "volunteer_hours").note  # says the region's figures are shown


def test_a_small_crisis_count_kept_per_region_is_hidden_on_a_county_page_too(client, specialist, manager):
    """Crisis registrations are kept per region only; a county's page shows its region's, and hides
    them as the region's page does."""
    from tests.crisis.test_crisis import open_event, register

    event = open_event(manager, specialist)
    register(specialist, event, category="responder")
    statistics_nightly()
    year = timezone.localdate().year
    english(client, make_user("analyst"))
    harju = region("pohja").counties.get(code="harju")
    for place in ({"region": region("pohja").pk}, {"region": region("pohja").pk, "county": harju.pk}):
        response = client.get("/reporting/statistics/", {"period": "year", "year": year, **place})
        assert shown(table(response, "crisis_registrations"))["responder"] in ("<5", "x"), place  # hidden


def test_the_teams_table_counts_high_risk_and_old_cases_with_a_bar_each(client, manager, specialist, colleague):
    today = timezone.localdate()
    make_case(specialist, risk_level="high")
    make_case(specialist, opened_on=today - timedelta(days=120))
    make_case(specialist)
    make_case(colleague, risk_level="high")
    english(client, manager)
    response = client.get("/reporting/statistics/")
    rows = {row["name"]: (row["open"], row["high"], row["old"]) for row in response.context["team"]}
    assert rows[specialist.get_full_name()] == (3, 1, 1) and rows[colleague.get_full_name()] == (1, 1, 0)
    page = response.content.decode()
    # Each bar is drawn against the largest caseload: 100 % for the specialist, a third for the colleague.
    assert page.count('class="load__all" width="100.0"') == 1 and 'class="load__all" width="33.3"' in page
    assert 'class="load__high" width="33.3"' in page  # the specialist's one high-risk case of three


def test_a_cached_page_names_its_tables_and_is_built_again_if_one_is_gone(client, manager, north_year):
    import dataclasses
    import pickle

    from django.core.cache import cache

    from reporting import specs

    english(client, manager)
    first = client.get("/reporting/statistics/")
    dashboard = first.context["view"].body  # the whole page, tables and all
    # Kept by key: the cached copy holds no lazy text of a table's title or labels, only the spec's key.
    copy = pickle.loads(pickle.dumps(dashboard))  # noqa: S301 (our own object)
    assert [t.spec for t in copy.tables] == [t.spec for t in dashboard.tables]
    assert all(t.spec is specs.SPECS[t.key] for t in copy.tables)
    assert b"_lazy_proxy_unpickle" not in pickle.dumps(dashboard)
    again = client.get("/reporting/statistics/")  # from the cache, in the language asked
    assert shown(table(again, "clients_by_crime")) == shown(table(first, "clients_by_crime"))
    # A page cached before a table was removed (its key no longer among the specs): built again.
    gone = copy.tables[0]
    gone.spec = dataclasses.replace(gone.spec, key="a_table_removed_since")
    cache.set(again.context["view"].cache_key, copy, 60)
    rebuilt = client.get("/reporting/statistics/")
    assert rebuilt.status_code == 200 and "a_table_removed_since" not in [
        t.key for t in rebuilt.context["view"].body.tables
    ]


def test_a_warm_page_takes_its_tables_and_team_from_the_cache_whole(client, manager, north_year, monkeypatch):
    """The tables come rendered from the template cache and the team table likewise until the team is
    counted again, in the language asked; the whole page's figures are read only to render them."""
    from reporting import dashboard, selectors, views

    english(client, manager)
    first = client.get("/reporting/statistics/")
    team, counted_at = first.context["team"], first.context["team_at"]
    whole = views.page

    def not_again(*args, **kwargs):
        raise AssertionError("the whole page was read for a page whose tables were in the cache")

    monkeypatch.setattr(views, "page", not_again)
    monkeypatch.setattr(dashboard, "page", not_again)
    renamed = [{**row, "name": "Renamed Since"} for row in team]
    monkeypatch.setattr(selectors, "team_workload", lambda regions: (renamed, counted_at))
    again = client.get("/reporting/statistics/")
    assert again.status_code == 200
    assert without_tokens(again) == without_tokens(first)  # the same tables, and the team as counted then
    # Counted again: the table follows.
    monkeypatch.setattr(selectors, "team_workload", lambda regions: (renamed, counted_at + timedelta(minutes=5)))
    assert "Renamed Since" in client.get("/reporting/statistics/").content.decode()
    # Another language: its own copies (the whole page read for its tables).
    monkeypatch.setattr(views, "page", whole)
    monkeypatch.setattr(dashboard, "page", whole)
    client.cookies["django_language"] = "et"
    estonian = client.get("/reporting/statistics/").content.decode()
    assert "Meeskond täna" in estonian and "Avatud juhtumid" in estonian and "Renamed Since" in estonian


def without_tokens(response) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"', "", response.content.decode())


def test_a_page_kept_rendered_for_a_manager_is_not_what_an_analyst_gets(client, manager, north_year):
    """The same period and area with small cells hidden is another page, in the HTML served too."""
    place = {"period": "year", "year": north_year, "region": region("pohja").pk}
    english(client, manager)
    whole = client.get("/reporting/statistics/", place).content.decode()
    english(client, make_user("analyst"))
    hidden = client.get("/reporting/statistics/", place).content.decode()
    small_cell = re.compile(r">&lt;5</td>")
    assert not small_cell.search(whole) and small_cell.search(hidden)
    assert "&lt;5: a count under five." in hidden and "&lt;5: a count under five." not in whole
