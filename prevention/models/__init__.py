from prevention.models.materials import Material, MaterialFile, MaterialKind, MaterialLanguage, MaterialStatus
from prevention.models.plans import (
    Activity,
    ActivityAnswer,
    ActivityKind,
    ActivityStatus,
    AnswerPhase,
    Expense,
    Participation,
    PreventionPlan,
    Project,
    Topic,
)

__all__ = [
    "Activity",
    "ActivityAnswer",
    "ActivityKind",
    "ActivityStatus",
    "AnswerPhase",
    "Expense",
    "Material",
    "MaterialFile",
    "MaterialKind",
    "MaterialLanguage",
    "MaterialStatus",
    "Participation",
    "PreventionPlan",
    "Project",
    "Topic",
]
