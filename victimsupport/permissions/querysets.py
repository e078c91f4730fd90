"""`restrict(user, action)`: the one read entry point for guarded models."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef, Q
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model


def permission_filter(model: type[models.Model], action: str) -> dict:
    meta = model._meta
    return {
        "permission__codename": f"{action}_{meta.model_name}",
        "permission__content_type__app_label": meta.app_label,
        "permission__content_type__model": meta.model_name,
    }


def grant_condition(model: type[models.Model], user, action: str, outer: str = "pk") -> Q:
    """A condition on `outer` (a path to the guarded model's pk) that holds where `user` has `action`
    on the object, by a grant to the user or to one of the user's groups. Global (model-level)
    permissions never count, and neither does being a superuser (accept_global_perms=False)."""
    user_perms = get_user_obj_perms_model(model)
    group_perms = get_group_obj_perms_model(model)
    if user_perms.objects.is_generic() or group_perms.objects.is_generic():
        raise TypeError(f"{model.__name__} needs direct-FK object permission tables")
    perm = permission_filter(model, action)
    memberships = get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")
    by_user = user_perms.objects.filter(content_object=OuterRef(outer), user_id=user.pk, **perm)
    by_group = group_perms.objects.filter(content_object=OuterRef(outer), group_id__in=memberships, **perm)
    return Q(Exists(by_user)) | Q(Exists(by_group))


def may_act(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


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
