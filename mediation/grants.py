"""The parties of a mediation are held by the casework staff of its region (they see, change and
contact them, as a case's holders would). The mediator reaches them only through the mediation's page."""

from __future__ import annotations

from django.db.models import Q

from cases.models import Person
from mediation.models import Mediation

HOLDER_ACTIONS = {"view", "change", "contact"}


def mediation_record_holders(person: Person) -> dict[int, set[str]]:
    groups: dict[int, set[str]] = {}
    for mediation in Mediation.objects.filter(Q(victim=person) | Q(offender=person)).select_related("region"):
        for group_id in (mediation.region.staff_group_id, mediation.region.managers_group_id):
            groups.setdefault(group_id, set()).update(HOLDER_ACTIONS)
    return groups
