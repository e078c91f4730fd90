"""Supervision: the supervisor's contacts with a volunteer, group sessions with attendance, and the
weekly digest of assigned volunteers who have gone quiet."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victimsupport.concurrency import assign_fields
from victimsupport.models import Region, Role, User
from victimsupport.notify import notify
from victimsupport.rules import check_field_rules, not_future
from victimsupport.scheduled import claim_today
from volunteers.models import GroupSession, SupervisionContact, Volunteer
from volunteers.selectors import inactive_volunteers

CONTACT_FIELDS = ["happened_on", "form", "duration_minutes", "notes"]
SESSION_FIELDS = ["kind", "held_on", "topic", "duration_minutes"]
CONTACT_RULES = (not_future("happened_on"),)
SESSION_RULES = (not_future("held_on"),)


@transaction.atomic
def supervision_contact_add(*, actor: User, volunteer: Volunteer, **fields) -> SupervisionContact:
    """Only the volunteer's supervisor (or the coordinator) records a contact."""
    if volunteer.supervisor_id != actor.pk and not actor.has_role(Role.COORDINATOR):
        raise PermissionDenied
    contact = SupervisionContact(volunteer=volunteer, supervisor=actor)
    assign_fields(contact, fields, CONTACT_FIELDS)
    check_field_rules(*CONTACT_RULES, happened_on=contact.happened_on)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def group_session_add(*, actor: User, region: Region, attendees, **fields) -> GroupSession:
    if not actor.has_role(Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.SPECIALIST):
        raise PermissionDenied
    if not actor.has_role(Role.COORDINATOR) and region.pk not in actor.region_ids:
        raise ValidationError({"region": _("Choose one of your regions.")})
    attendees = list(attendees)
    visible = set(
        Volunteer.objects.restrict(actor).filter(pk__in=[v.pk for v in attendees]).values_list("pk", flat=True)
    )
    if not attendees or len(visible) != len(attendees):
        raise ValidationError({"attendees": _("Choose the volunteers who attended.")})
    session = GroupSession(region=region, led_by=actor)
    assign_fields(session, fields, SESSION_FIELDS)
    check_field_rules(*SESSION_RULES, held_on=session.held_on)
    session.full_clean()
    session.save()
    session.attendees.set(attendees)
    return session


def inactive_digest(today: date | None = None) -> int:
    """To each supervisor: their assigned volunteers with no activity logged for the set number of days."""
    by_supervisor: dict[int, list[Volunteer]] = {}
    for volunteer in inactive_volunteers(today=today).exclude(supervisor=None).select_related("supervisor"):
        by_supervisor.setdefault(volunteer.supervisor_id, []).append(volunteer)
    for volunteers in by_supervisor.values():
        notify(
            [volunteers[0].supervisor],
            gettext_noop("Assigned volunteers with no activity logged lately: %(names)s"),
            params={"names": ", ".join(volunteer.full_name for volunteer in volunteers)},
            link="/volunteers/overview/",
            email=True,
        )
    return len(by_supervisor)


@shared_task(name="volunteers.send_inactive_digest", ignore_result=True)
def send_inactive_digest() -> int:
    if not claim_today(send_inactive_digest.name):  # a second copy the same day (beat's and the sweeper's)
        return 0
    return inactive_digest()
