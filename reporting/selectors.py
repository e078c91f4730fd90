"""Reads for the statistics pages: sums of the precomputed monthly figures, and the live workload of a
team or of one specialist (their own cases: nothing there they may not see)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AidApplication, Case, Contact, Task
from cases.models.aid import AidDecision, ApplicationStatus, DecisionKind, DecisionStatus
from cases.models.cases import CaseStatus
from reporting.models import MonthlyFigure, StatisticsRun, YearlyReport
from reporting.periods import Period, add_months
from victimsupport.models import County, Region, User

ZERO = Decimal(0)


@dataclass(frozen=True)
class Scope:
    """Where the figures come from: the whole country, a region, or a county."""

    region: Region | None = None
    county: County | None = None

    @property
    def region_ids(self) -> frozenset[int] | None:
        """The regions the scope lies in (None: all)."""
        if self.county is not None:
            return frozenset({self.county.region_id})
        if self.region is not None:
            return frozenset({self.region.pk})
        return None

    def __str__(self) -> str:
        if self.county is not None:
            return str(self.county)
        if self.region is not None:
            return str(self.region)
        return _("Estonia")


@dataclass
class Sums:
    """Per (measure, category): the period's sum and the same period's a year earlier; per (area,
    measure): the period's sum by region (or by county inside a region); per (measure, month): the
    monthly sums of the measures shown by month."""

    now: dict
    before: dict
    by_area: dict
    by_month: dict


def _scoped(queryset, scope: Scope):
    if scope.county is not None:
        return queryset.filter(county=scope.county)
    if scope.region is not None:
        return queryset.filter(region=scope.region)
    return queryset


def figure_sums(period: Period, scope: Scope, *, monthly: tuple[str, ...] = ()) -> Sums:
    earlier = period.year_earlier()
    now_q = Q(month__gte=period.first, month__lt=period.end)
    before_q = Q(month__gte=earlier.first, month__lt=earlier.end)
    area = "county_id" if scope.region is not None or scope.county is not None else "region_id"
    rows = (
        _scoped(MonthlyFigure.objects.filter(now_q | before_q), scope)
        .values(area, "measure", "category")
        .annotate(now=Sum("value", filter=now_q, default=ZERO), before=Sum("value", filter=before_q, default=ZERO))
        .order_by()
    )
    now: dict = defaultdict(lambda: ZERO)
    before: dict = defaultdict(lambda: ZERO)
    by_area: dict = defaultdict(lambda: ZERO)
    for row in rows:
        key = (row["measure"], row["category"])
        now[key] += row["now"]
        before[key] += row["before"]
        by_area[(row[area], row["measure"])] += row["now"]
    by_month: dict = defaultdict(lambda: ZERO)
    if monthly:
        month_rows = (
            _scoped(MonthlyFigure.objects.filter(now_q | before_q, measure__in=monthly), scope)
            .values("measure", "month")
            .annotate(value=Sum("value"))
            .order_by()
        )
        for row in month_rows:
            by_month[(row["measure"], row["month"])] = row["value"]
    return Sums(now=now, before=before, by_area=by_area, by_month=by_month)


def latest_runs(limit: int = 10):
    return StatisticsRun.objects.select_related("computed_by").only(
        "pk", "year", "computed_at", "seconds", "computed_by__first_name", "computed_by__last_name"
    )[:limit]


def yearly_reports(limit: int = 40):
    return YearlyReport.objects.select_related("document", "created_by")[:limit]


def figures_computed_at(period: Period):
    """When the figures of the period's years were last computed (None: never)."""
    years = {period.first.year, period.last.year}
    runs = StatisticsRun.objects.filter(year__in=years).values("year").annotate(at=F("computed_at"))
    latest: dict = {}
    for run in runs:
        latest[run["year"]] = max(latest.get(run["year"], run["at"]), run["at"])
    if years - set(latest):
        return None
    return min(latest.values())


# --- live workload: a team, or one specialist's own work ---


def team_workload(regions: frozenset[int]) -> list[dict]:
    """Per responsible specialist of the regions: open cases, overdue tasks, aid applications past their
    decision deadline, and the median days from application to decision this year."""
    today = timezone.localdate()
    cases = (
        Case.objects.filter(region__in=regions, status=CaseStatus.OPEN)
        .values("responsible")
        .annotate(open=Count("pk"))
        .order_by()
    )
    tasks = (
        Task.objects.filter(case__region__in=regions, done_at__isnull=True, due_on__lt=today)
        .values("assigned_to")
        .annotate(overdue=Count("pk"))
        .order_by()
    )
    overdue_aid = (
        AidApplication.objects.filter(
            case__region__in=regions, decision_due_on__lt=today, status=ApplicationStatus.OPEN
        )
        .values("case__responsible")
        .annotate(overdue=Count("pk"))
        .order_by()
    )
    decided = (
        AidDecision.objects.filter(
            application__case__region__in=regions,
            status=DecisionStatus.ISSUED,
            kind__in=(DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL),
            decision_date__year=today.year,
        )
        .values("application__case__responsible")
        .annotate(days=Avg(F("decision_date") - F("application__received_on")))
        .order_by()
    )
    rows: dict = defaultdict(lambda: {"open": 0, "tasks": 0, "aid": 0, "days": None})
    for row in cases:
        rows[row["responsible"]]["open"] = row["open"]
    for row in tasks:
        rows[row["assigned_to"]]["tasks"] = row["overdue"]
    for row in overdue_aid:
        rows[row["case__responsible"]]["aid"] = row["overdue"]
    for row in decided:
        rows[row["application__case__responsible"]]["days"] = row["days"].days if row["days"] is not None else None
    users = {user.pk: user for user in User.objects.filter(pk__in=[pk for pk in rows if pk])}
    result = [{"user": users.get(pk), **counts} for pk, counts in rows.items() if pk is None or pk in users]
    result.sort(key=lambda row: (row["user"] is None, str(row["user"] or "")))
    return result


def own_work(user: User, today: date | None = None) -> dict:
    """The specialist's own cases and contacts: open cases, overdue tasks, applications awaiting their
    decision, and contacts and counselling sessions per month over the last twelve months."""
    today = today or timezone.localdate()
    first = add_months(date(today.year, today.month, 1), -11)
    start = datetime.combine(first, time.min, timezone.get_current_timezone())
    contacts = (
        Contact.objects.filter(recorded_by=user, happened_at__gte=start)
        .values("happened_at__year", "happened_at__month")
        .annotate(contacts=Count("pk"), sessions=Count("pk", filter=Q(kind="counselling")))
        .order_by()
    )
    months = {date(row["happened_at__year"], row["happened_at__month"], 1): row for row in contacts}
    return {
        "open_cases": Case.objects.filter(responsible=user, status=CaseStatus.OPEN).count(),
        "overdue_tasks": Task.objects.filter(assigned_to=user, done_at__isnull=True, due_on__lt=today).count(),
        "awaiting_decision": AidApplication.objects.filter(
            case__responsible=user, status=ApplicationStatus.OPEN
        ).count(),
        "months": [
            {
                "month": month,
                "contacts": months.get(month, {}).get("contacts", 0),
                "sessions": months.get(month, {}).get("sessions", 0),
            }
            for month in (add_months(first, index) for index in range(12))
        ],
    }
