"""The record of a person who claims compensation without a victim-support case is held by the casework
staff of the crime's region (they see, change and contact the person, as a case's holders would)."""

from __future__ import annotations

from cases.models import Person
from compensation.models import Claim, ClaimStatus

HOLDER_ACTIONS = {"view", "change", "contact"}


def claim_record_holders(person: Person) -> dict[int, set[str]]:
    groups: dict[int, set[str]] = {}
    claims = (
        Claim.objects.filter(claimant=person, case__isnull=True)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .select_related("crime__region")
    )
    for claim in claims:
        region = claim.crime.region
        for group_id in (region.staff_group_id, region.managers_group_id):
            groups.setdefault(group_id, set()).update(HOLDER_ACTIONS)
    return groups
