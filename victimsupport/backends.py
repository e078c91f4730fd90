"""The model backend, with the signed-in user's roles and regions loaded in the same query as the user:
every page needs both, and three round trips per request add up at national scale."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from victimsupport.models import Region, Role, User


def with_roles_and_regions(users):
    return users.annotate(
        role_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
        region_id_list=ArraySubquery(Region.objects.filter(users=OuterRef("pk")).values("pk")),
        group_id_list=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("pk")),
    )


class Backend(ModelBackend):
    def get_user(self, user_id):
        user = with_roles_and_regions(User._default_manager.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        # The values User.roles, region_ids and group_ids would otherwise each query for.
        user.__dict__["roles"] = frozenset(set(user.role_names) & set(Role.values)) if user.is_active else frozenset()
        user.__dict__["region_ids"] = frozenset(user.region_id_list)
        user.__dict__["group_ids"] = frozenset(user.group_id_list)
        return user
