"""Who may see and change a case, and through the cases, a person. Written only here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db.models import Q

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Person
from victimsupport.models import User
from victimsupport.permissions.grants import set_object_grants

REGION_STAFF_ACTIONS = {"view"}
REGION_MANAGER_ACTIONS = {"view", "change", "assign"}
RESPONSIBLE_ACTIONS = {"view", "change"}

# A person is seen by whoever sees one of their cases. They are changed (and contacted) only through a
# case that holds their record: one where they are the client, or where they were first recorded
# (CaseParty.recorded_here). Linking a person already on record to another case lets that case's
# holders see them, never change them: rights never widen through a lookup.
PERSON_ACTIONS_FROM_CASE = {"view": {"view"}, "change": {"change", "contact"}}
PERSON_ACTIONS_FROM_LINK = {"view": {"view"}, "change": {"view"}}


# Other apps that hold a person's record without a case (a compensation claim of a person who has no
# victim-support case) register here: person -> {group id: actions} (actions of PERSON_ACTIONS_FROM_CASE).
PERSON_RECORD_HOLDERS: list[Callable[[Person], dict[int, set[str]]]] = []


def register_person_record_holder(holders: Callable[[Person], dict[int, set[str]]]) -> None:
    if holders not in PERSON_RECORD_HOLDERS:
        PERSON_RECORD_HOLDERS.append(holders)


def case_grant_plan(case: Case) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    region = case.region
    groups = {region.staff_group_id: set(REGION_STAFF_ACTIONS), region.managers_group_id: set(REGION_MANAGER_ACTIONS)}
    users = {case.responsible_id: set(RESPONSIBLE_ACTIONS)} if case.responsible_id else {}
    return groups, users


def case_sync_grants(case: Case, *, actor: User, reason: str = "") -> None:
    groups, users = case_grant_plan(case)
    set_object_grants(case, groups=groups, users=users, actor=actor, reason=reason)
    for person in Person.objects.filter(Q(client_cases=case) | Q(case_parties__case=case)).distinct():
        person_sync_grants(person, actor=actor)


def person_sync_grants(person: Person, *, actor: User) -> None:
    """The one place that decides grants on a person: from the grants on the person's cases, and from
    the apps that hold the record of a person without a case (PERSON_RECORD_HOLDERS)."""
    holding = set(
        Case.objects.filter(Q(client=person) | Q(parties__person=person, parties__recorded_here=True)).values_list(
            "pk", flat=True
        )
    )
    linked = Case.objects.filter(Q(client=person) | Q(parties__person=person)).values("pk")
    groups: dict[int, set[str]] = defaultdict(set)
    users: dict[int, set[str]] = defaultdict(set)
    for perm_model, holders, field in (
        (CaseGroupObjectPermission, groups, "group_id"),
        (CaseUserObjectPermission, users, "user_id"),
    ):
        for holder, case_id, codename in perm_model.objects.filter(content_object__in=linked).values_list(
            field, "content_object_id", "permission__codename"
        ):
            mapping = PERSON_ACTIONS_FROM_CASE if case_id in holding else PERSON_ACTIONS_FROM_LINK
            holders[holder] |= mapping.get(codename.removesuffix("_case"), set())
    for record_holders in PERSON_RECORD_HOLDERS:
        for holder, actions in record_holders(person).items():
            groups[holder] |= actions
    set_object_grants(
        person,
        groups={holder: actions for holder, actions in groups.items() if actions},
        users={holder: actions for holder, actions in users.items() if actions},
        actor=actor,
    )
