"""Reads of the volunteers app, always through restrict()."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from victimsupport.models import Role, User
from volunteers.models import (
    ActivityEntry,
    Assignment,
    ExpenseReport,
    ReportStatus,
    Volunteer,
    VolunteerStatus,
)

PAID_OR_APPROVED = (ReportStatus.APPROVED, ReportStatus.SENT_FOR_PAYMENT)
CASEWORK = (Role.SPECIALIST, Role.REGIONAL_MANAGER)


def staff_or_volunteers(kind: str, *regions) -> QuerySet[User]:
    """Who may do a kind of work (mediating, crisis help) in the region(s): their casework staff, and
    their active volunteers of that kind with an account."""
    ids = [getattr(region, "pk", region) for region in regions]
    staff = Q(groups__name__in=CASEWORK, regions__in=ids)
    volunteers = Q(
        volunteer__kinds__contains=[kind], volunteer__status=VolunteerStatus.ACTIVE, volunteer__region__in=ids
    )
    return User.objects.filter(staff | volunteers, is_active=True).distinct().order_by("last_name", "first_name")


def working_regions(user: User, kind: str) -> set[int]:
    """The regions where `user` may do a kind of work now: as casework staff, or as an active volunteer of
    that kind (a volunteer paused, moved or no longer of the kind loses them at once)."""
    regions = set(user.region_ids) if user.has_role(*CASEWORK) else set()
    volunteering = Volunteer.objects.filter(user_id=user.pk, status=VolunteerStatus.ACTIVE, kinds__contains=[kind])
    return regions | set(volunteering.values_list("region_id", flat=True))


VOLUNTEER_SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "status": ("status", "last_name", "pk"),
    "-status": ("-status", "-last_name", "-pk"),
    "applied": ("applied_at", "pk"),
    "-applied": ("-applied_at", "-pk"),
}


# What the volunteer list shows of each row.
VOLUNTEER_LIST_COLUMNS = (
    *("first_name", "last_name", "status", "applied_at", "kinds", "region", "supervisor"),
    *("region__name", "supervisor__first_name", "supervisor__last_name"),
)


def volunteer_list(
    user: User, *, q: str = "", status: str = "", kind: str = "", county=None, sort: str = "name"
) -> QuerySet[Volunteer]:
    volunteers = Volunteer.objects.restrict(user).select_related("region", "supervisor").only(*VOLUNTEER_LIST_COLUMNS)
    if q:
        volunteers = volunteers.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q))
    if status:
        volunteers = volunteers.filter(status=status)
    if kind:
        volunteers = volunteers.filter(kinds__contains=[kind])
    if county is not None:
        volunteers = volunteers.filter(counties=county)
    return volunteers.order_by(*VOLUNTEER_SORTS.get(sort, VOLUNTEER_SORTS["name"]))


def supervised_by(user: User) -> QuerySet[Volunteer]:
    """The volunteers `user` supervises (the start page of a supervisor)."""
    return Volunteer.objects.restrict(user).filter(supervisor=user).order_by("last_name", "first_name", "pk")


def supervisor_overview(user: User, today: date | None = None) -> dict:
    """For the supervisor's start page, in one query: their active volunteers without supervision (a
    contact or a group session) within VOLUNTEER_SUPERVISION_DAYS, and those with a submitted expense
    report waiting for them."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.VOLUNTEER_SUPERVISION_DAYS)
    volunteers = list(
        supervised_by(user)
        .filter(status__in=(VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED))
        .annotate(
            last_contact=Max("supervision_contacts__happened_on"),
            last_session=Max("group_sessions__held_on"),
            reports_waiting=Count(
                "expense_reports", filter=Q(expense_reports__status=ReportStatus.SUBMITTED), distinct=True
            ),
        )
    )
    unsupervised = []
    for volunteer in volunteers:
        last = max(filter(None, (volunteer.last_contact, volunteer.last_session)), default=None)
        if volunteer.is_active and (last is None or last < cutoff):
            unsupervised.append((volunteer, last))
    return {"unsupervised": unsupervised, "reports": [v for v in volunteers if v.reports_waiting]}


def inactive_volunteers(today: date | None = None) -> QuerySet[Volunteer]:
    """Volunteers with a current assignment and no activity logged for VOLUNTEER_INACTIVE_DAYS (the system's
    view, for the weekly digest; pages narrow it with restrict())."""
    today = today or timezone.localdate()
    since = today - timedelta(days=settings.VOLUNTEER_INACTIVE_DAYS)
    current = Assignment.objects.filter(volunteer=OuterRef("pk"), starts_on__lte=since, ends_on__gte=today)
    recent = ActivityEntry.objects.filter(volunteer=OuterRef("pk"), happened_on__gt=since)
    return Volunteer.objects.filter(Exists(current), ~Exists(recent), status=VolunteerStatus.ACTIVE)


def activity_overview(user: User, *, year: int, region=None) -> dict:
    """Hours, activities, kilometres and reimbursed costs per volunteer, region and month of `year`, for
    the volunteers `user` sees; volunteers per case and the average support duration; inactive volunteers."""
    volunteers = Volunteer.objects.restrict(user)
    if region is not None:
        volunteers = volunteers.filter(region=region)
    entries = ActivityEntry.objects.filter(volunteer__in=volunteers, happened_on__year=year)
    sums = {"activities": Count("pk"), "minutes": Sum("duration_minutes"), "km": Sum("km")}
    per_volunteer = list(
        entries.values("volunteer_id", "volunteer__first_name", "volunteer__last_name")
        .annotate(**sums)
        .order_by("volunteer__last_name", "volunteer__first_name")
    )
    costs = dict(
        ExpenseReport.objects.filter(volunteer__in=volunteers, month__year=year, status__in=PAID_OR_APPROVED)
        .values_list("volunteer_id")
        .annotate(total=Sum("amount"))
        .values_list("volunteer_id", "total")
    )
    for row in per_volunteer:
        row["hours"] = round((row["minutes"] or 0) / 60, 1)
        row["costs"] = costs.get(row["volunteer_id"], Decimal("0"))
    per_region = list(entries.values("volunteer__region__name").annotate(**sums).order_by("volunteer__region__name"))
    per_month = list(
        entries.annotate(month=TruncMonth("happened_on")).values("month").annotate(**sums).order_by("month")
    )
    reports = ExpenseReport.objects.filter(volunteer__in=volunteers, month__year=year, status__in=PAID_OR_APPROVED)
    region_costs = dict(
        reports.values_list("volunteer__region__name")
        .annotate(total=Sum("amount"))
        .values_list("volunteer__region__name", "total")
    )
    month_costs = dict(reports.values_list("month").annotate(total=Sum("amount")).values_list("month", "total"))
    for row in per_region:
        row["costs"] = region_costs.get(row["volunteer__region__name"], Decimal("0"))
    for row in per_month:
        row["costs"] = month_costs.get(row["month"], Decimal("0"))
    for row in [*per_region, *per_month]:
        row["hours"] = round((row["minutes"] or 0) / 60, 1)
    assignments = Assignment.objects.filter(
        volunteer__in=volunteers, starts_on__year__lte=year, ends_on__year__gte=year
    )
    per_case = assignments.values("case_id").annotate(volunteers=Count("volunteer_id", distinct=True))
    durations = [(a.ends_on - a.starts_on).days + 1 for a in assignments.only("starts_on", "ends_on")]
    return {
        "per_volunteer": per_volunteer,
        "per_region": per_region,
        "per_month": per_month,
        "cases": len(per_case),
        "volunteers_per_case": round(sum(row["volunteers"] for row in per_case) / len(per_case), 1) if per_case else 0,
        "average_days": round(sum(durations) / len(durations)) if durations else 0,
        "inactive": list(inactive_volunteers().filter(pk__in=volunteers.values("pk")).select_related("supervisor")),
    }


def year_summary(volunteer: Volunteer, year: int) -> list[dict]:
    """A volunteer's own year, month by month: activities, hours, kilometres and the amount reported."""
    rows = {
        row["month"].month: row
        for row in ActivityEntry.objects.filter(volunteer=volunteer, happened_on__year=year)
        .annotate(month=TruncMonth("happened_on"))
        .values("month")
        .annotate(activities=Count("pk"), minutes=Sum("duration_minutes"), km=Sum("km"))
    }
    amounts = dict(
        ExpenseReport.objects.filter(volunteer=volunteer, month__year=year).values_list("month__month", "amount")
    )
    summary = []
    for number in range(1, 13):
        row = rows.get(number, {})
        summary.append(
            {
                "month": date(year, number, 1),
                "activities": row.get("activities", 0),
                "hours": round((row.get("minutes") or 0) / 60, 1),
                "km": row.get("km") or Decimal("0"),
                "amount": amounts.get(number),
            }
        )
    return summary
