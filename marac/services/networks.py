"""Networks, their member agencies and members (partner users)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marac.models import Agency, Membership, Network
from victimsupport.concurrency import assign_fields
from victimsupport.models import Role, User
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import check_field_rules, date_order, field_errors
from victimsupport.security import security_event

AGENCY_FIELDS = ["kind", "name"]
MEMBERSHIP_RULES = (date_order("starts_on", "ends_on"),)


def _may_change(actor: User, network: Network) -> None:
    if not is_permitted(actor, network, "change"):
        raise PermissionDenied


@transaction.atomic
def agency_add(*, actor: User, network: Network, kind: str, name: str) -> Agency:
    _may_change(actor, network)
    agency = Agency(network=network, kind=kind, name=name.strip())
    if Agency.objects.filter(network=network, name__iexact=agency.name).exists():
        raise ValidationError({"name": _("The network already has an agency of this name.")})
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def membership_add(
    *,
    actor: User,
    network: Network,
    agency: Agency,
    user: User,
    starts_on: date,
    ends_on: date | None = None,
    is_chair: bool = False,
    is_coordinator: bool = False,
) -> Membership:
    """A person of a member agency joins the network. A partner agency's member must be a MARAC partner
    user (who then must use the second factor); victim support's members are staff."""
    _may_change(actor, network)
    errors = {}
    if agency.network_id != network.pk:
        errors["agency"] = _("Choose an agency of this network.")
    elif agency.is_partner and not user.has_role(Role.MARAC_PARTNER):
        errors["user"] = _("A partner agency's member needs a MARAC partner user account.")
    elif not agency.is_partner and user.has_role(Role.MARAC_PARTNER):
        errors["user"] = _("Victim support's members are its own staff.")
    if not user.is_active:
        errors["user"] = _("This user account is not active.")
    elif network.county.region_id not in user.region_ids:
        errors["user"] = _("Choose a person who works in the network's region.")
    errors.update(field_errors(*MEMBERSHIP_RULES, starts_on=starts_on, ends_on=ends_on))
    overlapping = Membership.objects.filter(network=network, user=user).exclude(ends_on__lt=starts_on)
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if overlapping.exists():
        errors["user"] = _("This person is already a member of the network in this period.")
    if errors:
        raise ValidationError(errors)
    membership = Membership(
        network=network,
        agency=agency,
        user=user,
        starts_on=starts_on,
        ends_on=ends_on,
        is_chair=is_chair,
        is_coordinator=is_coordinator,
    )
    membership.full_clean()
    membership.save()
    security_event("marac_membership_add", actor=actor, network=network, member=user, starts_on=starts_on)
    return membership


@transaction.atomic
def membership_roles_set(*, actor: User, membership: Membership, is_chair: bool, is_coordinator: bool) -> Membership:
    """Mark who chairs and who coordinates (a network may have more than one of each, e.g. a deputy)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _may_change(actor, membership.network)
    if not membership.is_active:
        raise ValidationError(_("The membership has ended."))
    assign_fields(membership, {"is_chair": is_chair, "is_coordinator": is_coordinator}, ["is_chair", "is_coordinator"])
    membership.full_clean()
    membership.save()
    security_event("marac_membership_roles", actor=actor, network=membership.network_id, member=membership.user_id)
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: Membership, ends_on: date) -> Membership:
    """The membership ends on `ends_on` (inclusive): the partner's access to the network ends with it."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _may_change(actor, membership.network)
    check_field_rules(*MEMBERSHIP_RULES, starts_on=membership.starts_on, ends_on=ends_on)
    if membership.ends_on is not None and membership.ends_on < ends_on:
        raise ValidationError({"ends_on": _("The membership has already ended.")})
    membership.ends_on = ends_on
    membership.full_clean()
    membership.save()
    ensure_permitted(actor, membership.network, "change")
    security_event("marac_membership_end", actor=actor, network=membership.network, member=membership.user_id)
    return membership
