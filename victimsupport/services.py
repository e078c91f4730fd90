"""Platform services: regions and the users' roles and regions (which drive the region groups)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from victimsupport.celery import ActorTask
from victimsupport.middleware import ended_session_key
from victimsupport.models import Region, Role, User, UserSession
from victimsupport.models.users import CASEWORK_ROLES
from victimsupport.security import security_event

# Sent inside the transaction when a user's roles or regions changed: user=, actor=.
user_scope_changed = Signal()


def region_group_names(code: str) -> tuple[str, str]:
    return f"region:{code}:staff", f"region:{code}:managers"


@transaction.atomic
def region_create(*, code: str, name: str, actor: User | None = None) -> Region:
    staff_name, managers_name = region_group_names(code)
    staff, _ = Group.objects.get_or_create(name=staff_name)
    managers, _ = Group.objects.get_or_create(name=managers_name)
    region = Region(code=code, name=name, staff_group=staff, managers_group=managers)
    region.full_clean()
    region.save()
    security_event("region_created", actor=actor, region=region.code)
    return region


@transaction.atomic
def user_sync_region_groups(user: User, *, actor: User | None = None) -> None:
    """Staff and managers groups of the user's regions follow the user's roles and regions."""
    role_names = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    wanted: set[int] = set()
    for region in Region.objects.filter(pk__in=user.regions.values("pk")):
        if role_names & CASEWORK_ROLES:
            wanted.add(region.staff_group_id)
        if Role.REGIONAL_MANAGER in role_names:
            wanted.add(region.managers_group_id)
    region_groups = set(Group.objects.filter(name__startswith="region:", user=user).values_list("pk", flat=True))
    remove, add = region_groups - wanted, wanted - region_groups
    if remove:
        user.groups.remove(*remove)
    if add:
        user.groups.add(*add)
    if remove or add:
        security_event("region_groups_changed", actor=actor, user=user, added=sorted(add), removed=sorted(remove))
    user.__dict__.pop("roles", None)
    user.__dict__.pop("region_ids", None)
    user.__dict__.pop("group_ids", None)
    # Apps drop the user's own grants that the new roles and regions no longer cover.
    user_scope_changed.send(sender=User, user=user, actor=actor)


@transaction.atomic
def user_set_roles_and_regions(
    user: User, *, roles: Iterable[str], regions: Iterable[Region], actor: User | None = None
) -> None:
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    role_groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if current != roles:
        user.groups.remove(*[role_groups[name] for name in current - roles])
        user.groups.add(*[role_groups[name] for name in roles - current])
        security_event("roles_changed", actor=actor, user=user, roles=sorted(roles), previous=sorted(current))
    region_ids = {region.pk for region in regions}
    current_regions = set(user.regions.values_list("pk", flat=True))
    if current_regions != region_ids:
        user.regions.set(region_ids)
        security_event(
            "regions_changed", actor=actor, user=user, regions=sorted(region_ids), previous=sorted(current_regions)
        )
    user_sync_region_groups(user, actor=actor)


def user_sessions_end(user: User, *, actor: User, reason: str = "ended_by_administrator") -> int:
    """End every open session of `user` at once; the user is told at their next request."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for login_session in UserSession.objects.filter(user=user, ended_at__isnull=True):
        store(session_key=login_session.session_key).delete()
        cache.set(ended_session_key(login_session.session_key), "1", settings.SESSION_ABSOLUTE_SECONDS)
        login_session.ended_at = timezone.now()
        login_session.ended_by = actor
        login_session.end_reason = reason
        login_session.save(update_fields=["ended_at", "ended_by", "end_reason"])
        ended += 1
    security_event("sessions_ended", actor=actor, user=user, count=ended)
    return ended


@transaction.atomic
def user_deactivate(user: User, *, actor: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_sessions_end(user, actor=actor, reason="deactivated")
    user_scope_changed.send(sender=User, user=user, actor=actor)
    security_event("user_deactivated", actor=actor, user=user)


@shared_task(name="victimsupport.deactivate_user", base=ActorTask, ignore_result=True)
def deactivate_user(user_id: int, *, actor_id: int) -> None:
    """A leaver: the account is closed and every open session ended (history records the actor)."""
    user_deactivate(User.objects.get(pk=user_id), actor=User.objects.get(pk=actor_id))
