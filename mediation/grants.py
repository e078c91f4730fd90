"""The parties a mediation recorded (new persons) are held by the casework staff of its region (they
see, change and contact them, as a case's holders would). A person already on record is only linked:
rights never widen through a mediation. The mediator reaches the parties only through its page."""

from __future__ import annotations

from django.db.models import Q

from cases.models import Person
from mediation.models import Mediation

HOLDER_ACTIONS = {"view", "change", "contact"}


def mediation_record_holders(person: Person) -> dict[int, set[str]]:
    groups: dict[int, set[str]] = {}
    recorded = Q(victim=person, victim_recorded_here=True) | Q(offender=person, offender_recorded_here=True)
    for mediation in Mediation.objects.filter(recorded).select_related("region"):
        for group_id in (mediation.region.staff_group_id, mediation.region.managers_group_id):
            groups.setdefault(group_id, set()).update(HOLDER_ACTIONS)
    return groups
