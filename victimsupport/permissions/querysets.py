"""`restrict(user, action)`: the one read entry point for guarded models."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from victimsupport.sql import ProbeExists


def permission_id(model: type[models.Model], action: str) -> Subquery:
    """The permission's id as a scalar subquery: PostgreSQL computes it once per query (an InitPlan)
    and then probes the grant tables' unique (holder, permission, object) index with it."""
    meta = model._meta
    return Subquery(
        Permission.objects.filter(
            codename=f"{action}_{meta.model_name}",
            content_type__app_label=meta.app_label,
            content_type__model=meta.model_name,
        ).values("pk")[:1]
    )


def grant_condition(model: type[models.Model], user, action: str, outer: str = "pk") -> Q:
    """A condition on `outer` (a path to the guarded model's pk) that holds where `user` has `action`
    on the object, by a grant to the user or to one of the user's groups. Global (model-level)
    permissions never count, and neither does being a superuser (accept_global_perms=False)."""
    user_perms = get_user_obj_perms_model(model)
    group_perms = get_group_obj_perms_model(model)
    if user_perms.objects.is_generic() or group_perms.objects.is_generic():
        raise TypeError(f"{model.__name__} needs direct-FK object permission tables")
    permission = permission_id(model, action)
    by_user = user_perms.objects.filter(content_object=OuterRef(outer), user_id=user.pk, permission_id=permission)
    group_ids = sorted(user.group_ids)
    if not group_ids:
        # Personal grants only (usually few): a plain EXISTS, which the planner makes a semi-join.
        return Q(Exists(by_user))
    by_group = group_perms.objects.filter(
        content_object=OuterRef(outer), group_id__in=group_ids, permission_id=permission
    )
    return Q(ProbeExists(by_user)) | Q(ProbeExists(by_group))


def may_act(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_through(model: type[models.Model], user, action: str, path: str) -> Q:
    """restrict()'s condition on `model`, for the object at `path` from another model (a task's
    case, a decision's case): probed row by row, never a list of every object the user may see,
    which for a regional manager is half a million cases."""
    if not may_act(user):
        return Q(pk__in=[])
    return grant_condition(model, user, action, outer=path)


class GuardedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> GuardedQuerySet:
        """The objects on which `user` holds `action` (view, change, ...) through object grants."""
        if not may_act(user):
            return self.none()
        return self.filter(grant_condition(self.model, user, action))


GuardedManager = models.Manager.from_queryset(GuardedQuerySet)


def is_permitted(user, obj: models.Model, action: str) -> bool:
    """Whether `user` holds `action` on `obj`, asked through the same restrict()."""
    return type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()
