"""Reads for the statistics pages: sums of the precomputed monthly figures, and the live workload of a
team or of one specialist (their own cases: nothing there they may not see)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from cases.models import AidApplication, Case, Contact, Task
from cases.models.aid import AidDecision, ApplicationStatus, DecisionKind, DecisionStatus
from cases.models.cases import CaseStatus
from reporting.figures import REGION_ONLY_MEASURES
from reporting.models import (
    FeedbackInvitation,
    FeedbackResponse,
    FeedbackService,
    MonthlyFigure,
    QuestionKind,
    StatisticsRun,
    Survey,
    SurveyPurpose,
    SurveyQuestion,
    YearlyReport,
)
from reporting.periods import Period, add_months, month_name
from reporting.protection import NATIONAL, feedback_hidden, month_key, period_key, quarter_keys, region_key
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
    sums = {"now": Sum("value", filter=now_q, default=ZERO), "before": Sum("value", filter=before_q, default=ZERO)}
    rows = (
        _scoped(MonthlyFigure.objects.filter(now_q | before_q), scope)
        .values(area, "measure", "category")
        .annotate(**sums)
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
    if scope.county is not None:  # the county's region's figures of what is kept per region only
        region_rows = (
            MonthlyFigure.objects.filter(now_q | before_q, region_id=scope.county.region_id, county__isnull=True)
            .filter(measure__in=REGION_ONLY_MEASURES)
            .values("measure", "category")
            .annotate(**sums)
            .order_by()
        )
        for row in region_rows:
            now[(row["measure"], row["category"])] += row["now"]
            before[(row["measure"], row["category"])] += row["before"]
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


def comparison_areas(scope: Scope, sums: Sums, populations: list[str]) -> list | None:
    """(id, name) of the areas a page compares: the regions nationally, a region's counties (and "county
    not recorded" where figures have none), nothing for a county."""
    if scope.county is not None:
        return None
    if scope.region is None:
        return [(region.pk, region.name) for region in Region.objects.order_by("name")]
    areas = [(county.pk, county.name) for county in County.objects.filter(region=scope.region).order_by("name")]
    if any(sums.by_area.get((None, population)) for population in populations):
        areas.append((None, _("county not recorded")))
    return areas


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


TEAM_CACHE_SECONDS = 300
OLD_CASE_DAYS = 90  # a case open longer is counted apart on the team's table


def figures_version() -> int:
    """Changes whenever figures are computed again (the newest run's id; 0 before the first)."""
    return StatisticsRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def team_workload(regions: frozenset[int]) -> tuple[list[dict], datetime]:
    """The team's workload (team_workload_now), counted at most every five minutes: at national scale
    the counts read hundreds of thousands of rows, and many managers open the page."""
    key = "team-workload:" + ",".join(str(pk) for pk in sorted(regions))
    found = cache.get(key)
    if found is None:
        found = (team_workload_now(regions), timezone.now())
        cache.set(key, found, TEAM_CACHE_SECONDS)
    return found


def team_workload_now(regions: frozenset[int]) -> list[dict]:
    """Per responsible specialist of the regions: open cases (of them high-risk, and open longer than
    OLD_CASE_DAYS), overdue tasks, aid applications past their decision deadline, and the average days from
    application to decision this year."""
    today = timezone.localdate()
    cases = (
        Case.objects.filter(region__in=regions, status=CaseStatus.OPEN)
        .values("responsible")
        .annotate(
            open=Count("pk"),
            high=Count("pk", filter=Q(risk_level="high")),
            old=Count("pk", filter=Q(opened_on__lt=today - timedelta(days=OLD_CASE_DAYS))),
        )
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
    rows: dict = defaultdict(lambda: {"open": 0, "high": 0, "old": 0, "tasks": 0, "aid": 0, "days": None})
    for row in cases:
        rows[row["responsible"]] |= {"open": row["open"], "high": row["high"], "old": row["old"]}
    for row in tasks:
        rows[row["assigned_to"]]["tasks"] = row["overdue"]
    for row in overdue_aid:
        rows[row["case__responsible"]]["aid"] = row["overdue"]
    for row in decided:
        rows[row["application__case__responsible"]]["days"] = row["days"].days if row["days"] is not None else None
    names = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=[pk for pk in rows if pk]).only("first_name", "last_name", "username")
    }
    result = [{"name": names.get(pk), **counts} for pk, counts in rows.items() if pk is None or pk in names]
    result.sort(key=lambda row: (row["name"] is None, row["name"] or ""))
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


# --- client feedback ---


def active_survey() -> Survey | None:
    surveys = Survey.objects.filter(active=True, purpose=SurveyPurpose.CLIENT_FEEDBACK)
    return surveys.prefetch_related("questions").first()


def invitation_for(token: str) -> FeedbackInvitation | None:
    """The unused, unexpired invitation of the token, or None (the page says the same in every case)."""
    if not token or len(token) > 100:
        return None
    return (
        FeedbackInvitation.objects.select_related("survey")
        .filter(token_hash=FeedbackInvitation.hash_token(token), expires_on__gte=timezone.localdate())
        .first()
    )


FEEDBACK_MIN = 5  # fewer answers than this: no figures, no free text


def feedback_results(period: Period, region: Region | None, *, with_text: bool) -> dict:
    """Answers of the period (a quarter or a year, by the month the link was given) in the region or
    nationally: per service
    and per month the number of answers, per question the average (scales) or the share of "yes", and
    the free-text answers. Groups with fewer than five answers show no figures."""
    responses = FeedbackResponse.objects.filter(month__gte=period.first, month__lt=period.end)
    if region is not None:
        responses = responses.filter(region=region)
    rows = list(responses.values_list("survey_id", "service", "month", "answers"))
    surveys = {row[0] for row in rows} or set(
        Survey.objects.filter(active=True, purpose=SurveyPurpose.CLIENT_FEEDBACK).values_list("pk", flat=True)
    )
    questions = list(
        SurveyQuestion.objects.filter(survey__in=surveys)
        .select_related("survey")
        .order_by("survey__created_at", "position")
    )

    answering = [question for question in questions if question.kind != QuestionKind.TEXT]

    def summary(label: str, group: list) -> dict:
        cells = []
        for question in answering:
            values = [row[3].get(str(question.pk)) for row in group if row[0] == question.survey_id]
            values = [value for value in values if value not in (None, "")]
            value = None
            if len(values) >= FEEDBACK_MIN and question.kind == QuestionKind.SCALE:
                numbers = [int(value) for value in values if str(value).isdigit()]
                value = (Decimal(sum(numbers)) / len(numbers)).quantize(Decimal("0.1")) if numbers else None
            elif len(values) >= FEEDBACK_MIN:
                share = Decimal(100) * sum(1 for value in values if value == "yes") / len(values)
                value = f"{share.quantize(Decimal('1'))}\u00a0%"
            cells.append({"question": question.text(get_language() or "et"), "kind": question.kind, "value": value})
        return {"label": label, "count": len(group), "shown": len(group) >= FEEDBACK_MIN, "cells": cells}

    by_service: dict = defaultdict(list)
    by_month: dict = defaultdict(list)
    for row in rows:
        by_service[row[1]].append(row)
        by_month[row[2]].append(row)
    total = summary(str(pgettext("statistics", "Total")), rows)
    services = [summary(str(FeedbackService(key).label), by_service.get(key, [])) for key in FeedbackService.values]
    months = [summary(month_name(month), by_month.get(month, [])) for month in period.months()]
    # The numbers of answers: small ones hidden with their complements, over every feedback page of the
    # year at once (reporting.protection), so that one page cannot be subtracted from another.
    hidden = feedback_hidden(period.first.year)
    now, area = period_key(period), NATIONAL if region is None else region_key(region.pk)
    cells = [((now, area, "total", ""), total)]
    cells += [((now, area, "service", key), line) for key, line in zip(FeedbackService.values, services, strict=True)]
    cells += [
        ((month_key(month), area, "month", ""), line) for month, line in zip(period.months(), months, strict=True)
    ]
    for cell, line in cells:
        if cell in hidden:  # no average or share beside a hidden number of answers
            line["shown"] = False
            line["cells"] = [{**item, "value": None} for item in line["cells"]]
        line["count_text"] = (
            ("<5" if 0 < line["count"] < FEEDBACK_MIN else "x") if cell in hidden else str(line["count"])
        )
    # Free text of a page holds its parts' (the quarters of a year, the regions of Estonia): shown only
    # when no part's answers are hidden, else the texts of a hidden part would be the difference.
    periods = [now] + (quarter_keys(period.first.year) if period.kind == "year" else [])
    areas = [area] + ([region_key(pk) for pk in Region.objects.values_list("pk", flat=True)] if region is None else [])
    parts_hidden = any((p, a, "total", "") in hidden for p in periods for a in areas)
    texts = []
    if with_text and total["shown"] and not parts_hidden:
        for question in questions:
            if question.kind == QuestionKind.TEXT:
                texts += [row[3][str(question.pk)] for row in rows if str(question.pk) in row[3]]
        texts.sort()  # not in the order they came (which would follow the links given)
    return {
        "questions": answering,
        "total": total,
        "services": services,
        "months": months,
        "texts": texts,
        "texts_withheld": with_text and total["shown"] and parts_hidden,
    }
