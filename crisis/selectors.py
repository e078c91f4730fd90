"""Reads of crisis response: the events a user reaches, who may help in a region, an event's live
overview and figures."""

from __future__ import annotations

from django.db.models import Case as DbCase
from django.db.models import Count, Q, QuerySet, Value, When
from django.utils import timezone

from crisis.models import Category, CrisisEvent, Outcome, Registration, RegistrationStatus
from victimsupport.models import Region, Role, User
from volunteers.models import VolunteerKind
from volunteers.selectors import staff_or_volunteers


def event_list(user: User) -> QuerySet[CrisisEvent]:
    return CrisisEvent.objects.restrict(user).select_related("region", "contact_point").order_by("-started_at", "-id")


def helpers_for(*regions: Region | int) -> QuerySet[User]:
    """Who may help at an event of the region(s): its casework staff, and its active crisis volunteers."""
    return staff_or_volunteers(VolunteerKind.CRISIS, *regions)


def staff_of(region: Region) -> QuerySet[User]:
    """The region's casework staff (the event's contact point is one of them)."""
    return (
        User.objects.filter(groups__name__in=[Role.SPECIALIST, Role.REGIONAL_MANAGER], regions=region, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


def overview(event: CrisisEvent) -> dict:
    """The live figures: registered, waiting, seen, closed, follow-ups due; by category and outcome."""
    today = timezone.localdate()
    rows = Registration.objects.filter(event=event)
    counts = rows.aggregate(
        registered=Count("id"),
        waiting=Count("id", filter=Q(status=RegistrationStatus.WAITING)),
        seen=Count("id", filter=Q(status=RegistrationStatus.SEEN)),
        closed=Count("id", filter=Q(status=RegistrationStatus.CLOSED)),
        follow_ups_due=Count("id", filter=Q(follow_up_on__lte=today) & ~Q(status=RegistrationStatus.CLOSED)),
        cases=Count("id", filter=Q(outcome=Outcome.CASE)),
        referred=Count("id", filter=Q(outcome=Outcome.REFERRED)),
    )
    by_category = dict(rows.values_list("category").annotate(n=Count("id")))
    counts["by_category"] = [(label, by_category.get(value, 0)) for value, label in Category.choices]
    counts["first_aid"] = rows.filter(contacts__isnull=False).distinct().count()
    return counts


def registrations(event: CrisisEvent, *, show: str = "open") -> QuerySet[Registration]:
    """The event's registrations: waiting first (oldest first), then seen; `show`: open, due, closed, all."""
    rows = Registration.objects.filter(event=event).select_related("registered_by", "case")
    if show == "open":
        rows = rows.exclude(status=RegistrationStatus.CLOSED)
    elif show == "due":
        rows = rows.filter(follow_up_on__lte=timezone.localdate()).exclude(status=RegistrationStatus.CLOSED)
    elif show == "closed":
        rows = rows.filter(status=RegistrationStatus.CLOSED)
    waiting_first = DbCase(When(status=RegistrationStatus.WAITING, then=Value(0)), default=Value(1))
    return rows.order_by(waiting_first, "registered_at", "id")
