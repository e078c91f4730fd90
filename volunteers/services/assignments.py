"""Assignments of volunteers to cases (with the conflict check and the volunteer's grant) and the
volunteer's activity log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cases.choices import PartyRole
from cases.models import Case, Person
from victimsupport.audit import AccessAction, log_access
from victimsupport.concurrency import assign_fields, versioned_edit
from victimsupport.models import Role, User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.permissions.grants import set_object_grants
from victimsupport.rules import check_field_rules, date_order, not_past
from victimsupport.security import security_event
from volunteers.models import ActivityEntry, Assignment, Volunteer
from volunteers.services.expenses import month_is_locked

ASSIGNERS = (Role.REGIONAL_MANAGER, Role.COORDINATOR)
ACTIVITY_FIELDS = ["happened_on", "duration_minutes", "kind", "trip_from", "trip_to", "km", "call_minutes", "note"]
VOLUNTEER_ACTIONS = ("view",)  # the grant: the client card, never a change of the case
ASSIGNMENT_RULES = (
    date_order("starts_on", "ends_on"),
    not_past("ends_on", gettext_lazy("The assignment would already have ended.")),
)


@dataclass(frozen=True)
class ConflictFinding:
    code: str  # declared | surname | address
    message: str

    def as_json(self) -> dict:
        return {"code": self.code, "message": self.message}


def _normalised(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


def _street(person: Person) -> str:
    return _normalised(" ".join(part for part in (person.street, person.house) if part))


def assignment_conflicts(volunteer: Volunteer, case: Case) -> list[ConflictFinding]:
    """What speaks against assigning `volunteer` to `case`: a declared conflict naming the client or the
    alleged perpetrator, the same surname, the same street address."""
    people = [("client", case.client)]
    people += [
        ("perpetrator", party.person)
        for party in case.parties.filter(role=PartyRole.ALLEGED_PERPETRATOR).select_related("person")
    ]
    declared = _normalised(volunteer.conflicts)
    surname = _normalised(volunteer.last_name)
    address = _normalised(volunteer.address)
    findings = []
    for role, person in people:
        who = _("the client") if role == "client" else _("the alleged perpetrator")
        last = _normalised(person.last_name)
        if declared and last and (last in declared or _normalised(person.full_name) in declared):
            findings.append(
                ConflictFinding("declared", _("The volunteer's declared conflicts name %(who)s.") % {"who": who})
            )
        if surname and last and surname == last:
            findings.append(
                ConflictFinding("surname", _("The volunteer has the same surname as %(who)s.") % {"who": who})
            )
        street = _street(person)
        if address and street and street in address:
            findings.append(ConflictFinding("address", _("The volunteer's address is that of %(who)s.") % {"who": who}))
    return findings


def _may_assign(actor: User, case: Case) -> None:
    """A regional manager of the case, or a coordinator of its region (who does not see the case itself)."""
    if actor.has_role(Role.REGIONAL_MANAGER) and is_permitted(actor, case, "view"):
        return
    if actor.has_role(Role.COORDINATOR) and case.region_id in actor.region_ids:
        return
    raise PermissionDenied


def case_for_assignment(actor: User, reference: str) -> Case:
    """The open case a coordinator names by its number (J-123): only in the coordinator's regions, and the
    one answer for every other number, so it tells nothing about which cases exist."""
    digits = reference.strip().upper().removeprefix("J-")
    case = None
    if digits.isascii() and digits.isdigit() and len(digits) < 19:
        case = Case.objects.filter(pk=int(digits), status="open", region_id__in=actor.region_ids).first()
    if case is None or not actor.has_role(Role.COORDINATOR):
        raise ValidationError({"case_reference": _("No open case with this number in your regions.")})
    return case


def _new_client_code() -> str:
    while True:
        code = "K-" + "".join(secrets.choice("ACDEFHJKLMNPRTUVWXY3479") for _ in range(6))
        if not Assignment.objects.filter(client_code=code).exists():
            return code


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    case: Case | None = None,
    case_reference: str = "",
    volunteer: Volunteer,
    starts_on: date,
    ends_on: date,
    tasks: str,
    address_needed: bool = False,
    conflicts_seen: bool = False,
) -> Assignment:
    """Assign an active volunteer with a user account to the case. The conflict check runs first; if it
    finds anything, the assigner must have seen it (`conflicts_seen`). The check is logged either way. A
    coordinator names the case by its number (`case_reference`); the case's specialist is told."""
    if case is None:
        case = case_for_assignment(actor, case_reference)
    _may_assign(actor, case)
    if not Volunteer.objects.restrict(actor).filter(pk=volunteer.pk).exists():
        raise ValidationError({"volunteer": _("Choose a volunteer from the list.")})
    if not volunteer.is_active or volunteer.user_id is None or not volunteer.user.is_active:
        raise ValidationError({"volunteer": _("Only an active volunteer with a user account can be assigned.")})
    check_field_rules(*ASSIGNMENT_RULES, starts_on=starts_on, ends_on=ends_on)
    if not case.is_open:
        raise ValidationError(_("The case is closed. Reopen it to assign a volunteer."))
    findings = assignment_conflicts(volunteer, case)
    log_access(actor, AccessAction.SEARCH, obj=case, persons=[case.client_id], reason="volunteer conflict check")
    security_event(
        "volunteer_conflict_check",
        actor=actor,
        case=case.pk,
        volunteer=volunteer.pk,
        findings=[finding.code for finding in findings],
    )
    if findings and not conflicts_seen:
        raise ValidationError(
            {"conflicts_seen": [finding.message for finding in findings] + [_("Confirm that you have weighed this.")]}
        )
    assignment = Assignment(
        volunteer=volunteer,
        case=case,
        client_code=_new_client_code(),
        starts_on=starts_on,
        ends_on=ends_on,
        tasks=tasks,
        address_needed=address_needed,
        conflict_findings=[finding.as_json() for finding in findings],
        created_by=actor,
    )
    assignment.full_clean()
    assignment.save()
    set_object_grants(assignment, users={volunteer.user: VOLUNTEER_ACTIONS}, actor=actor, reason="assigned")
    if is_permitted(actor, case, "view"):
        ensure_permitted(actor, assignment, "view")
    if case.responsible_id and case.responsible_id != actor.pk:
        notify(
            [case.responsible],
            gettext_noop("Volunteer %(volunteer)s was assigned to case %(case)s (client code %(code)s)."),
            params={"volunteer": volunteer.full_name, "case": case.reference, "code": assignment.client_code},
            link=f"/volunteers/cases/{case.pk}/",
        )
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment, expected_version: int, ended_on: date) -> Assignment:
    """End the assignment early (the last day the volunteer works with the client)."""
    _may_assign(actor, assignment.case)
    stored = versioned_edit(assignment, expected_version, {}, ())
    if not stored.starts_on <= ended_on <= stored.ends_on:
        raise ValidationError({"ended_on": _("The day must fall within the assignment.")})
    assignment.ends_on = ended_on
    assignment.ended_early_on = ended_on
    assignment.full_clean()
    assignment.save()
    if ended_on < timezone.localdate():
        _remove_access(assignment, actor=actor)
    return assignment


def _remove_access(assignment: Assignment, *, actor: User | None) -> None:
    set_object_grants(assignment, users={}, actor=actor, reason="assignment_ended")
    assignment.access_removed_at = timezone.now()
    assignment.save(update_fields=["access_removed_at"])


def assignments_expire(today: date | None = None) -> int:
    """Remove the volunteer's grant on every assignment that ended before `today`. The volunteer's
    activity entries stay, on the case for the specialist."""
    today = today or timezone.localdate()
    count = 0
    for assignment in Assignment.objects.filter(ends_on__lt=today, access_removed_at__isnull=True):
        with transaction.atomic():
            _remove_access(assignment, actor=None)
        count += 1
    return count


@shared_task(name="volunteers.expire_assignments", ignore_result=True)
def expire_assignments() -> int:
    return assignments_expire()


# --- the activity log ---


def _own_assignment(actor: User, assignment: Assignment) -> Volunteer:
    volunteer = Volunteer.objects.filter(user=actor).first()
    if volunteer is None or assignment.volunteer_id != volunteer.pk:
        raise PermissionDenied
    return volunteer


def _check_activity(entry: ActivityEntry) -> None:
    errors = {}
    assignment = entry.assignment
    if entry.happened_on > timezone.localdate():
        errors["happened_on"] = _("The date cannot be in the future.")
    elif not assignment.starts_on <= entry.happened_on <= assignment.ends_on:
        errors["happened_on"] = _("The date must fall within the assignment (%(start)s–%(end)s).") % {
            "start": assignment.starts_on.strftime("%d.%m.%Y"),
            "end": assignment.ends_on.strftime("%d.%m.%Y"),
        }
    if entry.km and not (entry.trip_from.strip() and entry.trip_to.strip()):
        errors["trip_to" if entry.trip_from.strip() else "trip_from"] = _("A trip needs where from and where to.")
    if entry.call_minutes and entry.call_minutes > entry.duration_minutes:
        errors["call_minutes"] = _("The call minutes cannot be more than the duration.")
    if errors:
        raise ValidationError(errors)


def _month_open(entry: ActivityEntry) -> None:
    if month_is_locked(entry.volunteer_id, entry.happened_on):
        raise ValidationError(
            {"happened_on": _("The expense report for this month has been submitted: its entries no longer change.")}
        )


@transaction.atomic
def activity_add(*, actor: User, assignment: Assignment, **fields) -> ActivityEntry:
    volunteer = _own_assignment(actor, assignment)
    if not Assignment.objects.restrict(actor).filter(pk=assignment.pk).exists():
        raise ValidationError(_("The assignment has ended; activities can no longer be added to it."))
    entry = ActivityEntry(assignment=assignment, volunteer=volunteer)
    assign_fields(entry, fields, ACTIVITY_FIELDS)
    _check_activity(entry)
    _month_open(entry)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def activity_update(*, actor: User, entry: ActivityEntry, expected_version: int, **fields) -> ActivityEntry:
    _own_assignment(actor, entry.assignment)
    stored = versioned_edit(entry, expected_version, fields, ACTIVITY_FIELDS)
    _month_open(stored)
    _check_activity(entry)
    _month_open(entry)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def activity_delete(*, actor: User, entry: ActivityEntry) -> None:
    _own_assignment(actor, entry.assignment)
    _month_open(entry)
    entry.delete()
