"""Who may see and change a case, and through the cases, a person. Written only here."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Person
from victimsupport.permissions.grants import set_object_grants

REGION_STAFF_ACTIONS = {"view"}
REGION_MANAGER_ACTIONS = {"view", "change", "assign"}
RESPONSIBLE_ACTIONS = {"view", "change"}

# A person is seen by whoever sees one of their cases, and changed (and contacted) by whoever may
# change one of them.
PERSON_ACTIONS_FROM_CASE = {"view": {"view"}, "change": {"change", "contact"}}


def case_grant_plan(case: Case) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    region = case.region
    groups = {region.staff_group_id: set(REGION_STAFF_ACTIONS), region.managers_group_id: set(REGION_MANAGER_ACTIONS)}
    users = {case.responsible_id: set(RESPONSIBLE_ACTIONS)} if case.responsible_id else {}
    return groups, users


def case_sync_grants(case: Case, *, actor, reason: str = "") -> None:
    groups, users = case_grant_plan(case)
    set_object_grants(case, groups=groups, users=users, actor=actor, reason=reason)
    for person in Person.objects.filter(Q(client_cases=case) | Q(case_parties__case=case)).distinct():
        person_sync_grants(person, actor=actor)


def person_sync_grants(person: Person, *, actor) -> None:
    cases = Case.objects.filter(Q(client=person) | Q(parties__person=person)).values("pk")
    groups: dict[int, set[str]] = defaultdict(set)
    users: dict[int, set[str]] = defaultdict(set)
    for holder, codename in CaseGroupObjectPermission.objects.filter(content_object__in=cases).values_list(
        "group_id", "permission__codename"
    ):
        groups[holder] |= PERSON_ACTIONS_FROM_CASE.get(codename.removesuffix("_case"), set())
    for holder, codename in CaseUserObjectPermission.objects.filter(content_object__in=cases).values_list(
        "user_id", "permission__codename"
    ):
        users[holder] |= PERSON_ACTIONS_FROM_CASE.get(codename.removesuffix("_case"), set())
    set_object_grants(
        person,
        groups={holder: actions for holder, actions in groups.items() if actions},
        users={holder: actions for holder, actions in users.items() if actions},
        actor=actor,
    )
