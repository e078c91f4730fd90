from volunteers.models.assignments import (
    ActivityEntry,
    ActivityKind,
    Assignment,
    AssignmentGroupObjectPermission,
    AssignmentUserObjectPermission,
)
from volunteers.models.registry import (
    CLOSED_CANDIDATE_STATUSES,
    NEXT_STATUSES,
    BackgroundCheck,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
    VolunteerStep,
)

__all__ = [
    "CLOSED_CANDIDATE_STATUSES",
    "NEXT_STATUSES",
    "ActivityEntry",
    "ActivityKind",
    "Assignment",
    "AssignmentGroupObjectPermission",
    "AssignmentUserObjectPermission",
    "BackgroundCheck",
    "Volunteer",
    "VolunteerKind",
    "VolunteerStatus",
    "VolunteerStep",
]
