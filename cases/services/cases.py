"""Cases: intake, edits with a version check, assignment, transfer, closure, sealing, parties."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cases.choices import CaseStatus, PartyRole
from cases.models import Case, CaseEvent, CaseParty, Person
from cases.models.work import CaseEventKind
from cases.selectors import eligible_responsibles, person_on_record
from cases.services.grants import case_sync_grants, person_sync_grants
from victimsupport.audit import AccessAction, log_access
from victimsupport.concurrency import versioned_edit
from victimsupport.models import County, Region, Role, User
from victimsupport.models.users import CASEWORK_ROLES
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import check_field_rules

INTAKE_FIELDS = [
    "opened_on",
    "referral_source",
    "referral_source_detail",
    "consent_given_by",
    "consent_at",
    "consent_scope",
    "incident_type",
    "incident_date",
    "incident_place",
    "proceedings_kind",
    "proceedings_number",
    "proceedings_date",
    "risk_level",
    "summary",
]
EDITABLE_FIELDS = [*INTAKE_FIELDS, "county"]


def _closed_after_opening(closed_on, opened_on) -> dict:
    if closed_on and opened_on and closed_on < opened_on:
        return {"closed_on": gettext_lazy("A case cannot close before it was opened.")}
    return {}


CLOSE_RULES = (_closed_after_opening,)


def _event(case: Case, kind: str, actor: User, detail: str = "", at=None) -> None:
    CaseEvent.objects.create(case=case, kind=kind, by=actor, detail=detail[:300], at=at or timezone.now())


def _check_responsible(responsible: User | None, region: Region) -> None:
    if responsible is not None and not eligible_responsibles(region).filter(pk=responsible.pk).exists():
        raise ValidationError({"responsible": _("The responsible specialist must work in the case's region.")})


def may_assign_in(user: User, region: Region) -> bool:
    """Assigning cases to others is the region's managers' right (the case grant "assign")."""
    return user.has_role(Role.REGIONAL_MANAGER) and region.pk in user.region_ids


@transaction.atomic
def case_open(
    *, actor: User, client: Person, region: Region, county: County, responsible: User | None = None, **fields
) -> Case:
    """Open a case for `client` in `region`. The actor must be able to see it afterwards.

    A client already on record must be one the actor may change: seeing a person (a colleague's client)
    is not a right to open cases for them and so gain their record. Without the right to assign (the
    region's managers'), the actor is the one responsible."""
    unknown = set(fields) - set(INTAKE_FIELDS)
    if unknown:
        raise TypeError(f"unknown case fields {sorted(unknown)}")
    if region.pk not in actor.region_ids:
        raise PermissionDenied(_("Cases are opened in a region one works in."))
    new_record = not person_on_record(client)
    if not new_record and not is_permitted(actor, client, "change"):
        raise PermissionDenied(_("You may see this person but not work with their record."))
    if responsible != actor and not may_assign_in(actor, region):
        raise ValidationError(
            {"responsible": _("You are responsible for the cases you open; only the regional manager assigns them.")}
        )
    _check_responsible(responsible, region)
    case = Case(client=client, region=region, county=county, responsible=responsible, created_by=actor, **fields)
    case.full_clean()
    case.save()
    CaseParty.objects.create(
        case=case, person=client, role=PartyRole.VICTIM, created_by=actor, recorded_here=new_record
    )
    # In the timeline the case opens on its opening date (an intake may be recorded later).
    opened_at = timezone.now()
    if case.opened_on < timezone.localdate():
        opened_at = timezone.make_aware(datetime.combine(case.opened_on, time(0, 0)))
    _event(case, CaseEventKind.OPENED, actor, at=opened_at)
    case_sync_grants(case, actor=actor, reason="case opened")
    ensure_permitted(actor, case, "view")
    link = reverse("cases:case", args=[case.pk])
    if responsible is not None and responsible != actor:
        notify(
            [responsible],
            gettext_noop("Case %(case)s was assigned to you."),
            params={"case": case.reference},
            link=link,
            email=True,
        )
    elif responsible is None:
        managers = User.objects.filter(groups=region.managers_group, is_active=True).exclude(pk=actor.pk)
        notify(
            managers,
            gettext_noop("Case %(case)s has no responsible specialist."),
            params={"case": case.reference},
            link=link,
        )
    return case


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int, **fields) -> Case:
    versioned_edit(case, expected_version, fields, EDITABLE_FIELDS)
    case.full_clean()
    case.save()
    ensure_permitted(actor, case, "change")
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, responsible: User | None) -> Case:
    case = Case.objects.select_for_update().select_related("region").get(pk=case.pk)
    _check_responsible(responsible, case.region)
    previous = case.responsible
    case.responsible = responsible
    case.version += 1
    case.save()
    _event(case, CaseEventKind.ASSIGNED, actor, detail=f"{previous or '-'} → {responsible or '-'}")
    if previous is not None and responsible is not None:
        # The previous holder's open tasks in the case go with the case.
        for task in case.tasks.filter(done_at__isnull=True, assigned_to=previous):
            task.assigned_to = responsible
            task.save(update_fields=["assigned_to"])
    case_sync_grants(case, actor=actor, reason="case assigned")
    ensure_permitted(actor, case, "assign")
    if responsible is not None and responsible != actor:
        notify(
            [responsible],
            gettext_noop("Case %(case)s was assigned to you."),
            params={"case": case.reference},
            link=reverse("cases:case", args=[case.pk]),
            email=True,
        )
    return case


@transaction.atomic
def case_transfer(
    *, actor: User, case: Case, region: Region, county: County, responsible: User | None = None, reason: str = ""
) -> Case:
    """Move a case to another region. The old region's staff lose access at once (the actor too,
    unless they work in the new region)."""
    case = Case.objects.select_for_update().select_related("region").get(pk=case.pk)
    if region.pk == case.region_id:
        raise ValidationError({"region": _("The case is already in this region.")})
    if county.region_id != region.pk:
        raise ValidationError({"county": _("The county is not in the chosen region.")})
    _check_responsible(responsible, region)
    previous = case.region
    case.region, case.county, case.responsible = region, county, responsible
    case.version += 1
    case.full_clean()
    case.save()
    _event(case, CaseEventKind.TRANSFERRED, actor, detail=f"{previous} → {region}. {reason}".strip())
    # Open tasks go with the case: to the new responsible, else unassigned for the new region's managers.
    # Nobody outside the new region keeps a task (or its reminders) of a case they can no longer see.
    staying = eligible_responsibles(region).values("pk")
    moved = case.tasks.filter(done_at__isnull=True).exclude(assigned_to__in=staying)
    for task in moved:
        task.assigned_to = responsible
        task.save(update_fields=["assigned_to"])
    case_sync_grants(case, actor=actor, reason="case transferred")
    managers = User.objects.filter(groups=region.managers_group, is_active=True)
    notify(
        managers,
        gettext_noop("Case %(case)s was transferred to your region."),
        params={"case": case.reference},
        link=reverse("cases:case", args=[case.pk]),
        email=True,
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, reason: str, note: str = "", closed_on: date | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is already closed."))
    case.status = CaseStatus.CLOSED
    case.closure_reason = reason
    case.closure_note = note
    case.closed_on = closed_on or timezone.localdate()
    check_field_rules(*CLOSE_RULES, closed_on=case.closed_on, opened_on=case.opened_on)
    case.version += 1
    case.full_clean()
    case.save()
    _event(case, CaseEventKind.CLOSED, actor, detail=case.get_closure_reason_display())
    ensure_permitted(actor, case, "change")
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str = "") -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    case.status = CaseStatus.OPEN
    case.closed_on = None
    case.closure_reason = ""
    case.closure_note = ""
    case.version += 1
    case.full_clean()
    case.save()
    _event(case, CaseEventKind.REOPENED, actor, detail=reason)
    ensure_permitted(actor, case, "change")
    return case


@transaction.atomic
def case_set_sealed(*, actor: User, case: Case, sealed: bool, reason: str = "") -> Case:
    if not actor.has_role(Role.REGIONAL_MANAGER):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    if sealed and not reason.strip():
        raise ValidationError({"sealed_reason": _("Say why the case is sealed.")})
    case.sealed = sealed
    case.sealed_reason = reason if sealed else ""
    case.version += 1
    case.save()
    _event(case, CaseEventKind.SEALED if sealed else CaseEventKind.UNSEALED, actor)
    ensure_permitted(actor, case, "assign")
    return case


def case_sealed_opened(*, actor: User, case: Case, reason: str) -> None:
    """Record that `actor` opened a sealed case (access log) and tell the region's managers."""

    if len(reason.strip()) < 15:
        raise ValidationError({"reason": _("State why you need to open this case, in a sentence.")})
    log_access(actor, AccessAction.OPEN_SEALED, obj=case, persons=[case.client_id], reason=reason.strip())
    managers = User.objects.filter(groups=case.region.managers_group, is_active=True).exclude(pk=actor.pk)
    notify(
        managers,
        gettext_noop("%(user)s opened the sealed case %(case)s."),
        params={"user": str(actor), "case": case.reference},
        link=reverse("cases:case", args=[case.pk]),
        email=True,
    )


@transaction.atomic
def case_add_party(*, actor: User, case: Case, person: Person, role: str, note: str = "") -> CaseParty:
    if role == PartyRole.VICTIM and person.pk == case.client_id:
        raise ValidationError({"role": _("The client is already the victim in this case.")})
    if CaseParty.objects.filter(case=case, person=person, role=role).exists():
        raise ValidationError({"person": _("This person already has this role in the case.")})
    party = CaseParty(
        case=case, person=person, role=role, note=note, created_by=actor, recorded_here=not person_on_record(person)
    )
    party.full_clean()
    party.save()
    _event(case, CaseEventKind.PARTY_ADDED, actor, detail=party.get_role_display())
    person_sync_grants(person, actor=actor)
    ensure_permitted(actor, case, "change")
    return party


def cases_release_out_of_scope(*, user: User, actor: User) -> int:
    """When a user's roles or regions change, the cases they were responsible for outside their new
    scope are unassigned (and their own grants dropped) at once; the regions' managers are told."""
    in_scope = user.is_active and user.has_role(*CASEWORK_ROLES)
    cases = Case.objects.filter(responsible=user)
    if in_scope:
        cases = cases.exclude(region__in=user.region_ids)
    released = 0
    for case in cases.select_related("region"):
        case.responsible = None
        case.version += 1
        case.save()
        _event(case, CaseEventKind.ASSIGNED, actor or user, detail=f"{user} → -")
        case_sync_grants(case, actor=actor, reason="responsible left the region or role")
        managers = User.objects.filter(groups=case.region.managers_group, is_active=True)
        notify(
            managers,
            gettext_noop("Case %(case)s has no responsible specialist."),
            params={"case": case.reference},
            link=reverse("cases:case", args=[case.pk]),
        )
        released += 1
    return released
