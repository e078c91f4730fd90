"""`restrict(user, action)`: the one read entry point for guarded models."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q

from victimsupport.permissions.policies import Follows, ObjectGrants, Policy, granted_actions


def may_act(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_through(model: type[models.Model], user, action: str, path: str) -> Q:
    """restrict()'s condition on `model`, for the object at `path` from another model (a task's
    case, a decision's case): probed row by row, never a list of every object the user may see,
    which for a regional manager is half a million cases."""
    if not may_act(user):
        return Q(pk__in=[])
    condition = Follows(path, target=model._meta.label).condition(None, user, action)
    return Q(pk__in=[]) if condition is None else condition


class GuardedQuerySet(models.QuerySet):
    """The base of every guarded model's queryset. `policy` says how the model's scope is decided."""

    policy: Policy = ObjectGrants()

    def restrict(self, user, action: str = "view") -> GuardedQuerySet:
        """The rows on which `user` may do `action` (view, change, ...), as the model's policy decides.
        Inactive and anonymous users get nothing, whatever the policy."""
        if not may_act(user):
            return self.none()
        condition = self.policy.condition(self.model, user, action)
        return self.none() if condition is None else self.filter(condition)


GuardedManager = models.Manager.from_queryset(GuardedQuerySet)


def guarded(policy: Policy, queryset: type[GuardedQuerySet] = GuardedQuerySet) -> models.Manager:
    """A manager whose restrict() applies `policy`: `objects = guarded(Follows("case"))`."""
    restricted = type(f"{type(policy).__name__}QuerySet", (queryset,), {"policy": policy})
    return models.Manager.from_queryset(restricted)()


def is_permitted(user, obj: models.Model, action: str) -> bool:
    """Whether `user` holds `action` on `obj`, asked through the same restrict()."""
    return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()


def permitted_actions(user, obj: models.Model, *actions: str) -> frozenset[str]:
    """Which of `actions` `user` holds on `obj`, in one query (a page that shows its buttons by two or
    three permissions asks once). An object under ObjectGrants: its grant rows for the user and the
    user's groups, read directly (restrict() asks the same rows); any other policy: through restrict()."""
    if not may_act(user):
        return frozenset()
    manager = type(obj)._default_manager
    if isinstance(manager.get_queryset().policy, ObjectGrants):
        return granted_actions(type(obj), user, obj.pk, actions)
    checks = {f"may_{action}": Exists(manager.restrict(user, action).filter(pk=OuterRef("pk"))) for action in actions}
    row = manager.filter(pk=obj.pk).values(**checks).first() or {}
    return frozenset(action for action in actions if row.get(f"may_{action}"))


def ensure_permitted(user, obj: models.Model, action: str) -> None:
    """The re-check after a write, inside the transaction: raises (and so rolls back) if the write
    moved the object out of the user's reach."""
    if not is_permitted(user, obj, action):
        raise PermissionDenied
