"""Reads of the MARAC app (with restrict()); services and views use them."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db.models import Case as DbCase
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from cases.models import Case, Person
from marac.models import (
    Action,
    ActionStatus,
    AgendaItem,
    MaracCase,
    Meeting,
    Membership,
    Network,
    Questionnaire,
    RiskAssessment,
)
from victimsupport.dates import add_months
from victimsupport.models import County, User
from victimsupport.rowcache import CachedRows
from victimsupport.sql import RowCount
from victimsupport.usercache import load_user

REPEAT_MONTHS = 12


def current_questionnaire(code: str = "dash", on: date | None = None) -> Questionnaire | None:
    """The newest version offered for new assessments on `on`."""
    on = on or timezone.localdate()
    return (
        Questionnaire.objects.filter(code=code, active=True, in_use_from__lte=on)
        .prefetch_related("questions", "options")
        .order_by("-version")
        .first()
    )


def last_referral(person: Person, before: date | None = None) -> MaracCase | None:
    """The person's latest MARAC referral on or before `before` (any network, any case: the system's own
    record, not a user's view of it)."""
    rows = MaracCase.objects.filter(person=person)
    if before is not None:
        rows = rows.filter(referred_on__lte=before)
    return rows.order_by("-referred_on", "-pk").first()


def repeat_of(person: Person, incident_on: date) -> MaracCase | None:
    """A new incident after the person's last MARAC referral and within 12 months of it makes a repeat
    (an assessment on the day of the referral is not a new incident)."""
    last = last_referral(person, before=incident_on - timedelta(days=1))
    if last is not None and incident_on <= add_months(last.referred_on, REPEAT_MONTHS):
        return last
    return None


def case_assessments(user: User, case: Case) -> list[RiskAssessment]:
    return list(
        RiskAssessment.objects.restrict(user)
        .filter(case=case)
        .select_related("questionnaire", "assessed_by", "superseded_by", "repeat_of")
        .prefetch_related("marac_case")
    )


def person_trend(user: User, person: Person) -> list[RiskAssessment]:
    """The person's assessments the user may see (through their cases), oldest first."""
    return list(
        RiskAssessment.objects.restrict(user)
        .filter(person=person)
        .select_related("questionnaire", "case")
        .order_by("assessed_on", "pk")
    )


def assessment_answers(assessment: RiskAssessment) -> list:
    return list(assessment.answers.select_related("question", "option").order_by("question__number"))


def networks_for_referral(user: User, case: Case) -> QuerySet[Network]:
    """Active networks the user sees, the case's county first."""
    return (
        Network.objects.restrict(user)
        .filter(active=True)
        .select_related("county")
        .annotate(elsewhere=DbCase(When(county=case.county_id, then=Value(0)), default=Value(1)))
        .annotate(has_coordinator=Exists(network_memberships_today(OuterRef("pk")).filter(is_coordinator=True)))
        .order_by("elsewhere", "county__name", "name")
    )


def _networks_seen(user_pk: int, day: date) -> list[tuple[int, str]]:
    user = load_user(user_pk)
    if user is None:
        return []
    return list(Network.objects.restrict(user).order_by("county__name", "name").values_list("pk", "name"))


# The (id, name) of the networks a user may see, for the MARAC case list's filter: kept per user and day
# (a membership starts and ends on a date) until a network, county, membership or the user's roles or
# regions change. The list only narrows the user's restricted MARAC cases; it never widens them.
NETWORKS_SEEN = CachedRows(
    "marac-networks-seen",
    _networks_seen,
    depends_on=(Network, County, Membership, User, User.groups.through, User.regions.through, Group),
)


def networks_seen(user: User) -> list[tuple[int, str]]:
    return NETWORKS_SEEN.get(user.pk, timezone.localdate())


def network_memberships_today(network_ref):
    return Membership.objects.active_on().filter(network=network_ref)


def network_members(network: Network, on: date | None = None) -> QuerySet[Membership]:
    return network.memberships.active_on(on).select_related("user", "agency")


def network_coordinators(network_id: int) -> list[User]:
    """The network's coordinators today (told of referrals, repeats and overdue actions)."""
    memberships = Membership.objects.active_on().filter(network_id=network_id, is_coordinator=True)
    return [membership.user for membership in memberships.select_related("user")]


# What the case list shows of each row (and the case's sealing, for the victim's name).
MARACCASE_LIST_COLUMNS = (
    *("referred_on", "status", "is_repeat", "network", "case", "person"),
    *("network__name", "case__sealed", "case__responsible", "case__client"),
    *("person__first_name", "person__last_name"),
)


def maraccase_list(user: User) -> QuerySet[MaracCase]:
    """The MARAC case list's rows, with their open actions counted (for the page's rows only)."""
    return (
        MaracCase.objects.restrict(user)
        .select_related("network", "person", "case")
        .only(*MARACCASE_LIST_COLUMNS)
        .annotate(open_actions=RowCount(Action, "referral", "pk", {"status": ActionStatus.OPEN}))
    )


def meeting_items(user: User, meeting: Meeting) -> list[AgendaItem]:
    actions = Action.objects.select_related("agency", "owner").order_by("due_on", "pk")
    return list(
        AgendaItem.objects.restrict(user)
        .filter(meeting=meeting)
        .select_related("referral__person", "referral__case", "referral__assessment")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("position", "pk")
    )


def cases_to_schedule(meeting: Meeting) -> QuerySet[MaracCase]:
    """The network's MARAC cases the meeting should hear: referred and not yet heard (new and repeat),
    then cases with open actions for review; none already on this agenda."""
    elsewhere = AgendaItem.objects.filter(referral=OuterRef("pk"), meeting__status="planned").exclude(meeting=meeting)
    return (
        MaracCase.objects.filter(network=meeting.network)
        .exclude(status="closed")
        .exclude(agenda_items__meeting=meeting)
        .exclude(Exists(elsewhere))
        .filter(Q(status="referred") | Q(actions__status="open"))
        .distinct()
        .order_by("referred_on", "pk")
    )


def overdue_actions(user: User) -> QuerySet[Action]:
    """Open actions past their deadline that the user owns or organises."""
    today = timezone.localdate()
    return (
        Action.objects.restrict(user, "change")
        .filter(status="open", due_on__lt=today)
        .select_related("referral", "agency", "owner")
        .order_by("due_on")
    )


def my_actions(user: User) -> QuerySet[Action]:
    return (
        Action.objects.restrict(user, "change")
        .filter(owner=user)
        .select_related("referral__network", "agency")
        .order_by("status", "due_on")
    )


def upcoming_meetings(user: User, days: int = 45) -> QuerySet[Meeting]:
    now = timezone.now()
    return (
        Meeting.objects.restrict(user)
        .filter(status="planned", starts_at__gte=now - timedelta(hours=12), starts_at__lte=now + timedelta(days=days))
        .select_related("network")
        .order_by("starts_at")
    )
