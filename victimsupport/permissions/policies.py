"""Scope policies: how a guarded model decides who may do what with its rows.

Every guarded model's queryset derives from `GuardedQuerySet`, and the model states its policy in one
line (`objects = guarded(Follows("case"))`); `restrict(user, action)` applies it. A policy turns
(user, action) into a condition on the model's rows, or None for "nothing". The active-user check is
done once, in restrict(), before any policy is asked.

- ObjectGrants: guardian object grants in the model's direct-FK tables (cases, persons).
- Follows(path): whatever the user may do with the object at `path` (an aid decision follows its case).
- RoleAndRegion(roles, region_path): users with one of the roles, for rows of the regions they work in.
- RoleOnly(roles): users with one of the roles, every row (reference data such as providers).
- OwnerOnly(field): the user named in `field` (a job belongs to whoever started it).
- AnyOf(...), PerAction({...}), EveryRelated(...): policies combined.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from victimsupport.permissions.ids import permission_pk
from victimsupport.sql import RowExists


def permission_id(model: type[models.Model], action: str) -> int | None:
    """The id of the permission for `action` on `model` (read once per process: permissions.ids)."""
    meta = model._meta
    return permission_pk(meta.app_label, meta.model_name, f"{action}_{meta.model_name}")


def _grant_tables(model: type[models.Model]) -> tuple[type[models.Model], type[models.Model]]:
    user_perms = get_user_obj_perms_model(model)
    group_perms = get_group_obj_perms_model(model)
    if user_perms.objects.is_generic() or group_perms.objects.is_generic():
        raise TypeError(f"{model.__name__} needs direct-FK object permission tables")
    return user_perms, group_perms


def grant_rows(model: type[models.Model], user, content_object, **permission) -> tuple[QuerySet, QuerySet | None]:
    """The grant rows of `user` on `content_object` (a pk, or an OuterRef to one) for the permission(s)
    in `permission`: (the user's own, the user's groups' or None without groups). The one rule: a grant
    to the user or to one of the user's groups; global (model-level) permissions never count, and neither
    does being a superuser (accept_global_perms=False)."""
    user_perms, group_perms = _grant_tables(model)
    by_user = user_perms.objects.filter(content_object=content_object, user_id=user.pk, **permission)
    group_ids = sorted(user.group_ids)
    if not group_ids:
        return by_user, None
    return by_user, group_perms.objects.filter(content_object=content_object, group_id__in=group_ids, **permission)


def grant_condition(model: type[models.Model], user, action: str, outer: str = "pk") -> Q:
    """A condition on `outer` (a path to the guarded model's pk) that holds where `user` has `action`
    on the object (grant_rows)."""
    permission = permission_id(model, action)
    if permission is None:
        return Q(pk__in=[])  # no such permission: nobody holds it
    user_perms, group_perms = _grant_tables(model)
    # The rows grant_rows() reads, as written-out EXISTS (victimsupport.sql.RowExists: the same SQL).
    by_user = {"permission": permission, "user": user.pk}
    if not user.group_ids:
        # Personal grants only (usually few): a plain EXISTS, which the planner makes a semi-join.
        return Q(RowExists(user_perms, "content_object", outer, by_user))
    by_group = {"group": sorted(user.group_ids), "permission": permission}
    return Q(RowExists(user_perms, "content_object", outer, by_user, probe=True)) | Q(
        RowExists(group_perms, "content_object", outer, by_group, probe=True)
    )


def granted_actions(model: type[models.Model], user, pk, actions) -> frozenset[str]:
    """Which of `actions` `user` holds on the `model` object `pk` (grant_rows), in one query."""
    wanted = {permission_id(model, action): action for action in actions}
    wanted.pop(None, None)
    if not wanted:
        return frozenset()
    by_user, by_group = grant_rows(model, user, pk, permission_id__in=wanted)
    held = by_user.values("permission_id")
    if by_group is not None:
        held = held.union(by_group.values("permission_id"))
    return frozenset(wanted[row["permission_id"]] for row in held)


class Policy:
    def condition(self, model: type[models.Model], user, action: str) -> Q | None:
        raise NotImplementedError


class ObjectGrants(Policy):
    """Object grants (guardian, direct-FK tables): probed per row, never a list of granted ids."""

    def condition(self, model, user, action):
        return grant_condition(model, user, action)


class Follows(Policy):
    """What the user may do with the object at `path`, decided by that object's own policy. `actions`
    maps this model's actions onto the target's (e.g. approving an invoice is "assign" on its case)."""

    def __init__(self, path: str, target: str = "cases.Case", actions: Mapping[str, str] | None = None):
        self.path, self.target, self.actions = path, target, dict(actions or {})

    def condition(self, model, user, action):
        target = apps.get_model(self.target)
        target_action = self.actions.get(action, action)
        policy = target._default_manager.get_queryset().policy
        if isinstance(policy, ObjectGrants):
            return grant_condition(target, user, target_action, outer=self.path)
        inner = policy.condition(target, user, target_action)
        if inner is None:
            return None
        return Q(Exists(target._default_manager.filter(inner, pk=OuterRef(self.path))))


class RoleAndRegion(Policy):
    """Users holding one of `roles` (per action: a mapping), for rows of the regions they work in."""

    def __init__(self, roles: tuple[str, ...] | Mapping[str, tuple[str, ...]], region_path: str = "region"):
        self.roles, self.region_path = roles, region_path

    def condition(self, model, user, action):
        roles = self.roles.get(action, ()) if isinstance(self.roles, Mapping) else self.roles
        if not roles or not user.has_role(*roles):
            return None
        return Q(**{f"{self.region_path}__in": user.region_ids})


class RoleOnly(Policy):
    """Users holding one of `roles` (per action: a mapping), every row."""

    def __init__(self, roles: tuple[str, ...] | Mapping[str, tuple[str, ...]]):
        self.roles = roles

    def condition(self, model, user, action):
        roles = self.roles.get(action, ()) if isinstance(self.roles, Mapping) else self.roles
        return Q() if roles and user.has_role(*roles) else None


class OwnerOnly(Policy):
    def __init__(self, field: str = "created_by"):
        self.field = field

    def condition(self, model, user, action):
        return Q(**{self.field: user.pk})


class AnyOf(Policy):
    """Rows any of the policies allows."""

    def __init__(self, *policies: Policy):
        self.policies = policies

    def condition(self, model, user, action):
        found = [c for p in self.policies if (c := p.condition(model, user, action)) is not None]
        if not found:
            return None
        if any(not condition for condition in found):
            return Q()  # one policy allows every row (Q() | Q(x) would be just Q(x) in Django)
        combined = found[0]
        for condition in found[1:]:
            combined |= condition
        return combined


class PerAction(Policy):
    """A policy per action; `default` for the actions not named."""

    def __init__(self, policies: Mapping[str, Policy], default: Policy | None = None):
        self.policies, self.default = dict(policies), default

    def condition(self, model, user, action):
        policy = self.policies.get(action, self.default)
        return None if policy is None else policy.condition(model, user, action)


class EveryRelated(Policy):
    """Rows whose related rows (`related` model, joined by `field`) exist and are all within the related
    model's own restrict(): a file of invoices is seen whole, or not at all."""

    def __init__(self, related: str, field: str):
        self.related, self.field = related, field

    def condition(self, model, user, action):
        related = apps.get_model(self.related)
        inner = related._default_manager.get_queryset().policy.condition(related, user, action)
        if inner is None:
            return None
        rows = related._default_manager.filter(**{self.field: OuterRef("pk")})
        return Q(Exists(rows)) & ~Q(Exists(rows.exclude(inner)))
