"""Computing a year's monthly figures from the records: one SQL statement per area, each giving
(month, region, county, measure, category, value) rows, written over the year's earlier figures in one
transaction. Figures hold no personal data.

Where a case was transferred, its work counts in the region (and county) that held the case at the
time: the case's change history gives the spells (from, until) of each region. A new case counts where it
was opened. A client counts once a year, in the month of their first service that year (a case opened or
a contact), as new when they had no case opened before that year, else as returning.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.choices import AgeGroup
from reporting.models import MonthlyFigure

Key = tuple[date, int, int | None, str, str]  # month, region, county, measure, category
STATISTICS_LOCK = 7013  # pg_advisory_xact_lock(STATISTICS_LOCK, year) while a year's figures are replaced
# Figures kept per region only (no county): a county's page shows its region's.
REGION_ONLY_MEASURES = (
    "volunteer_hours",
    "volunteer_km",
    "volunteer_costs",
    "crisis_registrations",
    "mediations_received",
    "mediations_closed",
)

# The region and county of each case over time, from its history (a case without history: as it is now).
SPELLS_SQL = """
CREATE TEMP TABLE stat_case_spell AS
SELECT id AS case_id, region_id, county_id,
       CASE WHEN row_number() OVER w = 1 THEN '-infinity'::timestamptz ELSE history_date END AS since,
       coalesce(lead(history_date) OVER w, 'infinity'::timestamptz) AS until
FROM cases_historicalcase
WINDOW w AS (PARTITION BY id ORDER BY history_date, history_id)
UNION ALL
SELECT c.id, c.region_id, c.county_id, '-infinity'::timestamptz, 'infinity'::timestamptz
FROM cases_case c WHERE NOT EXISTS (SELECT 1 FROM cases_historicalcase h WHERE h.id = c.id);
CREATE INDEX ON stat_case_spell (case_id, since);
ANALYZE stat_case_spell;
"""


def _at(case: str, moment: str) -> str:
    """Join the spell of `case` (a column) that holds `moment` (a timestamptz expression)."""
    return f"JOIN stat_case_spell s ON s.case_id = {case} AND s.since <= {moment} AND {moment} < s.until"


# A date as a moment: noon of that day, local time (the spell that held the case that day).
def _noon(day: str) -> str:
    return f"(({day})::timestamp + interval '12 hours') AT TIME ZONE %(tz)s"


def _month(moment: str) -> str:
    return f"date_trunc('month', {moment} AT TIME ZONE %(tz)s)::date"


CLIENTS_SQL = f"""
WITH service AS (
    SELECT c.client_id AS person_id, c.id AS case_id, c.opened_on AS day, {_noon("c.opened_on")} AS at
    FROM cases_case c WHERE c.opened_on >= %(start)s AND c.opened_on < %(end)s
    UNION ALL
    SELECT c.client_id, c.id, (ct.happened_at AT TIME ZONE %(tz)s)::date, ct.happened_at
    FROM cases_contact ct JOIN cases_case c ON c.id = ct.case_id
    WHERE ct.happened_at >= %(start_at)s AND ct.happened_at < %(end_at)s
), first AS (
    SELECT DISTINCT ON (person_id) person_id, case_id, day, at FROM service ORDER BY person_id, at, case_id
)
SELECT date_trunc('month', f.day)::date, s.region_id, s.county_id,
       CASE WHEN EXISTS (SELECT 1 FROM cases_case e WHERE e.client_id = f.person_id AND e.opened_on < %(start)s)
            THEN 'returning' ELSE 'new' END,
       coalesce(nullif(p.sex, ''), 'X'),
       CASE WHEN p.birth_date IS NULL THEN '{AgeGroup.UNKNOWN}'
            WHEN date_part('year', age(f.day, p.birth_date)) < 18 THEN '{AgeGroup.CHILD}'
            WHEN date_part('year', age(f.day, p.birth_date)) < 27 THEN '{AgeGroup.YOUNG}'
            WHEN date_part('year', age(f.day, p.birth_date)) < 65 THEN '{AgeGroup.ADULT}'
            ELSE '{AgeGroup.SENIOR}' END,
       p.language, c.incident_type, c.referral_source
FROM first f JOIN cases_case c ON c.id = f.case_id JOIN cases_person p ON p.id = f.person_id
{_at("f.case_id", "f.at")}
"""
CLIENT_MEASURES = ("clients", "clients_by_sex", "clients_by_age", "clients_by_language", "clients_by_crime")


def _clients(rows) -> Counter:
    counts: Counter = Counter()
    for month, region, county, status, sex, age, language, crime, _source in rows:
        for measure, category in zip(CLIENT_MEASURES, (status, sex, age, language, crime), strict=True):
            counts[(month, region, county, measure, category)] += 1
    return counts


@dataclass(frozen=True)
class Area:
    """One statement: its rows are (month, region, county, category, values...), one measure per value
    column, named in `measures`; or (month, region, county, categories..., values...) read by `outputs`,
    (measure, category column, value column) each, when one count is kept by several categories; or
    handled by `collect`."""

    key: str
    sql: str
    measures: tuple[str, ...] = ()
    collect: Callable | None = None
    outputs: tuple[tuple[str, int, int], ...] = ()

    @property
    def reads(self) -> tuple[int, tuple[tuple[str, int, int], ...]]:
        """The number of category columns, and (measure, category column, value column) to read."""
        if self.outputs:
            return 1 + max(column for _measure, column, _value in self.outputs), self.outputs
        return 1, tuple((measure, 0, index) for index, measure in enumerate(self.measures))


AREAS = [
    Area("clients", CLIENTS_SQL, collect=_clients),
    Area(
        "cases_new",
        """
        SELECT date_trunc('month', c.opened_on)::date, s.region_id, s.county_id, c.incident_type,
               c.referral_source, count(*)
        FROM cases_case c JOIN stat_case_spell s ON s.case_id = c.id AND s.since = '-infinity'
        WHERE c.opened_on >= %(start)s AND c.opened_on < %(end)s GROUP BY 1, 2, 3, 4, 5""",
        outputs=(("cases_new", 0, 0), ("cases_by_source", 1, 0)),
    ),
    Area(
        "cases_closed",
        f"""
        SELECT date_trunc('month', c.closed_on)::date, s.region_id, s.county_id, c.closure_reason, count(*)
        FROM cases_case c {_at("c.id", _noon("c.closed_on"))}
        WHERE c.closed_on >= %(start)s AND c.closed_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("cases_closed",),
    ),
    Area(
        "contacts",
        f"""
        SELECT {_month("ct.happened_at")}, s.region_id, s.county_id, ct.channel, ct.kind, count(*),
               sum(ct.duration_minutes), count(*) FILTER (WHERE ct.kind = 'counselling')
        FROM cases_contact ct {_at("ct.case_id", "ct.happened_at")}
        WHERE ct.happened_at >= %(start_at)s AND ct.happened_at < %(end_at)s GROUP BY 1, 2, 3, 4, 5""",
        outputs=(
            ("contacts", 0, 0),
            ("contact_minutes", 0, 1),
            ("sessions", 0, 2),
            ("contacts_by_kind", 1, 0),
        ),
    ),
    Area(
        "anonymous",
        f"""
        SELECT {_month("a.happened_at")}, a.region_id, a.county_id, a.channel, a.incident_type, count(*)
        FROM cases_anonymouscontact a
        WHERE a.happened_at >= %(start_at)s AND a.happened_at < %(end_at)s GROUP BY 1, 2, 3, 4, 5""",
        outputs=(("anonymous", 0, 0), ("anonymous_by_crime", 1, 0)),
    ),
    Area(
        "aid_applications",
        f"""
        SELECT date_trunc('month', a.received_on)::date, s.region_id, s.county_id, a.service_wished, count(*)
        FROM cases_aidapplication a {_at("a.case_id", _noon("a.received_on"))}
        WHERE a.received_on >= %(start)s AND a.received_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("aid_applications",),
    ),
    Area(
        "aid_decisions",
        f"""
        SELECT {_month("d.issued_at")}, s.region_id, s.county_id, d.kind, count(*)
        FROM cases_aiddecision d JOIN cases_aidapplication a ON a.id = d.application_id
        {_at("a.case_id", "d.issued_at")}
        WHERE d.status = 'issued' AND d.issued_at >= %(start_at)s AND d.issued_at < %(end_at)s
        GROUP BY 1, 2, 3, 4""",
        ("aid_decisions",),
    ),
    # Time to decision: the first issued grant, partial grant or refusal of each application, in the month
    # it was issued; whether it was made by the application's deadline, and the days it took in all.
    Area(
        "aid_decided",
        f"""
        WITH first AS (
            SELECT DISTINCT ON (d.application_id) d.application_id, d.issued_at, d.decision_date
            FROM cases_aiddecision d
            WHERE d.status = 'issued' AND d.kind IN ('grant', 'partial', 'refusal')
            ORDER BY d.application_id, d.issued_at, d.id
        )
        SELECT {_month("f.issued_at")}, s.region_id, s.county_id,
               CASE WHEN coalesce(f.decision_date, (f.issued_at AT TIME ZONE %(tz)s)::date) <= a.decision_due_on
                    THEN 'in_time' ELSE 'late' END,
               count(*),
               sum(coalesce(f.decision_date, (f.issued_at AT TIME ZONE %(tz)s)::date) - a.received_on)
        FROM first f JOIN cases_aidapplication a ON a.id = f.application_id {_at("a.case_id", "f.issued_at")}
        WHERE f.issued_at >= %(start_at)s AND f.issued_at < %(end_at)s GROUP BY 1, 2, 3, 4""",
        ("aid_decided", "aid_days"),
    ),
    Area(
        "referrals",
        f"""
        SELECT {_month("rf.created_at")}, s.region_id, s.county_id, rf.service, count(*),
               coalesce(sum(rf.amount) FILTER (WHERE rf.status NOT IN ('refused', 'cancelled')), 0)
        FROM referrals_referral rf JOIN cases_aiddecision d ON d.id = rf.decision_id
        JOIN cases_aidapplication a ON a.id = d.application_id {_at("a.case_id", "rf.created_at")}
        WHERE rf.created_at >= %(start_at)s AND rf.created_at < %(end_at)s GROUP BY 1, 2, 3, 4""",
        ("referrals", "referral_amount"),
    ),
    Area(
        "invoices",
        f"""
        SELECT date_trunc('month', i.received_on)::date, s.region_id, s.county_id, rf.service, count(*),
               sum((SELECT coalesce(sum(l.amount), 0) FROM referrals_invoiceline l
                    WHERE l.invoice_id = i.id AND l.status <> 'rejected'))
        FROM referrals_invoice i JOIN referrals_referral rf ON rf.id = i.referral_id
        JOIN cases_aiddecision d ON d.id = rf.decision_id JOIN cases_aidapplication a ON a.id = d.application_id
        {_at("a.case_id", _noon("i.received_on"))}
        WHERE i.status <> 'rejected' AND i.received_on >= %(start)s AND i.received_on < %(end)s
        GROUP BY 1, 2, 3, 4""",
        ("invoices", "invoiced_amount"),
    ),
    Area(
        "invoices_paid",
        f"""
        SELECT date_trunc('month', i.paid_on)::date, s.region_id, s.county_id, rf.service, count(*),
               sum(i.approved_total)
        FROM referrals_invoice i JOIN referrals_referral rf ON rf.id = i.referral_id
        JOIN cases_aiddecision d ON d.id = rf.decision_id JOIN cases_aidapplication a ON a.id = d.application_id
        {_at("a.case_id", _noon("i.paid_on"))}
        WHERE i.status = 'paid' AND i.paid_on >= %(start)s AND i.paid_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("invoices_paid", "paid_amount"),
    ),
    # Compensation counts in the crime's region and county (its claims are handled there).
    Area(
        "compensation_claims",
        """
        SELECT date_trunc('month', c.received_on)::date, cr.region_id, cr.county_id, c.claimant_role, count(*)
        FROM compensation_claim c JOIN compensation_crime cr ON cr.id = c.crime_id
        WHERE c.received_on >= %(start)s AND c.received_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("compensation_claims",),
    ),
    # First decisions in the month of their decision date: how many, what they granted, and the days from
    # the claim to the decision (an average is days / decisions). Amendments are not new decisions on a
    # claim; what is paid (below) follows them.
    Area(
        "compensation_decided",
        """
        SELECT date_trunc('month', d.decision_date)::date, cr.region_id, cr.county_id, d.kind, count(*),
               sum(d.one_off_amount + d.monthly_amount * d.monthly_months), sum(d.decision_date - c.received_on)
        FROM compensation_compensationdecision d JOIN compensation_claim c ON c.id = d.claim_id
        JOIN compensation_crime cr ON cr.id = c.crime_id
        WHERE d.status = 'issued' AND d.amends_id IS NULL
          AND d.decision_date >= %(start)s AND d.decision_date < %(end)s
        GROUP BY 1, 2, 3, 4""",
        ("compensation_decided", "compensation_granted", "compensation_days"),
    ),
    Area(
        "compensation_paid",
        """
        SELECT date_trunc('month', b.execution_date)::date, cr.region_id, cr.county_id,
               CASE WHEN i.periodic THEN 'monthly' ELSE 'one_off' END, count(*), sum(i.amount)
        FROM compensation_instalment i JOIN compensation_paymentbatch b ON b.id = i.batch_id
        JOIN compensation_compensationdecision d ON d.id = i.decision_id
        JOIN compensation_claim c ON c.id = d.claim_id JOIN compensation_crime cr ON cr.id = c.crime_id
        WHERE i.status = 'sent' AND b.execution_date >= %(start)s AND b.execution_date < %(end)s
        GROUP BY 1, 2, 3, 4""",
        ("compensation_paid", "compensation_paid_amount"),
    ),
    # Mediations in their region (per region only): received, by who sent them; closed, by outcome.
    Area(
        "mediations_received",
        """
        SELECT date_trunc('month', m.received_on)::date, m.region_id, NULL, m.referred_by, count(*)
        FROM mediation_mediation m
        WHERE m.received_on >= %(start)s AND m.received_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("mediations_received",),
    ),
    Area(
        "mediations_closed",
        """
        SELECT date_trunc('month', m.closed_on)::date, m.region_id, NULL, m.outcome, count(*)
        FROM mediation_mediation m
        WHERE m.status = 'closed' AND m.closed_on >= %(start)s AND m.closed_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("mediations_closed",),
    ),
    # People registered at crisis events, in the event's region (per region only: an event has no county).
    Area(
        "crisis_registrations",
        f"""
        SELECT {_month("g.registered_at")}, e.region_id, NULL, g.category, count(*)
        FROM crisis_registration g JOIN crisis_crisisevent e ON e.id = g.event_id
        WHERE g.registered_at >= %(start_at)s AND g.registered_at < %(end_at)s GROUP BY 1, 2, 3, 4""",
        ("crisis_registrations",),
    ),
    # Volunteers' work counts in the volunteer's region (figures kept per region only).
    Area(
        "volunteer_work",
        """
        SELECT date_trunc('month', e.happened_on)::date, v.region_id, NULL, e.kind,
               sum(e.duration_minutes) / 60.0, sum(e.km)
        FROM volunteers_activityentry e JOIN volunteers_volunteer v ON v.id = e.volunteer_id
        WHERE e.happened_on >= %(start)s AND e.happened_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("volunteer_hours", "volunteer_km"),
    ),
    Area(
        "volunteer_costs",
        """
        SELECT r.month, v.region_id, NULL, '', sum(r.amount)
        FROM volunteers_expensereport r JOIN volunteers_volunteer v ON v.id = r.volunteer_id
        WHERE r.status IN ('approved', 'sent') AND r.month >= %(start)s AND r.month < %(end)s GROUP BY 1, 2, 3""",
        ("volunteer_costs",),
    ),
    Area(
        "marac_referrals",
        """
        SELECT date_trunc('month', m.referred_on)::date, co.region_id, n.county_id,
               CASE WHEN m.is_repeat THEN 'repeat' ELSE 'first' END, count(*)
        FROM marac_maraccase m JOIN marac_network n ON n.id = m.network_id
        JOIN victimsupport_county co ON co.id = n.county_id
        WHERE m.referred_on >= %(start)s AND m.referred_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("marac_referrals",),
    ),
    Area(
        "marac_heard",
        """
        SELECT date_trunc('month', m.first_heard_on)::date, co.region_id, n.county_id, '', count(*)
        FROM marac_maraccase m JOIN marac_network n ON n.id = m.network_id
        JOIN victimsupport_county co ON co.id = n.county_id
        WHERE m.first_heard_on >= %(start)s AND m.first_heard_on < %(end)s GROUP BY 1, 2, 3, 4""",
        ("marac_heard",),
    ),
]


def _collect(area: Area, rows) -> Counter:
    if area.collect:
        return area.collect(rows)
    categories, outputs = area.reads
    counts: Counter = Counter()
    for month, region, county, *columns in rows:
        for measure, category, value in outputs:
            if columns[categories + value]:
                counts[(month, region, county, measure, columns[category] or "")] += columns[categories + value]
    return counts


def year_bounds(year: int) -> dict:
    tz = timezone.get_current_timezone()
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return {
        "start": start,
        "end": end,
        "start_at": datetime.combine(start, dtime.min, tz),
        "end_at": datetime.combine(end, dtime.min, tz),
        "tz": settings.TIME_ZONE,
    }


def compute_year(
    year: int, progress: Callable[[int, str], None] | None = None, record: Callable[[dict], object] | None = None
):
    """Replace the year's monthly figures with freshly counted ones; what was written, and how long it took.
    The counting runs statement by statement (so that progress shows), the writing in one transaction.
    Safe to run twice (the second run replaces the first's figures). `record(result)` runs in the writing
    transaction, after the figures are written, and its value is returned instead."""
    started = time.monotonic()
    params = year_bounds(year)
    figures: Counter = Counter()
    per_measure: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS stat_case_spell")
        cursor.execute(SPELLS_SQL)
        try:
            for index, area in enumerate(AREAS):
                cursor.execute(area.sql, params)
                found = _collect(area, cursor.fetchall())
                figures.update(found)
                for key in found:
                    per_measure[key[3]] += 1
                if progress:
                    progress(int(90 * (index + 1) / len(AREAS)), area.key)
        finally:
            cursor.execute("DROP TABLE IF EXISTS stat_case_spell")
    with transaction.atomic():
        with connection.cursor() as cursor:  # two runs of one year write one after the other
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [STATISTICS_LOCK, year])
        MonthlyFigure.objects.filter(month__gte=params["start"], month__lt=params["end"]).delete()
        MonthlyFigure.objects.bulk_create(
            (
                MonthlyFigure(
                    month=month, region_id=region, county_id=county, measure=measure, category=category, value=value
                )
                for (month, region, county, measure, category), value in figures.items()
                if value
            ),
            batch_size=5000,
        )
        result = {
            "year": year,
            "figures": len(figures),
            "measures": dict(sorted(per_measure.items())),
            "seconds": round(time.monotonic() - started, 3),
        }
        return record(result) if record else result
