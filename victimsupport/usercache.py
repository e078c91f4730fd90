"""The signed-in user, with roles, regions and whether they have a second factor, read from the cache:
every request needs them, and their query (with the second-factor check) was most of an empty page's
CPU. Every write that changes them (the user's row, their groups or regions, a device) forgets the
cached copy at once and again when its transaction commits, so a request running beside the write
cannot keep the old copy; the copy expires after USER_CACHE_SECONDS in any case."""

from __future__ import annotations

import operator
from functools import cache as once
from functools import reduce

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django_otp import device_classes

from victimsupport.models import Region, Role, User


@once
def device_kinds() -> tuple:
    return tuple(device_classes())  # django-otp looks through every installed model each time


def device_exists():
    any_kind = [Exists(kind.objects.filter(user=OuterRef("pk"), confirmed=True)) for kind in device_kinds()]
    return reduce(operator.or_, any_kind)


def with_roles_and_regions(users):
    return users.annotate(
        role_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
        region_id_list=ArraySubquery(Region.objects.filter(users=OuterRef("pk")).values("pk")),
        group_id_list=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("pk")),
    )


def _key(pk) -> str:
    return f"auth-user:{pk}"


def load_user(pk) -> User | None:
    """The user with `roles`, `region_ids`, `group_ids` and `has_device` set (None: no such user)."""
    key = _key(pk)
    user = cache.get(key)
    if user is None:
        user = with_roles_and_regions(User._default_manager.filter(pk=pk)).annotate(has_device=device_exists()).first()
        if user is None:
            return None
        # The values User.roles, region_ids and group_ids would otherwise each query for.
        user.__dict__["roles"] = frozenset(set(user.role_names) & set(Role.values)) if user.is_active else frozenset()
        user.__dict__["region_ids"] = frozenset(user.region_id_list)
        user.__dict__["group_ids"] = frozenset(user.group_id_list)
        cache.set(key, user, settings.USER_CACHE_SECONDS)
    return user


def forget_users(pks) -> None:
    keys = [_key(pk) for pk in pks if pk is not None]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _user_changed(sender, instance, **kwargs):
    forget_users([instance.pk])


def _device_changed(sender, instance, **kwargs):
    forget_users([instance.user_id])


def _members(instance) -> list:
    return list(
        instance.user_set.values_list("pk", flat=True)
        if isinstance(instance, Group)
        else instance.users.values_list("pk", flat=True)
    )


def _membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # a user's groups or regions
        forget_users([instance.pk])
    elif action == "pre_clear":  # a group's or region's members, all removed
        forget_users(_members(instance))
    elif pk_set:
        forget_users(pk_set)


def _container_changed(sender, instance, **kwargs):
    # A role is its group's name; deleting a group or region removes its members without m2m signals.
    if instance.pk is not None:
        forget_users(_members(instance))


def connect() -> None:
    post_save.connect(_user_changed, sender=User, dispatch_uid="usercache-user-save")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="usercache-user-delete")
    m2m_changed.connect(_membership_changed, sender=User.groups.through, dispatch_uid="usercache-groups")
    m2m_changed.connect(_membership_changed, sender=User.regions.through, dispatch_uid="usercache-regions")
    post_save.connect(_container_changed, sender=Group, dispatch_uid="usercache-group-save")
    pre_delete.connect(_container_changed, sender=Group, dispatch_uid="usercache-group-delete")
    pre_delete.connect(_container_changed, sender=Region, dispatch_uid="usercache-region-delete")
    for kind in device_kinds():
        post_save.connect(_device_changed, sender=kind, dispatch_uid=f"usercache-device-save-{kind._meta.label}")
        post_delete.connect(_device_changed, sender=kind, dispatch_uid=f"usercache-device-delete-{kind._meta.label}")
