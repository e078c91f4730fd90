"""What the statistics pages show: tables of the monthly figures summed over a period and an area, each
row with the same period a year earlier, a total, and a bar chart; key figures; and a comparison of the
regions (or of a region's counties). Headings and categories are words in the user's language.

The small-cell rule covers the page as a whole (reporting.disclosure): every count on it is a cell, and
every table's rows add up to its total, which tables of the same population share (all client tables add
up to the same clients), and so do the areas of the comparison; for a quarter or a year, the hidden cells
are those of the year's protection across all pages (reporting.protection). Users who may see the cases
behind the figures (a regional manager in their own region) see them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.choices import IncidentType
from reporting.charts import bar_chart
from reporting.disclosure import Relation, protect
from reporting.periods import Period, month_name
from reporting.protection import page_hidden
from reporting.selectors import Scope, Sums, comparison_areas, figure_sums, figures_version
from reporting.specs import (
    CLIENT_STATUS,
    COMPARED,
    EQUAL_TO_TOTAL,
    MONTHLY_MEASURES,
    ON_TIME,
    SECTIONS,
    SPECS,
    SUPPRESS_BELOW,
    Spec,
)
from victimsupport.templatetags.money import format_eur

LEGEND = _(
    "<5: a count under five. x: a figure hidden so that a count under five cannot be worked out from the "
    "others (a total, a difference, another table or another page of the same figures). Sums beside a "
    "hidden count are hidden too. The figures "
    "are shown whole where you may see the cases behind them."
)

# Tables whose figures have pages of their own with their own protection (the MARAC figures): shown
# whole where the cases may be seen, left out of protected pages (two protections of one count, each
# hiding other cells, would undo each other).
PROTECTED_ELSEWHERE = {"marac_referrals"}
SMALL = "<5"  # a count under five
HIDDEN = "x"  # a figure hidden so that a small one cannot be worked out


@dataclass
class Figure:
    """One shown figure: its value, or a mark when it is hidden."""

    value: Decimal | None
    unit: str = "count"
    mark: str = ""

    @property
    def hidden(self) -> bool:
        return bool(self.mark)

    def __str__(self) -> str:
        if self.mark:
            return self.mark
        if self.value is None:
            return "–"
        if self.unit == "eur":
            return format_eur(self.value)
        if self.unit == "count":
            return number_format(int(self.value), 0, force_grouping=True)
        if self.unit == "percent":
            return f"{number_format(self.value, 0)}\u00a0%"
        return number_format(self.value, 1, force_grouping=True)

    @property
    def export(self):
        """The figure for a spreadsheet: a number, or its mark."""
        if self.mark:
            return self.mark
        if self.value is None:
            return None
        return int(self.value) if self.unit == "count" else self.value


@dataclass
class Row:
    label: str
    now: Figure
    before: Figure
    amount_now: Figure | None = None
    amount_before: Figure | None = None
    total: bool = False

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return ""
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        return f"{sign}{number_format(abs(change), 0, force_grouping=True)}\u00a0%"

    @property
    def change(self) -> Decimal | None:
        """Per cent change from a year earlier (None when either is hidden or the earlier is zero)."""
        if self.now.hidden or self.before.hidden or not self.before.value:
            return None
        return (Decimal(100) * (self.now.value - self.before.value) / self.before.value).quantize(
            Decimal("1"), ROUND_HALF_UP
        )


@dataclass
class Table:
    spec: Spec
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> str:
        return str(self.spec.title)

    @property
    def body(self) -> list[Row]:
        return [row for row in self.rows if not row.total]

    @property
    def total(self) -> Row:
        return self.rows[-1]


@dataclass
class Comparison:
    """The areas (regions, or a region's counties) side by side, with the total."""

    columns: list[str]
    rows: list[tuple[str, list[Figure]]]


@dataclass
class Dashboard:
    period: Period
    earlier: Period
    scope: Scope
    sections: list[tuple[str, list[Table]]]
    comparison: Comparison | None
    key_figures: list[tuple[str, Figure, Figure]]
    suppressed: bool
    charts: dict = field(default_factory=dict)  # table key -> bar chart geometry (reporting.charts)

    @property
    def tables(self) -> list[Table]:
        return [table for _title, tables in self.sections for table in tables]

    def head(self) -> Dashboard:
        """The page without its tables, charts and comparison of areas: what shows above them (page_head)."""
        return replace(self, sections=[], comparison=None, charts={})


def _categories(spec: Spec, sums: Sums, period: Period) -> list[tuple[str, object, object]]:
    """(label, key now, key a year earlier) per row, in the choices' order, then any category found in
    the figures that the choices no longer hold."""
    if spec.by_month:
        earlier = period.year_earlier().months()
        return [
            (month_name(month), (spec.measure, month), (spec.measure, before))
            for month, before in zip(period.months(), earlier, strict=True)
        ]
    known = spec.categories()
    found = sorted(
        {category for (measure, category) in (*sums.now, *sums.before) if measure == spec.measure} - set(known)
    )
    return [(spec.label(category), (spec.measure, category), (spec.measure, category)) for category in known + found]


def _value(sums: Sums, spec: Spec, key, *, before: bool) -> Decimal:
    if spec.by_month:
        return sums.by_month.get(key, Decimal(0))
    return (sums.before if before else sums.now).get(key, Decimal(0))


def build(
    period: Period,
    scope: Scope,
    sums: Sums,
    *,
    suppress: bool,
    areas: list | None = None,
    is_hidden: Callable[[tuple], bool] | None = None,
) -> Dashboard:
    """`areas`: (id, name) of the regions or counties to compare, or None for no comparison. With
    `suppress`, `is_hidden` tells the cells the year's protection hides (reporting.protection); without
    it (a period that protection does not cover) the page is protected on its own."""
    values: dict = {}
    relations: list[Relation] = []
    categories = {spec.key: _categories(spec, sums, period) for spec in SPECS.values()}
    for spec in SPECS.values():
        if not spec.protected:
            continue
        for when, before in (("now", False), ("before", True)):
            parts = []
            for _label, key_now, key_before in categories[spec.key]:
                key = key_before if before else key_now
                cell = ("cell", spec.key, key[1], when)
                values[cell] = int(_value(sums, spec, key, before=before))
                parts.append(cell)
            total_cell = ("total", spec.total_key, when)
            values[total_cell] = sum(values[cell] for cell in parts)
            relations.append(Relation(total_cell, tuple(parts)))
    # A row of one table that is the total of another (the same people counted twice).
    for population, key, category in EQUAL_TO_TOTAL:
        for when in ("now", "before"):
            relations.append(Relation(("total", population, when), (("cell", key, category, when),)))
    if areas is not None:
        for population, _column in COMPARED:
            parts = []
            for area_id, _name in areas:
                cell = ("area", area_id, population)
                values[cell] = int(sums.by_area.get((area_id, population), 0))
                parts.append(cell)
            relations.append(Relation(("total", population, "now"), tuple(parts)))
    if not suppress:
        hidden = set()
    elif is_hidden is not None:
        hidden = {cell for cell in values if is_hidden(cell)}
    else:
        hidden = protect(values, relations, published=values, threshold=SUPPRESS_BELOW, small_marked=True)

    # A table whose total is under five shows no breakdown at all: its zeros would tell how many parts the
    # few are split into (two parts of a total under five are each under four).
    blank = {
        (spec.key, when)
        for _title, specs in SECTIONS
        for spec in specs
        for when in ("now", "before")
        if ("total", spec.total_key, when) in hidden and 0 < values[("total", spec.total_key, when)] < SUPPRESS_BELOW
    }

    # The same across pages: a quarter whose total is under five shows no months on the year's page either.
    quarters: dict = {}
    for spec in SPECS.values():
        if spec.by_month and spec.protected and suppress:
            for cell, value in values.items():
                if cell[0] == "cell" and cell[1] == spec.key:
                    quarter = (spec.key, cell[3], cell[2].year, (cell[2].month - 1) // 3)
                    quarters.setdefault(quarter, []).append((cell, value))
    blank_months = {
        cell for found in quarters.values() if 0 < sum(v for _c, v in found) < SUPPRESS_BELOW for cell, _v in found
    }

    def figure(cell, value=None, unit="count") -> Figure:
        if cell[0] == "cell" and ((cell[1], cell[3]) in blank or cell in blank_months):
            return Figure(None, unit, HIDDEN)
        if cell in hidden:
            return Figure(None, unit, SMALL if 0 < values[cell] < SUPPRESS_BELOW else HIDDEN)
        return Figure(Decimal(values[cell]) if value is None else value, unit)

    sections = []
    for title, specs in SECTIONS:
        built = []
        for spec in specs:
            if suppress and spec.key in PROTECTED_ELSEWHERE:
                continue
            table = Table(spec, note="" if spec.county_level or scope.county is None else str(REGION_ONLY))
            for label, key_now, key_before in categories[spec.key]:
                table.rows.append(_row(spec, sums, figure, label, key_now, key_before))
            table.rows.append(_total_row(spec, table.rows, figure, sums))
            built.append(table)
        if built:
            sections.append((str(title), built))
    dashboard = Dashboard(
        period=period,
        earlier=period.year_earlier(),
        scope=scope,
        sections=sections,
        comparison=_comparison(areas, figure, suppress=suppress) if areas is not None else None,
        key_figures=[],
        suppressed=suppress,
    )
    dashboard.key_figures = _key_figures(dashboard, sums)
    return dashboard


REGION_ONLY = _("These figures are kept per region only; the county's region is shown.")


def _row(spec: Spec, sums: Sums, figure, label, key_now, key_before) -> Row:
    now_value = _value(sums, spec, key_now, before=False)
    before_value = _value(sums, spec, key_before, before=True)
    if not spec.protected:
        return Row(label, Figure(now_value, spec.unit), Figure(before_value, spec.unit))
    now = figure(("cell", spec.key, key_now[1], "now"), now_value)
    before = figure(("cell", spec.key, key_before[1], "before"), before_value)
    row = Row(label, now, before)
    if spec.amount:
        category = key_now[1]
        row.amount_now = _amount(now, sums.now.get((spec.amount, category), Decimal(0)))
        row.amount_before = _amount(before, sums.before.get((spec.amount, category), Decimal(0)))
    return row


def _amount(count: Figure, value: Decimal) -> Figure:
    """A sum over the people counted beside it: hidden with their count."""
    return Figure(None, "eur", HIDDEN) if count.hidden else Figure(value, "eur")


def _total_row(spec: Spec, rows: list[Row], figure, sums: Sums) -> Row:
    label = str(pgettext_lazy("statistics", "Total"))
    if not spec.protected:
        return Row(
            label,
            Figure(sum((row.now.value for row in rows), Decimal(0)), spec.unit),
            Figure(sum((row.before.value for row in rows), Decimal(0)), spec.unit),
            total=True,
        )
    row = Row(label, figure(("total", spec.total_key, "now")), figure(("total", spec.total_key, "before")), total=True)
    if spec.amount:
        row.amount_now = _amount(row.now, _measure_sum(sums.now, spec.amount))
        row.amount_before = _amount(row.before, _measure_sum(sums.before, spec.amount))
    return row


def _measure_sum(found: dict, measure: str) -> Decimal:
    return sum((value for (name, _category), value in found.items() if name == measure), Decimal(0))


def _comparison(areas: list, figure, *, suppress: bool) -> Comparison:
    compared = [(p, column) for p, column in COMPARED if not (suppress and p in PROTECTED_ELSEWHERE)]
    rows = [
        (name, [figure(("area", area_id, population)) for population, _column in compared]) for area_id, name in areas
    ]
    rows.append((str(pgettext_lazy("statistics", "Total")), [figure(("total", p, "now")) for p, _c in compared]))
    return Comparison(columns=[str(column) for _population, column in compared], rows=rows)


def _share(part: Figure, whole: Figure) -> Figure:
    if part.hidden or whole.hidden:
        return Figure(None, "percent", HIDDEN)
    if not whole.value:
        return Figure(None, "percent")
    return Figure((Decimal(100) * part.value / whole.value).quantize(Decimal("1"), ROUND_HALF_UP), "percent")


def _average(total: Decimal, count: Figure) -> Figure:
    if count.hidden:
        return Figure(None, "days", HIDDEN)
    if not count.value:
        return Figure(None, "days")
    return Figure((total / count.value).quantize(Decimal("0.1"), ROUND_HALF_UP), "days")


def _key_figures(dashboard: Dashboard, sums: Sums) -> list[tuple[str, Figure, Figure]]:
    tables = {table.key: table for table in dashboard.tables}

    def total(key: str) -> tuple[Figure, Figure]:
        return tables[key].total.now, tables[key].total.before

    def row(key: str, label) -> Row:
        return next(row for row in tables[key].body if row.label == str(label))

    def magnitude(measure: str, unit: str) -> tuple[Figure, Figure]:
        return Figure(_measure_sum(sums.now, measure), unit), Figure(_measure_sum(sums.before, measure), unit)

    clients_now, clients_before = total("clients")
    new = row("clients", CLIENT_STATUS["new"])
    dv = row("clients_by_crime", IncidentType.DOMESTIC_VIOLENCE.label)
    decided_now, decided_before = total("aid_decided")
    in_time = row("aid_decided", ON_TIME["in_time"])
    referrals = tables["referrals"].total
    invoices = tables["invoices"].total
    paid = tables["invoices_paid"].total
    return (
        [
            (str(_("Clients")), clients_now, clients_before),
            (str(_("New clients")), new.now, new.before),
            (str(_("Share of domestic violence")), _share(dv.now, clients_now), _share(dv.before, clients_before)),
            (str(_("New cases")), *total("cases_new")),
            (str(pgettext_lazy("statistics", "Contacts")), *total("contacts")),
            (str(_("Counselling sessions")), *total("sessions")),
            (str(_("Anonymous contacts")), *total("anonymous")),
            (str(_("Aid decisions")), *total("aid_decisions")),
            (
                str(_("Decided by the deadline")),
                _share(in_time.now, decided_now),
                _share(in_time.before, decided_before),
            ),
            (
                str(_("Days from application to decision, on average")),
                _average(_measure_sum(sums.now, "aid_days"), decided_now),
                _average(_measure_sum(sums.before, "aid_days"), decided_before),
            ),
            (str(_("Committed by referrals")), referrals.amount_now, referrals.amount_before),
            (str(pgettext_lazy("statistics", "Invoiced")), invoices.amount_now, invoices.amount_before),
            (str(_("Paid")), paid.amount_now, paid.amount_before),
            (str(_("Volunteer hours")), *magnitude("volunteer_hours", "hours")),
            (str(_("Volunteer kilometres")), *magnitude("volunteer_km", "km")),
            (str(_("Volunteer costs")), *magnitude("volunteer_costs", "eur")),
        ]
        + _compensation_figures(tables, sums)
        + ([(str(_("Referrals to MARAC")), *total("marac_referrals"))] if "marac_referrals" in tables else [])
    )


def _compensation_figures(tables: dict, sums: Sums) -> list[tuple[str, Figure, Figure]]:
    if "compensation_decided" not in tables:
        return []
    decided = tables["compensation_decided"].total
    return [
        (
            str(_("Compensation claims")),
            tables["compensation_claims"].total.now,
            tables["compensation_claims"].total.before,
        ),
        (str(_("Compensation granted")), decided.amount_now, decided.amount_before),
        (
            str(_("Days from claim to compensation decision, on average")),
            _average(_measure_sum(sums.now, "compensation_days"), decided.now),
            _average(_measure_sum(sums.before, "compensation_days"), decided.before),
        ),
    ]


PAGE_CACHE_SECONDS = 24 * 3600


def page(period: Period, scope: Scope, *, suppress: bool, key: str = "") -> tuple[Dashboard, str]:
    """The figures of a period and an area with their charts, built once per period, area, language and
    computation (the small-cell audit of a national page takes tens of milliseconds; the figures change
    only when computed), and the cache key they are kept under (`key`: the one page_head gave a request,
    so that its tables are of the same computation as its head)."""
    key = key or page_key(period, scope, suppress=suppress)
    try:
        dashboard = cache.get(key)
    except KeyError:  # it names a table no longer there (reporting.specs.spec_named): built again
        dashboard = None
    if dashboard is None:
        sums = figure_sums(period, scope, monthly=MONTHLY_MEASURES)
        areas = comparison_areas(scope, sums, [population for population, _label in COMPARED])
        is_hidden = page_hidden(period, scope, areas) if suppress else None
        dashboard = build(period, scope, sums, suppress=suppress, areas=areas, is_hidden=is_hidden)
        dashboard.charts = {table.key: bar_chart(table.body) for table in dashboard.tables}
        cache.set(key, dashboard, PAGE_CACHE_SECONDS)
    return dashboard, key


def page_head(period: Period, scope: Scope, *, suppress: bool) -> tuple[Dashboard, str, Dashboard | None]:
    """(the page without its tables (Dashboard.head), its key, the whole page if it had to be read): the head
    is kept under "<key>:head", beside the whole page, whose tables are kept rendered in the template cache
    under the key; reading the whole page back (some 40 kB pickled) cost a warm request about 3 ms of 11."""
    key = page_key(period, scope, suppress=suppress)
    head = cache.get(f"{key}:head")
    if head is not None:
        return head, key, None
    whole = page(period, scope, suppress=suppress, key=key)[0]
    head = whole.head()
    cache.set(f"{key}:head", head, PAGE_CACHE_SECONDS)
    return head, key, whole


def page_key(period: Period, scope: Scope, *, suppress: bool) -> str:
    """The key of a page's figures: its period, area, language, whether small cells are hidden, and the
    computation (figures_version), so that a new computation is a new key."""
    return ":".join(
        str(part)
        for part in (
            "statistics-page",
            figures_version(),
            get_language(),
            period.kind,
            period.first,
            period.last,
            scope.region.pk if scope.region else "",
            scope.county.pk if scope.county else "",
            int(suppress),
        )
    )


def export_rows(dashboard: Dashboard, key: str = "") -> list[list]:
    """The page as spreadsheet rows (all its tables, or the one named `key`), marks as on screen."""
    tables = [table for table in dashboard.tables if not key or table.key == key]
    rows = [
        [gettext("Statistics"), str(dashboard.scope), str(dashboard.period)],
        [gettext("A year earlier"), str(dashboard.earlier)],
    ]
    if dashboard.suppressed:
        rows.append([str(LEGEND)])
    rows.append([])
    if not key:
        rows += [[gettext("Key figures"), str(dashboard.period), str(dashboard.earlier)]]
        rows += [[label, now.export, before.export] for label, now, before in dashboard.key_figures]
        rows.append([])
    for table in tables:
        header = [table.title, str(dashboard.period), str(dashboard.earlier), pgettext("statistics", "Change")]
        if table.spec.amount:
            header += [gettext("Amount"), gettext("Amount a year earlier")]
        rows.append(header)
        for row in table.rows:
            line = [row.label, row.now.export, row.before.export, row.change_text]
            if table.spec.amount:
                line += [row.amount_now.export, row.amount_before.export]
            rows.append(line)
        rows.append([])
    if dashboard.comparison is not None and not key:
        rows.append([gettext("By area"), *dashboard.comparison.columns])
        rows += [[name, *(figure.export for figure in figures)] for name, figures in dashboard.comparison.rows]
    return rows
