"""Who works on a mediation: the region's casework staff, and its mediator while they still may mediate
in its region (staff of the region, or an active mediator volunteer of it). A mediator paused, moved to
another region or no longer a mediator loses the mediation at once."""

from __future__ import annotations

from django.db.models import Q

from victimsupport.permissions.policies import Policy
from volunteers.models import VolunteerKind
from volunteers.selectors import working_regions


class ActiveMediator(Policy):
    def condition(self, model, user, action):
        regions = working_regions(user, VolunteerKind.MEDIATOR)
        if not regions:
            return None
        return Q(mediator_id=user.pk, region_id__in=regions)
