"""Small cells protected across pages: a year's figures as one disclosure problem.

A user who may not see the cases behind the figures can open many pages of the same computation: a
year or a quarter, for Estonia, a region or a county, each beside the same period a year earlier.
Protected page by page, one page could give back what another hides: Estonia's count minus the shown
regions' counts is the hidden region's; a year minus three quarters is the fourth; a region's total
hidden as a complement nationally but shown on the region's own page. So every figure such a page can
show is a cell of one problem per year, with every relation between them: each table's rows add up to
its total (on every page), Estonia is the sum of its regions, a region the sum of its counties (and of
figures with no county), a year the sum of its quarters, and a quarter's months (the tables by month)
add up to it. `reporting.disclosure.protect` solves it once per computation, in the worker, and the
hidden cells are kept with the run (`StatisticsRun.protected`); the pages look them up.

A month or a free range of months could be subtracted from these (January to March minus February and
March is January), so such users see quarters and years only; users who see a region whole (its
regional manager) may pick any period there.

Cells are (period, area, table, category): period "2026", "2026-Q1" or, for the tables by month, the
month "2026-03"; area "EE", "R<region id>", "C<county id>" or "R<region id>-" (no county recorded);
totals are (period, area, "total", population).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.core.cache import cache
from django.db import models

from reporting.disclosure import Relation, protect
from reporting.models import FeedbackResponse, FeedbackService, MonthlyFigure, StatisticsRun
from reporting.periods import Period
from reporting.specs import EQUAL_TO_TOTAL, SPECS, SUPPRESS_BELOW
from victimsupport.models import County, Region, Role, User

PROTECTED = [spec for spec in SPECS.values() if spec.protected]
MEASURES = sorted({spec.measure for spec in PROTECTED})
NATIONAL = "EE"


def period_key(period: Period) -> str | None:
    """The key of a period pages of protected figures can show (None: not one of them)."""
    if period.kind == "year":
        return str(period.first.year)
    if period.kind == "quarter":
        return quarter_keys(period.first.year)[(period.first.month - 1) // 3]
    return None


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def region_key(region_id: int) -> str:
    return f"R{region_id}"


def county_key(county_id: int | None, region_id: int) -> str:
    return f"C{county_id}" if county_id is not None else f"R{region_id}-"


def quarter_keys(year: int) -> list[str]:
    return [f"{year}-Q{quarter}" for quarter in range(1, 5)]


def _periods(year: int) -> dict[str, list[str]]:
    """Each period key with its months' keys."""
    periods = {str(year): [f"{year}-{month:02}" for month in range(1, 13)]}
    for quarter, key in enumerate(quarter_keys(year), start=1):
        periods[key] = [f"{year}-{month:02}" for month in range(3 * quarter - 2, 3 * quarter + 1)]
    return periods


def _quarter_of(periods: dict[str, list[str]], quarters: list[str]) -> dict[str, str]:
    """Each month's key with its quarter's."""
    return {month: quarter for quarter in quarters for month in periods[quarter]}


def year_problem(year: int, rows, counties: dict[int, list[int]]) -> tuple[dict, list[Relation]]:
    """The cells and relations of a year. `rows`: (month, region id, county id, measure, category, value)
    of the protected measures; `counties`: each region's county ids."""
    periods, quarters = _periods(year), quarter_keys(year)
    month_period = _quarter_of(periods, quarters)
    sums: dict = defaultdict(int)
    found: dict[str, set] = defaultdict(set)
    for month, region, county, measure, category, value in rows:
        found[measure].add(category)
        month = month_key(month)
        for period in (str(year), month_period[month], month):
            for area in (NATIONAL, region_key(region), county_key(county, region)):
                sums[(period, area, measure, category)] += int(value)
                sums[(period, area, measure, None)] += int(value)  # all categories
    children: dict[str, list[str]] = {NATIONAL: [region_key(region) for region in counties]}
    for region in counties:
        children[region_key(region)] = _children(region, counties)
    areas = [NATIONAL, *(area for region in counties for area in (region_key(region), *children[region_key(region)]))]
    lines: dict[str, list[tuple]] = {}  # table -> the (table, category) of its rows
    for spec in PROTECTED:
        known = spec.categories()
        lines[spec.key] = [(spec.key, category) for category in known + sorted(found[spec.measure] - set(known))]

    values: dict = {}
    relations: list[Relation] = []
    # Each page's tables: rows adding up to the population's total.
    for period, months in periods.items():
        for area in areas:
            for spec in PROTECTED:
                if spec.by_month:
                    parts = [(month, area, spec.key, "") for month in months]
                    for cell in parts:
                        values[cell] = sums.get((cell[0], area, spec.measure, None), 0)
                else:
                    parts = [(period, area, *line) for line in lines[spec.key]]
                    for cell in parts:
                        values[cell] = sums.get((period, area, spec.measure, cell[3]), 0)
                total = (period, area, "total", spec.total_key)
                values[total] = sum(values[cell] for cell in parts)
                relations.append(Relation(total, tuple(parts)))
            for population, key, category in EQUAL_TO_TOTAL:
                relations.append(Relation((period, area, "total", population), ((period, area, key, category),)))
    # Between pages: an area is the sum of its parts (Estonia of its regions, a region of its counties),
    # a year the sum of its quarters (a month is the same cell on the quarter's page and on the year's).
    month_lines = {cell[2:] for cell in values if len(cell[0]) == 7}
    period_lines = {cell[2:] for cell in values if len(cell[0]) != 7}
    for period in [*periods, *periods[str(year)]]:
        for line in month_lines if len(period) == 7 else period_lines:
            for parent, parts in children.items():
                relations.append(Relation((period, parent, *line), tuple((period, part, *line) for part in parts)))
    for area in areas:
        for line in period_lines:
            relations.append(Relation((str(year), area, *line), tuple((quarter, area, *line) for quarter in quarters)))
    return values, relations


def _counties() -> dict[int, list[int]]:
    counties: dict[int, list[int]] = {
        region: [] for region in Region.objects.order_by("pk").values_list("pk", flat=True)
    }
    for county, region in County.objects.order_by("pk").values_list("pk", "region_id"):
        counties.setdefault(region, []).append(county)
    return counties


def protect_year(year: int) -> list[list]:
    """The cells of the year's figures (as they are now) to hide from users who may not see the cases."""
    rows = MonthlyFigure.objects.filter(
        month__gte=date(year, 1, 1), month__lt=date(year + 1, 1, 1), measure__in=MEASURES
    ).values_list("month", "region_id", "county_id", "measure", "category", "value")
    counties = _counties()
    values, relations = year_problem(year, rows, counties)
    options = {"published": values, "threshold": SUPPRESS_BELOW, "small_marked": True, "batch": True}
    hidden = protect(values, relations, **options)
    # A regional manager sees their own regions whole and the rest protected: what is hidden must hold
    # against what they know, too (Estonia minus their region and the shown regions is not a hidden one).
    for regions in _managers_regions():
        areas = {area for region in regions for area in (region_key(region), *_children(region, counties))}
        hidden |= protect(values, relations, **options, fixed={cell for cell in values if cell[1] in areas})
    return sorted(list(cell) for cell in hidden)


def _children(region: int, counties: dict[int, list[int]]) -> list[str]:
    return [county_key(county, region) for county in counties.get(region, [])] + [county_key(None, region)]


def _managers_regions() -> set[frozenset[int]]:
    """The sets of regions active regional managers see whole."""
    found: dict[int, set[int]] = defaultdict(set)
    managers = User.objects.filter(groups__name=Role.REGIONAL_MANAGER, is_active=True)
    for user_id, region_id in managers.values_list("pk", "regions").order_by():
        if region_id is not None:
            found[user_id].add(region_id)
    return {frozenset(regions) for regions in found.values()}


def hidden_cells(year: int) -> frozenset:
    """The year's hidden cells, as its newest run keeps them (counted now for a run made before runs kept
    them, and for figures written without a run)."""
    run = StatisticsRun.objects.filter(year=year).order_by("-pk").only("pk", "protected").first()
    if run is None:
        if not MonthlyFigure.objects.filter(month__gte=date(year, 1, 1), month__lt=date(year + 1, 1, 1)).exists():
            return frozenset()
        return frozenset(tuple(cell) for cell in protect_year(year))
    key = f"statistics-hidden:{run.pk}"
    found = cache.get(key)
    if found is None:
        if run.protected is None:
            run.protected = protect_year(year)
            StatisticsRun.objects.filter(pk=run.pk).update(protected=run.protected)
        found = frozenset(tuple(cell) for cell in run.protected)
        cache.set(key, found, 24 * 3600)
    return found


def scope_area(scope) -> str:
    if scope.county is not None:
        return county_key(scope.county.pk, scope.county.region_id)
    if scope.region is not None:
        return region_key(scope.region.pk)
    return NATIONAL


def page_hidden(period: Period, scope, areas: list | None) -> Callable[[tuple], bool] | None:
    """Whether a cell of a page (as reporting.dashboard.build names it) is hidden by the year's
    protection; None for a period it does not cover (a month, a range)."""
    now, before = period_key(period), period_key(period.year_earlier())
    if now is None:
        return None
    hidden = hidden_cells(period.first.year) | hidden_cells(period.first.year - 1)
    area = scope_area(scope)
    if scope.region is None and scope.county is None:
        compared = {area_id: region_key(area_id) for area_id, _name in areas or ()}
    else:
        region = scope.county.region_id if scope.county is not None else scope.region.pk
        compared = {area_id: county_key(area_id, region) for area_id, _name in areas or ()}

    # What is kept per region only shows on a county's page as its region's: hidden as the region's is.
    region_area = region_key(scope.county.region_id) if scope.county is not None else area

    def area_of(name: str) -> str:
        spec = SPECS.get(name)
        return region_area if spec is not None and not spec.county_level else area

    def canonical(cell: tuple) -> tuple:
        if cell[0] == "cell":
            _kind, table, category, when = cell
            if isinstance(category, date):  # a table by month: the month's own cell
                return (month_key(category), area_of(table), table, "")
            return (now if when == "now" else before, area_of(table), table, category)
        if cell[0] == "total":
            _kind, population, when = cell
            return (now if when == "now" else before, area_of(population), "total", population)
        _kind, area_id, population = cell
        return (now, compared[area_id], "total", population)

    return lambda cell: canonical(cell) in hidden


# --- client feedback: the numbers of answers per service and per month, protected the same way ---------


def feedback_hidden(year: int) -> frozenset:
    """The numbers of answers to hide on the feedback pages of a year (Estonia and each region; the year
    and its quarters; per service, per month and in all), as one problem. Counted again when answers
    have come in since (the answers are few: tens of milliseconds)."""
    responses = FeedbackResponse.objects.filter(month__gte=date(year, 1, 1), month__lt=date(year + 1, 1, 1))
    stamp = responses.aggregate(count=models.Count("pk"), last=models.Max("pk"))
    key = f"feedback-hidden:{year}:{stamp['count']}:{stamp['last']}"
    found = cache.get(key)
    if found is not None:
        return found
    periods, quarters = _periods(year), quarter_keys(year)
    quarter_of = _quarter_of(periods, quarters)
    regions = [region_key(pk) for pk in Region.objects.order_by("pk").values_list("pk", flat=True)]
    counts: dict = defaultdict(int)
    rows = responses.values_list("month", "region_id", "service").annotate(n=models.Count("pk")).order_by()
    for month, region, service, number in rows:
        month = month_key(month)
        for area in (NATIONAL, region_key(region)):
            for period in (str(year), quarter_of[month]):
                counts[(period, area, "service", service)] += number
            counts[(month, area, "month", "")] += number
    values: dict = {}
    relations: list[Relation] = []
    lines = [("service", service) for service in FeedbackService.values]
    for period, months in periods.items():
        for area in (NATIONAL, *regions):
            services = [(period, area, *line) for line in lines]
            by_month = [(month, area, "month", "") for month in months]
            for cell in services + by_month:
                values[cell] = counts.get(cell, 0)
            total = (period, area, "total", "")
            values[total] = sum(values[cell] for cell in services)
            relations += [Relation(total, tuple(services)), Relation(total, tuple(by_month))]
    for period in periods:
        for line in [*lines, ("total", "")]:
            relations.append(Relation((period, NATIONAL, *line), tuple((period, area, *line) for area in regions)))
        for area in (NATIONAL, *regions):
            for line in [*lines, ("total", "")] if len(period) == 4 else ():
                relations.append(Relation((period, area, *line), tuple((q, area, *line) for q in quarters)))
    for month in periods[str(year)]:
        relations.append(
            Relation((month, NATIONAL, "month", ""), tuple((month, area, "month", "") for area in regions))
        )
    hidden = protect(values, relations, published=values, threshold=SUPPRESS_BELOW, small_marked=True, batch=True)
    found = frozenset(hidden)
    cache.set(key, found, 24 * 3600)
    return found
