"""Crisis response: the event opened by a regional manager at any hour, its roster of helpers with
shifts, affected people registered with minimal data, psychological first aid logged in one tap, and
the follow-up of each registration: a case, a referral elsewhere, or closed."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from crisis import selectors
from crisis.models import (
    CrisisEvent,
    EventStatus,
    FirstAidContact,
    Outcome,
    Registration,
    RegistrationStatus,
    RosterEntry,
)
from victimsupport.concurrency import versioned_edit
from victimsupport.models import Role, User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted
from victimsupport.rules import check_field_rules, field_errors, not_past
from victimsupport.security import security_event
from victimsupport.validation import collect_errors

EVENT_FIELDS = ["title", "place", "started_at", "lead_agency", "contact_point", "notes"]
REGISTRATION_FIELDS = ["who", "contact", "category", "needs"]


def _started(started_at: datetime | None) -> dict:
    if started_at and started_at > timezone.now():
        return {"started_at": _("The event cannot start in the future.")}
    return {}


def _shift(starts_at: datetime | None, ends_at: datetime | None) -> dict:
    if starts_at and ends_at and ends_at <= starts_at:
        return {"ends_at": _("The shift ends after it starts.")}
    return {}


EVENT_RULES = (_started,)
ROSTER_RULES = (_shift,)
FOLLOW_UP_RULES = (not_past("follow_up_on", gettext_lazy("The follow-up is today or later.")),)


def _link(event: CrisisEvent) -> str:
    return reverse("crisis:event", args=[event.pk])


def _check_event(event: CrisisEvent, errors: dict) -> None:
    for field, message in field_errors(*EVENT_RULES, started_at=event.started_at).items():
        errors.setdefault(field, []).append(message)
    if event.contact_point_id and not selectors.staff_of(event.region).filter(pk=event.contact_point_id).exists():
        errors.setdefault("contact_point", []).append(_("The contact point is a member of the region's staff."))
    collect_errors(errors, event.full_clean)


@transaction.atomic
def event_open(*, actor: User, region, **fields) -> CrisisEvent:
    """A regional manager of the region opens the event, at any hour; the contact point is put on the
    roster from now."""
    if region.pk not in actor.region_ids or not actor.has_role(Role.REGIONAL_MANAGER):
        raise PermissionDenied
    event = CrisisEvent(region=region, created_by=actor, **{name: fields[name] for name in EVENT_FIELDS})
    errors: dict = {}
    _check_event(event, errors)
    if errors:
        raise ValidationError(errors)
    event.save()
    RosterEntry.objects.create(event=event, user=event.contact_point, starts_at=event.started_at, added_by=actor)
    security_event("crisis_event_opened", actor=actor, crisis_event=event.pk)
    return event


@transaction.atomic
def event_update(*, actor: User, event: CrisisEvent, expected_version: int, **fields) -> CrisisEvent:
    versioned_edit(event, expected_version, fields, EVENT_FIELDS)
    ensure_permitted(actor, event, "assign")
    if event.is_closed:
        raise ValidationError(_("The event is closed."))
    errors: dict = {}
    _check_event(event, errors)
    if errors:
        raise ValidationError(errors)
    event.save()
    if not RosterEntry.objects.filter(event=event, user=event.contact_point).exists():
        # The lead agency calls the new contact point: they reach the event from now.
        RosterEntry.objects.create(event=event, user=event.contact_point, starts_at=timezone.now(), added_by=actor)
    return event


def _locked(event: CrisisEvent) -> CrisisEvent:
    return CrisisEvent.objects.select_for_update(of=("self",)).select_related("region").get(pk=event.pk)


@transaction.atomic
def event_close(*, actor: User, event: CrisisEvent) -> CrisisEvent:
    """The acute phase is over: the helpers' access ends; the region's managers keep the follow-ups."""
    event = _locked(event)
    ensure_permitted(actor, event, "assign")
    if event.is_closed:
        raise ValidationError(_("The event is closed."))
    event.status, event.closed_at, event.version = EventStatus.CLOSED, timezone.now(), event.version + 1
    event.save()
    for entry in RosterEntry.objects.filter(event=event).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=event.closed_at)
    ):
        if entry.starts_at >= event.closed_at:
            entry.delete()  # a shift that never started
        else:
            entry.ends_at = event.closed_at
            entry.save(update_fields=["ends_at"])
    security_event("crisis_event_closed", actor=actor, crisis_event=event.pk)
    return event


@transaction.atomic
def roster_add(
    *, actor: User, event: CrisisEvent, user: User, starts_at: datetime, ends_at: datetime | None
) -> RosterEntry:
    """Put a helper on the roster: the region's staff or one of its active crisis volunteers. They are told."""
    event = _locked(event)
    ensure_permitted(actor, event, "assign")
    if event.is_closed:
        raise ValidationError(_("The event is closed."))
    if not selectors.helpers_for(event.region).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Choose a member of the region's staff or one of its crisis volunteers.")})
    if RosterEntry.objects.filter(event=event, user=user).exists():
        raise ValidationError({"user": _("This helper is on the roster already.")})
    entry = RosterEntry(event=event, user=user, starts_at=starts_at, ends_at=ends_at, added_by=actor)
    check_field_rules(*ROSTER_RULES, starts_at=starts_at, ends_at=ends_at)
    entry.full_clean()
    entry.save()
    notify(
        [user],
        gettext_noop("You are on the roster of crisis event %(event)s from %(start)s."),
        params={"event": event.title, "start": f"{timezone.localtime(starts_at):%d.%m.%Y %H:%M}"},
        link=_link(event),
        email=True,
    )
    return entry


@transaction.atomic
def roster_end(*, actor: User, entry: RosterEntry) -> RosterEntry:
    """End a helper's shift now: their reach of the event ends with it."""
    entry = RosterEntry.objects.select_for_update().select_related("event").get(pk=entry.pk)
    ensure_permitted(actor, entry.event, "assign")
    now = timezone.now()
    if entry.ends_at is not None and entry.ends_at <= now:
        raise ValidationError(_("The shift has ended already."))
    if entry.starts_at >= now:
        entry.delete()  # a shift that has not started is taken off the roster
        return entry
    entry.ends_at = now  # after its start (a shift starting now or later was deleted above)
    entry.save(update_fields=["ends_at"])
    return entry


@transaction.atomic
def registration_add(*, actor: User, event: CrisisEvent, **fields) -> Registration:
    """An affected person, with as little as is needed: a name or a description and a category."""
    ensure_permitted(actor, event, "change")
    if event.is_closed:
        raise ValidationError(_("The event is closed: register people in a case instead."))
    registration = Registration(event=event, registered_by=actor, **{k: fields[k] for k in REGISTRATION_FIELDS})
    registration.who = (registration.who or "").strip()
    registration.full_clean()
    registration.save()
    return registration


def _registration(registration: Registration) -> Registration:
    return Registration.objects.select_for_update(of=("self",)).select_related("event__region").get(pk=registration.pk)


@transaction.atomic
def first_aid_log(*, actor: User, registration: Registration, note: str = "") -> FirstAidContact:
    """Psychological first aid given, in one tap: the person is seen."""
    registration = _registration(registration)
    ensure_permitted(actor, registration.event, "change")
    if registration.is_closed or registration.event.is_closed:
        raise ValidationError(_("The registration is closed."))
    contact = FirstAidContact.objects.create(registration=registration, by=actor, note=note.strip()[:500])
    if registration.is_waiting:
        registration.status = RegistrationStatus.SEEN
        registration.version += 1
        registration.save(update_fields=["status", "version"])
    return contact


@transaction.atomic
def follow_up_set(*, actor: User, registration: Registration, follow_up_on: date | None) -> Registration:
    registration = _registration(registration)
    ensure_permitted(actor, registration.event, "change")
    if registration.is_closed:
        raise ValidationError(_("The registration is closed."))
    check_field_rules(*FOLLOW_UP_RULES, follow_up_on=follow_up_on)
    registration.follow_up_on, registration.version = follow_up_on, registration.version + 1
    registration.save(update_fields=["follow_up_on", "version"])
    return registration


def _close(registration: Registration, outcome: str, **fields) -> Registration:
    registration.status, registration.outcome = RegistrationStatus.CLOSED, outcome
    registration.closed_at, registration.follow_up_on = timezone.now(), None
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.version += 1
    registration.full_clean()
    registration.save()
    return registration


@transaction.atomic
def registration_refer(*, actor: User, registration: Registration, referred_to: str) -> Registration:
    """Referred to another service (the local government, a family doctor, a crisis line): closed here."""
    registration = _registration(registration)
    ensure_permitted(actor, registration.event, "change")
    if registration.is_closed:
        raise ValidationError(_("The registration is closed."))
    if not referred_to.strip():
        raise ValidationError({"referred_to": _("Say where the person was referred.")})
    return _close(registration, Outcome.REFERRED, referred_to=referred_to.strip()[:200])


@transaction.atomic
def registration_close(*, actor: User, registration: Registration) -> Registration:
    registration = _registration(registration)
    ensure_permitted(actor, registration.event, "change")
    if registration.is_closed:
        raise ValidationError(_("The registration is closed."))
    return _close(registration, Outcome.NO_FURTHER_HELP)


@transaction.atomic
def registration_became_case(*, actor: User, registration: Registration, case) -> Registration:
    """The case intake opened a case for the person (cases.intake_sources "crisis"): closed with it."""
    registration = _registration(registration)
    ensure_permitted(actor, registration.event, "change")
    if registration.is_closed:
        raise ValidationError(_("The registration has been closed already (a case may have been opened)."))
    if case.region_id != registration.event.region_id:
        raise ValidationError({"region": _("The case is opened in the event's region.")})
    return _close(registration, Outcome.CASE, case=case)
