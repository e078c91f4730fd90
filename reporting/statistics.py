"""National yearly statistics: counts and sums by region, county, crime type, channel and month. Figures
only; cells under five are suppressed for users who may not see the cases behind them."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from reporting.disclosure import Relation, protect

SUPPRESS_BELOW = 5


def _rows(sql: str, params: list) -> list[list]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [[_plain(value) for value in row] for row in cursor.fetchall()]


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# Each section: (key, SQL with %(start)s/%(end)s as the year's bounds, column names).
SECTIONS = [
    (
        "cases_by_region_county_type",
        """
        SELECT r.name, co.name, c.incident_type, count(*)
        FROM cases_case c JOIN victimsupport_region r ON r.id = c.region_id
        JOIN victimsupport_county co ON co.id = c.county_id
        WHERE c.opened_on >= %s::date AND c.opened_on < %s::date
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
        ["region", "county", "incident_type", "cases"],
        "date",
    ),
    (
        "cases_by_month",
        """
        SELECT date_trunc('month', c.opened_on)::date, r.name, count(*),
               count(*) FILTER (WHERE c.referral_source <> 'self')
        FROM cases_case c JOIN victimsupport_region r ON r.id = c.region_id
        WHERE c.opened_on >= %s::date AND c.opened_on < %s::date
        GROUP BY 1, 2 ORDER BY 1, 2""",
        ["month", "region", "cases", "forwarded"],
        "date",
    ),
    (
        "cases_closed_by_reason",
        """
        SELECT r.name, c.closure_reason, count(*)
        FROM cases_case c JOIN victimsupport_region r ON r.id = c.region_id
        WHERE c.closed_on >= %s::date AND c.closed_on < %s::date
        GROUP BY 1, 2 ORDER BY 1, 2""",
        ["region", "closure_reason", "cases"],
        "date",
    ),
    (
        "contacts_by_channel_kind",
        """
        SELECT r.name, ct.channel, ct.kind, count(*), sum(ct.duration_minutes)
        FROM cases_contact ct JOIN cases_case c ON c.id = ct.case_id
        JOIN victimsupport_region r ON r.id = c.region_id
        WHERE ct.happened_at >= %s AND ct.happened_at < %s
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
        ["region", "channel", "kind", "contacts", "minutes"],
        "time",
    ),
    (
        "anonymous_contacts",
        """
        SELECT r.name, a.incident_type, a.age_group, count(*)
        FROM cases_anonymouscontact a JOIN victimsupport_region r ON r.id = a.region_id
        WHERE a.happened_at >= %s AND a.happened_at < %s
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
        ["region", "incident_type", "age_group", "contacts"],
        "time",
    ),
    (
        "aid_decisions",
        """
        SELECT r.name, d.kind, count(*), coalesce(sum(d.amount_cap), 0)
        FROM cases_aiddecision d JOIN cases_aidapplication a ON a.id = d.application_id
        JOIN cases_case c ON c.id = a.case_id JOIN victimsupport_region r ON r.id = c.region_id
        WHERE d.status = 'issued' AND d.issued_at >= %s AND d.issued_at < %s
        GROUP BY 1, 2 ORDER BY 1, 2""",
        ["region", "kind", "decisions", "amount_cap"],
        "time",
    ),
    (
        "referrals",
        """
        SELECT r.name, rf.service, count(*), coalesce(sum(rf.amount), 0)
        FROM referrals_referral rf JOIN cases_aiddecision d ON d.id = rf.decision_id
        JOIN cases_aidapplication a ON a.id = d.application_id JOIN cases_case c ON c.id = a.case_id
        JOIN victimsupport_region r ON r.id = c.region_id
        WHERE rf.created_at >= %s AND rf.created_at < %s
        GROUP BY 1, 2 ORDER BY 1, 2""",
        ["region", "service", "referrals", "amount"],
        "time",
    ),
    (
        "invoices_paid",
        """
        SELECT r.name, count(*), coalesce(sum(i.approved_total), 0)
        FROM referrals_invoice i JOIN referrals_referral rf ON rf.id = i.referral_id
        JOIN cases_aiddecision d ON d.id = rf.decision_id JOIN cases_aidapplication a ON a.id = d.application_id
        JOIN cases_case c ON c.id = a.case_id JOIN victimsupport_region r ON r.id = c.region_id
        WHERE i.status IN ('approved', 'sent', 'paid') AND i.received_on >= %s::date AND i.received_on < %s::date
        GROUP BY 1 ORDER BY 1""",
        ["region", "invoices", "amount"],
        "date",
    ),
]

# The count columns that identify people when small (suppressed for users without case access).
COUNT_COLUMNS = {"cases", "forwarded", "contacts", "decisions", "referrals", "invoices"}
# Sums over the people counted in a row: hidden with the row's hidden counts.
MAGNITUDE_COLUMNS = {"minutes", "amount", "amount_cap"}
# What a hidden figure shows: the same mark for counts under five and for the complementary cells hidden
# to protect them (a separate mark would tell a reader which hidden cells are the small ones).
HIDDEN = "x"

# The relations between the published figures, per region (no relation crosses regions):
# - in a row, the first count column is the second plus a rest that is a count of people too
#   (cases that came on their own = cases - forwarded);
ROW_PARTS = [("cases_by_month", "cases", "forwarded")]
# - these count columns add up, per region, to the same total (the region's new cases of the year).
# A total or subtotal published in a section later needs its relation declared here.
SAME_TOTALS = [(("cases_by_region_county_type", "cases"), ("cases_by_month", "cases"))]


def compute_yearly(year: int, progress: Callable[[int, str], None] | None = None) -> dict:
    tz = timezone.get_current_timezone()
    start_date, end_date = date(year, 1, 1), date(year + 1, 1, 1)
    start_time = datetime.combine(start_date, dtime.min, tz)
    end_time = datetime.combine(end_date, dtime.min, tz)
    started = time.monotonic()
    sections = {}
    for index, (key, sql, columns, bounds) in enumerate(SECTIONS):
        params = [start_date, end_date] if bounds == "date" else [start_time, end_time]
        sections[key] = {"columns": columns, "rows": _rows(sql, params)}
        if progress:
            progress(int(100 * (index + 1) / len(SECTIONS)), key)
    return {"year": year, "sections": sections, "seconds": round(time.monotonic() - started, 3)}


def suppressed(data: dict, *, open_regions: frozenset[str] = frozenset()) -> dict:
    """The same figures with counts under five hidden, and further counts hidden so that none of them can be
    worked out from the rest (reporting/disclosure.py), except in the regions whose cases the user may see.
    A row's sums (minutes, amounts) are hidden with its counts."""
    sections = data.get("sections", {})
    hidden = hidden_cells(sections, open_regions=open_regions)
    result = {"year": data.get("year"), "sections": {}}
    for key, section in sections.items():
        columns = section["columns"]
        magnitudes = {i for i, name in enumerate(columns) if name in MAGNITUDE_COLUMNS}
        rows = []
        for number, row in enumerate(section["rows"]):
            positions = {i for i in range(len(row)) if (key, number, i) in hidden}
            if positions:
                positions |= magnitudes
                row = [HIDDEN if i in positions else value for i, value in enumerate(row)]
            rows.append(row)
        result["sections"][key] = {"columns": columns, "rows": rows}
    return result


def hidden_cells(sections: dict, *, open_regions: frozenset[str] = frozenset()) -> set[tuple[str, int, int]]:
    """(section, row number, column number) of each count to hide, region by region."""
    regions: dict = {}
    for key, section in sections.items():
        columns = section["columns"]
        region_at = columns.index("region") if "region" in columns else None
        counts = [i for i, name in enumerate(columns) if name in COUNT_COLUMNS]
        parts = [(columns.index(total), columns.index(part)) for name, total, part in ROW_PARTS if name == key]
        for number, row in enumerate(section["rows"]):
            region = row[region_at] if region_at is not None else None
            if region in open_regions:
                continue
            values, relations, published = regions.setdefault(region, ({}, [], set()))
            for i in counts:
                if type(row[i]) is int:
                    values[(key, number, i)] = row[i]
                    published.add((key, number, i))
            for total, part in parts:
                if (key, number, total) in values and (key, number, part) in values:
                    rest = (key, number, "rest")
                    values[rest] = values[(key, number, total)] - values[(key, number, part)]
                    relations.append(Relation((key, number, total), ((key, number, part), rest)))
    for index, same in enumerate(SAME_TOTALS):
        positions = [
            (key, sections[key]["columns"].index(column))
            for key, column in same
            if key in sections and column in sections[key]["columns"]
        ]
        if len(positions) < len(same):
            continue
        for values, relations, published in regions.values():
            groups = [sorted(cell for cell in published if cell[:1] + cell[2:] == at) for at in positions]
            total = ("total", index)
            values[total] = sum(values[cell] for cell in groups[0])
            relations += [Relation(total, tuple(group)) for group in groups]
    hidden: set = set()
    for values, relations, published in regions.values():
        hidden |= protect(values, relations, published=published, threshold=SUPPRESS_BELOW)
    return hidden
