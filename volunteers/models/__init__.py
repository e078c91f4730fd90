from volunteers.models.assignments import (
    ActivityEntry,
    ActivityKind,
    Assignment,
    AssignmentGroupObjectPermission,
    AssignmentUserObjectPermission,
)
from volunteers.models.expenses import (
    LOCKED_STATUSES,
    ExpensePayment,
    ExpenseReport,
    ExpenseRule,
    ReportStatus,
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
from volunteers.models.supervision import GroupKind, GroupSession, SupervisionContact, SupervisionForm
from volunteers.models.training import Training, TrainingAttendance, TrainingKind

__all__ = [
    "CLOSED_CANDIDATE_STATUSES",
    "LOCKED_STATUSES",
    "NEXT_STATUSES",
    "ActivityEntry",
    "ActivityKind",
    "Assignment",
    "AssignmentGroupObjectPermission",
    "AssignmentUserObjectPermission",
    "BackgroundCheck",
    "ExpensePayment",
    "ExpenseReport",
    "ExpenseRule",
    "GroupKind",
    "GroupSession",
    "ReportStatus",
    "SupervisionContact",
    "SupervisionForm",
    "Training",
    "TrainingAttendance",
    "TrainingKind",
    "Volunteer",
    "VolunteerKind",
    "VolunteerStatus",
    "VolunteerStep",
]
