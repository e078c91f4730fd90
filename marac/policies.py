"""Scope policies of the MARAC app, built on the platform's `Policy` (victimsupport.permissions).

A partner's reach is a membership that is active today: `ActiveMember` for a network's own rows, and
`MemberOnAgenda` for MARAC cases, which a member sees only once the case is on an agenda of their
network, and no longer after it closes.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from victimsupport.permissions.policies import Policy


def active_memberships(user, network_ref):
    return apps.get_model("marac", "Membership").objects.active_on().filter(user_id=user.pk, network_id=network_ref)


class ActiveMember(Policy):
    """Users with a membership, active today, of the network at `network_path` (view only)."""

    def __init__(self, network_path: str = "network", actions: tuple[str, ...] = ("view",)):
        self.network_path, self.actions = network_path, actions

    def condition(self, model, user, action):
        if action not in self.actions:
            return None
        return Q(Exists(active_memberships(user, OuterRef(self.network_path))))


class MemberOnAgenda(Policy):
    """MARAC cases (at `case_path`) of the user's networks that are on an agenda and not closed."""

    def __init__(self, case_path: str = ""):
        self.prefix = f"{case_path}__" if case_path else ""

    def condition(self, model, user, action):
        if action != "view":
            return None
        AgendaItem = apps.get_model("marac", "AgendaItem")
        pk = f"{self.prefix}pk" if self.prefix else "pk"
        on_agenda = AgendaItem.objects.filter(referral_id=OuterRef(pk))
        member = active_memberships(user, OuterRef(f"{self.prefix}network"))
        return Q(Exists(on_agenda)) & Q(Exists(member)) & ~Q(**{f"{self.prefix}status": "closed"})


class OwnAction(Policy):
    """The member an action is assigned to, while their membership lasts and the MARAC case is open."""

    def condition(self, model, user, action):
        member = active_memberships(user, OuterRef("referral__network"))
        return Q(owner_id=user.pk) & Q(Exists(member)) & ~Q(referral__status="closed")
