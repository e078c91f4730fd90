"""Meetings: the monthly schedule, the agenda (new and repeat cases first), attendance, the minutes per
case, closing the meeting (the cases heard) and the minutes as a registered PDF."""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from marac.letters import render_agenda, render_minutes
from marac.models import ITEM_ORDER, AgendaItem, ItemKind, MaracCase, Meeting, Membership, Network
from marac.selectors import add_months, cases_to_schedule
from victimsupport.concurrency import versioned_edit
from victimsupport.jobs import job_start
from victimsupport.models import Job, User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import check_field_rules, not_past
from victimsupport.security import security_event

MINUTES_FIELDS = ["shared_info", "risks", "decisions"]
MAX_SCHEDULED = 12
PLAN_AHEAD_MONTHS = 24


def _beyond_plan(day) -> bool:
    return day > add_months(timezone.localdate(), PLAN_AHEAD_MONTHS)


def _count(count: int | None) -> dict:
    if count is not None and not 1 <= count <= MAX_SCHEDULED:
        return {"count": _("Plan 1 to %(max)s meetings at a time.") % {"max": MAX_SCHEDULED}}
    return {}


def _first_on_ahead(first_on) -> dict:
    return {"first_on": _("Plan at most two years ahead.")} if first_on and _beyond_plan(first_on) else {}


def _moved_to(on, at) -> dict:
    """A meeting is not moved into the past (its day, then its hour today) nor beyond two years."""
    if on is None:
        return {}
    if on < timezone.localdate():
        return {"on": _("The meeting cannot be moved into the past.")}
    if at is not None and timezone.make_aware(datetime.combine(on, at)) <= timezone.now():
        return {"at": _("The meeting cannot be moved into the past.")}
    if _beyond_plan(on):
        return {"on": _("Plan at most two years ahead.")}
    return {}


SCHEDULE_RULES = (
    _count,
    not_past("first_on", gettext_lazy("The first meeting cannot be in the past.")),
    _first_on_ahead,
)
MEETING_RULES = (_moved_to,)


def _may_organise(actor: User, network: Network) -> None:
    if not is_permitted(actor, network, "change"):
        raise PermissionDenied


def _same_weekday(first: datetime, months: int) -> datetime:
    """The first meeting itself, then the same weekday in the same week of each later month (the 2nd
    Tuesday stays the 2nd Tuesday; a 5th one becomes the 4th)."""
    if months == 0:
        return first
    week = min((first.day - 1) // 7, 3)
    month_start = add_months(first.date().replace(day=1), months)
    offset = (first.weekday() - month_start.weekday()) % 7
    day = month_start.replace(day=1 + offset + 7 * week)
    return timezone.make_aware(datetime.combine(day, timezone.localtime(first).time()))


@transaction.atomic
def meetings_schedule(
    *, actor: User, network: Network, first_on, at: time, count: int, place: str = ""
) -> list[Meeting]:
    """`count` monthly meetings from `first_on` (the same weekday of the month), skipping months that
    already have one."""
    _may_organise(actor, network)
    check_field_rules(*SCHEDULE_RULES, count=count, first_on=first_on)
    first = timezone.make_aware(datetime.combine(first_on, at))
    made = []
    for month in range(count):
        starts_at = _same_weekday(first, month)
        local = timezone.localtime(starts_at)
        if (
            Meeting.objects.filter(network=network, starts_at__year=local.year, starts_at__month=local.month)
            .exclude(status="cancelled")
            .exists()
        ):
            continue
        meeting = Meeting(network=network, starts_at=starts_at, place=place.strip() or network.meeting_place)
        meeting.full_clean()
        meeting.save()
        made.append(meeting)
    security_event("marac_meetings_schedule", actor=actor, network=network, count=len(made))
    return made


def _planned(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_planned:
        raise ValidationError(_("The meeting has been held or cancelled: its agenda no longer changes."))
    return meeting


def _open_for_minutes(meeting: Meeting) -> Meeting:
    """The meeting, locked, while its attendance, minutes and actions may still be written: until it is
    recorded as held (then the minutes are issued) or cancelled."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if not meeting.is_planned:
        raise ValidationError(_("The minutes of this meeting are final."))
    return meeting


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, referral: MaracCase) -> AgendaItem:
    meeting = _planned(meeting)
    _may_organise(actor, meeting.network)
    if referral.network_id != meeting.network_id or referral.is_closed:
        raise ValidationError({"referral": _("Choose an open MARAC case of this network.")})
    if AgendaItem.objects.filter(meeting=meeting, referral=referral).exists():
        raise ValidationError({"referral": _("The case is already on the agenda.")})
    kind = ItemKind.REVIEW
    if referral.is_referred:
        kind = ItemKind.REPEAT if referral.is_repeat else ItemKind.NEW
    item = AgendaItem(meeting=meeting, referral=referral, kind=kind)
    item.full_clean()
    item.save()
    _renumber(meeting)
    item.refresh_from_db()  # its place on the agenda
    return item


def _renumber(meeting: Meeting) -> None:
    """New and repeat cases first (by referral date), then the reviews."""
    items = list(meeting.items.select_related("referral"))
    items.sort(key=lambda item: (ITEM_ORDER[item.kind], item.referral.referred_on, item.referral_id))
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def agenda_fill(*, actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Put every case the meeting should hear on the agenda (referred ones, then those with open actions)."""
    meeting = _planned(meeting)
    _may_organise(actor, meeting.network)
    return [agenda_add(actor=actor, meeting=meeting, referral=referral) for referral in cases_to_schedule(meeting)]


@transaction.atomic
def agenda_remove(*, actor: User, item: AgendaItem) -> None:
    meeting = _planned(item.meeting)
    _may_organise(actor, meeting.network)
    if item.actions.exists():
        raise ValidationError(_("Actions were agreed on this case: it stays on the agenda."))
    item.delete()
    _renumber(meeting)


def agenda_send(*, actor: User, meeting: Meeting) -> Job:
    """The agenda as a registered PDF; the members are told (the PDF stays in the system)."""
    with transaction.atomic():
        meeting = _planned(meeting)
        _may_organise(actor, meeting.network)
        if not meeting.items.exists():
            raise ValidationError(_("The agenda is empty."))
        job = job_start(
            render_agenda,
            kind="marac_agenda",
            created_by=actor,
            target=meeting,
            message=gettext_noop("Waiting for a worker"),
        )
    return job


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, expected_version: int, present: list[Membership]) -> Meeting:
    stored = _open_for_minutes(meeting)
    _may_organise(actor, stored.network)
    day = stored.held_on
    allowed = set(Membership.objects.filter(network=stored.network).active_on(day).values_list("pk", flat=True))
    if any(membership.pk not in allowed for membership in present):
        raise ValidationError({"present": _("Only members of the network on the meeting's day can be present.")})
    versioned_edit(meeting, expected_version, {}, [])
    meeting.save(update_fields=["version"])
    meeting.attendees.set(present)
    return meeting


@transaction.atomic
def minutes_record(*, actor: User, item: AgendaItem, expected_version: int, **fields) -> AgendaItem:
    """The minutes of one case: what was shared, the risks and the decisions."""
    if not is_permitted(actor, item, "change"):
        raise PermissionDenied
    _open_for_minutes(item.meeting)
    versioned_edit(item, expected_version, {k: v.strip() for k, v in fields.items()}, MINUTES_FIELDS)
    item.full_clean()
    item.save(update_fields=[*MINUTES_FIELDS, "version"])  # the agenda's order is not the minutes' to change
    return item


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Job:
    """The meeting was held: its new and repeat cases are heard; the minutes become a registered PDF."""
    meeting = _planned(meeting)
    _may_organise(actor, meeting.network)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not started yet."))
    if not meeting.attendees.exists():
        raise ValidationError(_("Record who was present first."))
    meeting.status = "held"
    meeting.version += 1
    meeting.save(update_fields=["status", "version"])
    for item in meeting.items.select_related("referral"):
        referral = item.referral
        if referral.is_referred:
            referral.status = "heard"
            referral.first_heard_on = meeting.held_on
            referral.version += 1
            referral.save(update_fields=["status", "first_heard_on", "version"])
    ensure_permitted(actor, meeting, "change")
    job = job_start(
        render_minutes,
        kind="marac_minutes",
        created_by=actor,
        target=meeting,
        message=gettext_noop("Waiting for a worker"),
    )
    security_event("marac_meeting_held", actor=actor, meeting=meeting)
    return job


@transaction.atomic
def meeting_edit(*, actor: User, meeting: Meeting, expected_version: int, on, at: time, place: str) -> Meeting:
    """Move a planned meeting or change its place; the members are told if the agenda was sent."""
    _planned(meeting)
    _may_organise(actor, meeting.network)
    check_field_rules(*MEETING_RULES, on=on, at=at)
    starts_at = timezone.make_aware(datetime.combine(on, at))
    same_month = (
        Meeting.objects.filter(network=meeting.network_id, starts_at__year=on.year, starts_at__month=on.month)
        .exclude(pk=meeting.pk)
        .exclude(status="cancelled")
    )
    if same_month.exists():
        raise ValidationError({"on": _("The network already has a meeting that month.")})
    moved = starts_at != meeting.starts_at
    was_sent = meeting.agenda_sent_at is not None
    versioned_edit(meeting, expected_version, {"starts_at": starts_at, "place": place.strip()}, ["starts_at", "place"])
    if moved and meeting.agenda_sent_at:
        meeting.agenda_sent_at = None  # the sent agenda shows the old time: send it again
    meeting.full_clean()
    meeting.save()
    if moved and was_sent:
        notify(
            {m.user_id: m.user for m in meeting.network.memberships.active_on(on).select_related("user")}.values(),
            gettext_noop("The MARAC meeting was moved to %(date)s."),
            params={"date": f"{timezone.localtime(starts_at):%d.%m.%Y %H:%M}"},
            link=reverse("marac:meeting", args=[meeting.pk]),
            email=True,
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = _planned(meeting)
    _may_organise(actor, meeting.network)
    if meeting.items.filter(actions__isnull=False).exists():
        raise ValidationError(_("Actions were agreed at this meeting: it cannot be cancelled."))
    meeting.status = "cancelled"
    meeting.version += 1
    meeting.save(update_fields=["status", "version"])
    return meeting
