"""Small cells across pages: a reader who may not see the cases opens every page of a year (the year and
its quarters; Estonia, each region, each county), writes down what the pages say and what they know of
how figures add up between pages, and solves. No hidden figure may come out determined."""

from __future__ import annotations

from collections import Counter
from datetime import date
from fractions import Fraction

import pytest
from django.utils import timezone, translation

from cases.choices import ContactKind
from reporting.dashboard import COMPARED, SPECS, build, page
from reporting.disclosure import protect
from reporting.models import MonthlyFigure, StatisticsRun
from reporting.periods import Period
from reporting.selectors import Scope
from tests.factories import make_user
from tests.reporting.test_disclosure import compared, narrowed
from victimsupport.models import County, Region

pytestmark = pytest.mark.django_db

YEAR = 2026
CLIENT_TABLES = ("clients", "clients_by_sex", "clients_by_age", "clients_by_language", "clients_by_crime")


def people_figures(people) -> None:
    """Monthly client figures of people, each (month, county code, status, sex, crime)."""
    counts: Counter = Counter()
    counties = {county.code: county for county in County.objects.all()}
    for month, code, status, sex, crime in people:
        county = counties[code]
        for measure, category in zip(CLIENT_TABLES, (status, sex, "27-64", "et", crime), strict=True):
            counts[(date(YEAR, month, 1), county.region_id, county.pk, measure, category)] += 1
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(month=m, region_id=r, county_id=c, measure=measure, category=category, value=value)
        for (m, r, c, measure, category), value in counts.items()
    )
    StatisticsRun.objects.create(year=YEAR)  # its hidden cells are counted when first asked for


def every_page(suppress=True):
    """Every protected page of the year: {(period key, area key): dashboard}."""
    periods = {str(YEAR): Period.of("year", YEAR), **{f"Q{q}": Period.of("quarter", YEAR, q) for q in range(1, 5)}}
    scopes = {"EE": Scope()}
    scopes |= {f"R{region.pk}": Scope(region=region) for region in Region.objects.all()}
    scopes |= {f"C{county.pk}": Scope(county=county) for county in County.objects.all()}
    with translation.override("en"):
        return {
            (period_key, area): page(period, scope, suppress=suppress)[0]
            for period_key, period in periods.items()
            for area, scope in scopes.items()
        }


def reader(pages, knows: dict | None = None) -> tuple[list[tuple[dict, int]], dict, dict]:
    """The reader's equations over all pages ({unknown: coefficient}, constant), the hidden cells with
    their marks, and the shown ones. Cells are named as the reader sees them: (period, area, table, row);
    a population's total is one cell whatever table shows it. `knows`: figures the reader has besides
    (a manager's own region, seen whole)."""
    equations: list[Counter] = []
    marks: dict = {}
    known: dict = {}
    knows = knows or {}

    def cell(name, figure):
        if name in knows:
            known[name] = knows[name]
        elif figure.hidden:
            marks[name] = figure.mark
        else:
            known[name] = figure.value
        return name

    def add(total, parts):
        equation = Counter({total: 1})
        for part in parts:
            equation[part] -= 1
        equations.append(equation)

    regions = {f"R{region.pk}": region for region in Region.objects.all()}
    counties = {f"C{county.pk}": county for county in County.objects.all()}
    labels: dict = {}
    with translation.override("en"):
        counselling = str(ContactKind.COUNSELLING.label)
    for (period, area), dashboard in pages.items():
        for table in dashboard.tables:
            if not table.spec.protected:
                continue
            total = cell((period, area, "total", table.spec.total_key), table.total.now)
            rows = []
            for row in table.body:
                # A table by month: the month is the same cell on the quarter's page and the year's.
                name = (row.label, area, table.key, "") if table.spec.by_month else (period, area, table.key, row.label)
                rows.append(cell(name, row.now))
                labels.setdefault(table.key, set()).add(row.label)
            add(total, rows)
        # Counselling contacts are the counselling sessions again.
        add((period, area, "total", "sessions"), [(period, area, "contacts_by_kind", counselling)])
        if dashboard.comparison is not None:
            names = [name for name, _figures in dashboard.comparison.rows[:-1]]
            for column, (population, _label) in enumerate(compared(dashboard)):
                parts = []
                for name, figures in dashboard.comparison.rows[:-1]:
                    child = next((key for key, r in {**regions, **counties}.items() if r.name == name), f"{area}-")
                    parts.append(cell((period, child, "total", population), figures[column]))
                add((period, area, "total", population), parts)
            assert names
    # Between pages: Estonia is its regions, a region its counties and what has no county; a year its quarters.
    children = {"EE": list(regions)}
    for key, region in regions.items():
        children[key] = [k for k, county in counties.items() if county.region_id == region.pk] + [f"{key}-"]
    lines = {("total", spec.total_key) for spec in SPECS.values() if spec.protected}
    lines |= {(key, label) for key, found in labels.items() if not SPECS[key].by_month for label in found}
    for period in [str(YEAR), "Q1", "Q2", "Q3", "Q4"]:
        for parent, parts in children.items():
            for table, label in lines:
                add((period, parent, table, label), [(period, part, table, label) for part in parts])
    for month in {label for key, found in labels.items() if SPECS[key].by_month for label in found}:
        for parent, parts in children.items():
            for key in (key for key in labels if SPECS[key].by_month):
                add((month, parent, key, ""), [(month, part, key, "") for part in parts])
    for area in ["EE", *regions, *counties]:
        for table, label in lines:
            add((str(YEAR), area, table, label), [(q, area, table, label) for q in ("Q1", "Q2", "Q3", "Q4")])
    reduced = []
    for equation in equations:
        constant = sum(c * known[name] for name, c in equation.items() if name in known)
        unknown = {name: c for name, c in equation.items() if name not in known and c}
        if unknown:
            reduced.append((unknown, -constant))
    return reduced, marks, known


def determined(equations: list[tuple[dict, int]]) -> set:
    """The unknowns whose value the equations fix: Gauss-Jordan over the unknowns; a cell is fixed when
    a row of the reduced form holds it alone."""
    rows = [{name: Fraction(c) for name, c in equation.items()} for equation, _constant in equations]
    pivots: dict = {}
    for row in rows:
        for pivot, pivot_row in pivots.items():
            factor = row.get(pivot)
            if factor:
                for name, value in pivot_row.items():
                    row[name] = row.get(name, 0) - factor * value
                row = {name: value for name, value in row.items() if value}
        if not row:
            continue
        pivot = min(row, key=str)
        scale = row[pivot]
        row = {name: value / scale for name, value in row.items()}
        for other in pivots.values():
            factor = other.get(pivot)
            if factor:
                for name, value in row.items():
                    other[name] = other.get(name, 0) - factor * value
                for name in [name for name, value in other.items() if not value]:
                    del other[name]
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


PEOPLE = (
    # Harju (Põhja): 20 clients of crimes against property and 5 of domestic violence, in January.
    [(1, "harju", "new", "F", "property")] * 12
    + [(1, "harju", "returning", "M", "property")] * 8
    + [(1, "harju", "new", "F", "domestic_violence")] * 5
    # Tartu (Lõuna): 15 of property crime and 2 of domestic violence, in February and May.
    + [(2, "tartu", "new", "F", "property")] * 9
    + [(5, "tartu", "new", "M", "property")] * 6
    + [(2, "tartu", "new", "F", "domestic_violence")] * 2
    # Võru (Lõuna): 8 of property crime, in August.
    + [(8, "voru", "returning", "F", "property")] * 8
)


def test_pages_protected_one_by_one_give_a_small_count_back():
    """The attack the year's protection is for: Estonia's 7 domestic-violence clients minus Põhja's 5
    is Lõuna's 2, although Lõuna's page hides it."""
    people_figures(PEOPLE)
    pages = {}
    with translation.override("en"):
        for area, scope in (("EE", Scope()), ("P", Scope(region=Region.objects.get(name="Põhja")))):
            from reporting.dashboard import build
            from reporting.selectors import comparison_areas, figure_sums

            period = Period.of("year", YEAR)
            sums = figure_sums(period, scope)
            areas = comparison_areas(scope, sums, [p for p, _l in COMPARED])
            pages[area] = build(period, scope, sums, suppress=True, areas=areas)  # no year's protection
    crime = {
        a: {row.label: str(row.now) for row in t.rows}
        for a, p in pages.items()
        for t in p.tables
        if t.key == "clients_by_crime"
    }
    assert crime["EE"]["domestic violence"] == "7" and crime["P"]["domestic violence"] == "5"


def test_no_hidden_figure_of_any_page_of_a_year_can_be_worked_out():
    people_figures(PEOPLE)
    pages = every_page()
    equations, marks, _known = reader(pages)
    assert any(mark == "<5" for mark in marks.values())
    assert not determined(equations) & set(marks)
    # Bounds: a "<5" is 1..4 and an "x" at least 5 (figures with no county, on no page, are left out).
    assert not narrowed([(eq, c) for eq, c in equations if set(eq) <= set(marks)], marks, {})
    # Nothing is hidden that need not be hidden from a reader of the cases (the pages are the same
    # figures): every shown figure is the true one.
    truth = every_page(suppress=False)
    for key, dashboard in pages.items():
        real_tables = {table.key: table for table in truth[key].tables}
        for table, real in ((table, real_tables[table.key]) for table in dashboard.tables):
            for row, true_row in zip(table.rows, real.rows, strict=True):
                assert row.now.hidden or row.now.value == true_row.now.value


def test_a_figure_is_shown_or_hidden_alike_on_every_page_that_shows_it():
    """Põhja's clients on Estonia's comparison and on Põhja's own page; a month on its quarter's page and
    on the year's."""
    people_figures(PEOPLE)
    pages = every_page()
    north = f"R{Region.objects.get(name='Põhja').pk}"
    for period in (str(YEAR), "Q1"):
        comparison = dict(pages[(period, "EE")].comparison.rows)
        own = pages[(period, north)].tables[0].total.now
        assert str(comparison["Põhja"][0]) == str(own)
    for area in ("EE", north):
        by_month = {
            row.label: str(row.now)
            for row in next(t for t in pages[(str(YEAR), area)].tables if t.key == "cases_by_month").body
        }
        quarter = next(t for t in pages[("Q1", area)].tables if t.key == "cases_by_month").body
        assert all(by_month[row.label] == str(row.now) for row in quarter)


def test_the_analyst_chooses_quarters_and_years_and_a_manager_sees_the_own_region_by_month(client, manager):
    people_figures(PEOPLE)
    client.force_login(make_user("analyst"))
    client.cookies["django_language"] = "en"
    response = client.get("/reporting/statistics/", {"period": "month", "year": YEAR, "month": 1})
    assert response.status_code == 400
    assert "figures are shown for a quarter or a year" in response.content.decode()
    assert [kind for kind, _label in response.context["form"].fields["period"].choices] == ["quarter", "year"]
    assert client.get("/reporting/statistics/", {"period": "quarter", "year": YEAR, "quarter": 1}).status_code == 200
    # A manager sees the own region whole, by month; nationally, quarters and years only.
    client.force_login(manager)
    region = next(iter(manager.region_ids))
    own = client.get("/reporting/statistics/", {"period": "month", "year": YEAR, "month": 1, "region": region})
    assert own.status_code == 200 and not own.context["dashboard"].suppressed
    national = client.get("/reporting/statistics/", {"period": "month", "year": YEAR, "month": 1, "region": ""})
    assert national.status_code == 400


def test_a_run_keeps_its_hidden_cells_and_a_new_run_replaces_them(specialist):
    from reporting.protection import hidden_cells
    from reporting.services import statistics_compute
    from tests.factories import make_case

    for _ in range(6):
        make_case(specialist, county_code="harju")
    make_case(specialist, county_code="harju", incident_type="property")
    year = timezone.localdate().year
    run = statistics_compute(year=year)
    assert run.protected and run.data["hidden"] == len(run.protected)
    assert hidden_cells(year) == frozenset(tuple(cell) for cell in run.protected)
    make_case(specialist, county_code="harju", incident_type="property")
    again = statistics_compute(year=year)
    assert hidden_cells(year) == frozenset(tuple(cell) for cell in again.protected)


MANY = (
    [(1, "harju", "new", "F", "property")] * 30
    + [(1, "harju", "new", "F", "domestic_violence")] * 6
    + [(1, "tartu", "new", "F", "property")] * 30
    + [(1, "tartu", "new", "F", "domestic_violence")] * 2
    + [(1, "voru", "new", "F", "property")] * 30
)


def test_a_manager_who_sees_the_own_region_whole_cannot_work_out_another_regions_hidden_count(manager):
    """Põhja's manager sees Põhja whole, and the rest as everyone does: Estonia's 8 domestic-violence
    clients minus Põhja's 6 would give Lõuna's hidden 2 back, had Põhja's 6 been the figure hidden for it."""
    people_figures(MANY)
    north = Region.objects.get(name="Põhja")
    own = {f"R{north.pk}", f"R{north.pk}-", *(f"C{county.pk}" for county in County.objects.filter(region=north))}
    _equations, _marks, truth = reader(every_page(suppress=False))
    equations, marks, _known = reader(every_page(), knows={name: v for name, v in truth.items() if name[1] in own})
    assert any(name[1] not in own for name in marks)
    # No count under five comes out (a complement of five or more may: the manager counted it himself).
    assert not {name for name in determined(equations) & set(marks) if marks[name] == "<5"}
    assert not narrowed([(eq, c) for eq, c in equations if set(eq) <= set(marks)], marks, {})


def test_the_year_is_protected_against_what_a_manager_sees_too(manager, monkeypatch):
    """Besides the readers who see nothing whole, the year is protected once for each set of regions a
    manager sees whole (with those regions' figures known), and the hidden cells of all are joined."""
    from reporting import protection

    people_figures(MANY)
    north = Region.objects.get(name="Põhja")
    own = {f"R{north.pk}", f"R{north.pk}-", *(f"C{county.pk}" for county in County.objects.filter(region=north))}
    solved = []

    def recording(values, relations, **options):
        found = protect(values, relations, **options)
        solved.append(({cell[1] for cell in options.get("fixed", ())}, found))
        return found

    monkeypatch.setattr(protection, "protect", recording)
    hidden = {tuple(cell) for cell in protection.protect_year(YEAR)}
    assert [areas for areas, _found in solved] == [set(), own]
    assert set().union(*(found for _areas, found in solved)) == hidden


def test_a_quarter_under_five_shows_no_months_on_the_years_page_either():
    """On its own page a quarter of three new cases shows no breakdown; the year's page must not show
    its months as "<5", "<5", 0 (which would tell each is under four)."""
    from decimal import Decimal

    from reporting.selectors import Sums

    by_month = {("cases_new", date(YEAR, 1, 1)): Decimal(12), ("cases_new", date(YEAR, 4, 1)): Decimal(2)}
    by_month[("cases_new", date(YEAR, 5, 1))] = Decimal(1)
    now = {("cases_new", "property"): Decimal(15)}
    sums = Sums(now=now, before={}, by_area={}, by_month=by_month)
    with translation.override("en"):
        dashboard = build(Period.of("year", YEAR), Scope(), sums, suppress=True, areas=None)
    months = {row.label: str(row.now) for row in next(t for t in dashboard.tables if t.key == "cases_by_month").body}
    assert months["April 2026"] == months["May 2026"] == months["June 2026"] == "x"
    assert months["February 2026"] == months["March 2026"] == "0"  # the first quarter's 12: months shown


def test_marac_figures_are_left_to_their_own_page_where_small_counts_are_hidden(client, manager):
    """The MARAC figures page protects them its own way; the same counts protected again here, hiding
    other cells, would give each other away."""
    people_figures(PEOPLE)
    client.force_login(make_user("analyst"))
    national = client.get("/reporting/statistics/", {"period": "year", "year": YEAR, "region": ""})
    assert "marac_referrals" not in {table.key for table in national.context["view"].body.tables}
    assert len(national.context["view"].body.comparison.columns) == len(COMPARED) - 1
    client.force_login(manager)
    own = client.get("/reporting/statistics/", {"period": "year", "year": YEAR})
    assert "marac_referrals" in {table.key for table in own.context["view"].body.tables}
