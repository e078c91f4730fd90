"""The signed-in user, with roles, regions and whether they have a second factor, read from the cache:
every request needs them, and their query (with the second-factor check) was most of an empty page's
CPU. Every write that changes them (the user's row, their groups or regions, a device) forgets the
cached copy, at once and again when its transaction commits, by giving the user a new generation: a copy
is used only while the generation it was read under is still the user's, so a request that read the
row before the commit and stores its copy after it cannot keep the old copy. A copy expires after
USER_CACHE_SECONDS in any case."""

from __future__ import annotations

import operator
import uuid
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


def _keys(pk) -> tuple[str, str]:
    key = f"auth-user:{settings.DATABASES['default']['NAME']}:{pk}"  # one Redis may serve several databases
    return key, f"{key}:generation"


def load_user(pk) -> User | None:
    """The user with `roles`, `region_ids`, `group_ids`, `otp_devices` and `has_device` set (None: no such
    user)."""
    key, generation_key = _keys(pk)
    found = cache.get_many([key, generation_key])
    generation, copy = found.get(generation_key), found.get(key)
    if copy is not None and copy[0] == generation:
        return copy[1]
    user = with_roles_and_regions(User._default_manager.filter(pk=pk)).first()
    if user is None:
        return None
    # The confirmed second factors, by django-otp's persistent id: the session names the one given.
    devices = {
        device.persistent_id: device
        for kind in device_kinds()
        for device in kind.objects.filter(user=user, confirmed=True)
    }
    user.__dict__["otp_devices"] = devices
    user.__dict__["has_device"] = bool(devices)
    # The values User.roles, region_ids and group_ids would otherwise each query for.
    user.__dict__["roles"] = frozenset(set(user.role_names) & set(Role.values)) if user.is_active else frozenset()
    user.__dict__["region_ids"] = frozenset(user.region_id_list)
    user.__dict__["group_ids"] = frozenset(user.group_id_list)
    cache.set(key, (generation, user), settings.USER_CACHE_SECONDS)
    return user


def forget_users(pks) -> None:
    keys = [_keys(pk) for pk in set(pks) if pk is not None]
    if not keys:
        return

    def forget():
        # The generation outlives every copy read under the one before it.
        cache.set_many({generation: uuid.uuid4().hex for _, generation in keys}, settings.USER_CACHE_SECONDS + 60)
        cache.delete_many([key for key, _ in keys])

    forget()
    transaction.on_commit(forget, robust=True)  # a cache error must not cancel the transaction's other callbacks


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
