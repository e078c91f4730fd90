"""The one permission mechanism (DESIGN.md, "Permissions").

- Scope is held in guardian's direct-FK object permission tables, one pair per guarded model.
- Grants are written and removed only by the services in `grants`.
- Reads go through `Model.objects.restrict(user, action)`; views use the mixins in `views`, which answer
  404 for an object out of scope and 403 for a visible object the user may not change.
- Each guarded model states its scope policy in one line (`policies`): object grants, follows its case,
  role and region, role only, owner only, or a combination.
"""

from victimsupport.permissions.policies import (
    AnyOf,
    EveryRelated,
    Follows,
    ObjectGrants,
    OwnerOnly,
    PerAction,
    RoleAndRegion,
    RoleOnly,
)
from victimsupport.permissions.querysets import (
    GuardedManager,
    GuardedQuerySet,
    ensure_permitted,
    guarded,
    is_permitted,
    permitted_actions,
    visible_through,
)

__all__ = [
    "AnyOf",
    "EveryRelated",
    "Follows",
    "GuardedManager",
    "GuardedQuerySet",
    "ObjectGrants",
    "OwnerOnly",
    "PerAction",
    "RoleAndRegion",
    "RoleOnly",
    "ensure_permitted",
    "guarded",
    "is_permitted",
    "permitted_actions",
    "visible_through",
]
