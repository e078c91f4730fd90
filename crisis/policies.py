"""Who reaches a crisis event: the region's managers always; a helper on its roster while the event is
open, their shift has not ended, and they may still help in its region (staff of the region, or an
active crisis volunteer of it). Pausing a volunteer or ending a shift ends the reach at once."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from victimsupport.permissions.policies import Policy
from volunteers.models import VolunteerKind
from volunteers.selectors import working_regions


class OnRoster(Policy):
    """Users on the roster of the event (at `event_path`), for `actions`, as above."""

    def __init__(self, event_path: str = "", actions: tuple[str, ...] = ("view", "change")):
        self.prefix = f"{event_path}__" if event_path else ""
        self.actions = actions

    def condition(self, model, user, action):
        if action not in self.actions:
            return None
        regions = working_regions(user, VolunteerKind.CRISIS)
        if not regions:
            return None
        roster = apps.get_model("crisis", "RosterEntry").objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()),
            user_id=user.pk,
            event_id=OuterRef(f"{self.prefix}pk" if self.prefix else "pk"),
        )
        return Q(Exists(roster)) & Q(**{f"{self.prefix}status": "open"}) & Q(**{f"{self.prefix}region_id__in": regions})
