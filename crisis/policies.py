"""Who reaches a crisis event: the region's managers always; a helper on its roster while it is open."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from victimsupport.permissions.policies import Policy


class OnRoster(Policy):
    """Users on the roster of the event (at `event_path`) while it is open, for `actions`."""

    def __init__(self, event_path: str = "", actions: tuple[str, ...] = ("view", "change")):
        self.prefix = f"{event_path}__" if event_path else ""
        self.actions = actions

    def condition(self, model, user, action):
        if action not in self.actions:
            return None
        roster = apps.get_model("crisis", "RosterEntry").objects.filter(
            user_id=user.pk, event_id=OuterRef(f"{self.prefix}pk" if self.prefix else "pk")
        )
        return Q(Exists(roster)) & Q(**{f"{self.prefix}status": "open"})
