from cases.models.aid import (
    AidApplication,
    AidCap,
    AidDecision,
    AidEntitlement,
    AidPolicy,
    DecisionKindSetting,
    EntitlementCharge,
)
from cases.models.anonymous import AnonymousContact
from cases.models.cases import Case, CaseGroupObjectPermission, CaseParty, CaseUserObjectPermission
from cases.models.persons import (
    Person,
    PersonGroupObjectPermission,
    PersonRelation,
    PersonUserObjectPermission,
    SafeContact,
)
from cases.models.work import Attachment, CaseEvent, Contact, Note, PlanItem, Task

__all__ = [
    "AidApplication",
    "AidCap",
    "AidDecision",
    "AidEntitlement",
    "AidPolicy",
    "AnonymousContact",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseParty",
    "CaseUserObjectPermission",
    "Contact",
    "DecisionKindSetting",
    "EntitlementCharge",
    "Note",
    "Person",
    "PersonGroupObjectPermission",
    "PersonRelation",
    "PersonUserObjectPermission",
    "PlanItem",
    "SafeContact",
    "Task",
]
