"""Who works on a mediation: the region's casework staff, and its mediator while they still may mediate
in its region (staff of the region, or an active mediator volunteer of it). A mediator paused, moved to
another region or no longer a mediator loses the mediation at once."""

from __future__ import annotations

from django.db.models import Q

from victimsupport.models import Role
from victimsupport.permissions.policies import Policy
from volunteers.models import Volunteer, VolunteerKind, VolunteerStatus

CASEWORK = (Role.SPECIALIST, Role.REGIONAL_MANAGER)


class ActiveMediator(Policy):
    def condition(self, model, user, action):
        regions = set(user.region_ids) if user.has_role(*CASEWORK) else set()
        mediating = Volunteer.objects.filter(
            user_id=user.pk, status=VolunteerStatus.ACTIVE, kinds__contains=[VolunteerKind.MEDIATOR]
        )
        regions |= set(mediating.values_list("region_id", flat=True))
        if not regions:
            return None
        return Q(mediator_id=user.pk, region_id__in=regions)
