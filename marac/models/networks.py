"""MARAC networks: one core group per county (a county may have more than one), its member agencies
and their people. A partner's access follows an active membership: it starts and ends on dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marac.policies import ActiveMember
from victimsupport.history import history
from victimsupport.models import County, Role
from victimsupport.permissions import AnyOf, Follows, GuardedQuerySet, PerAction, RoleAndRegion, guarded

# Who runs networks: the coordinator and the regional manager of the network's region.
ORGANISERS = (Role.COORDINATOR, Role.REGIONAL_MANAGER)
STAFF_READERS = (Role.COORDINATOR, Role.REGIONAL_MANAGER, Role.SPECIALIST)


class AgencyKind(models.TextChoices):
    POLICE = "police", _("police")
    LOCAL_GOVERNMENT = "local_government", _("local government")
    CHILD_PROTECTION = "child_protection", _("child protection")
    WOMENS_SUPPORT = "womens_support", _("women's support centre")
    PROSECUTOR = "prosecutor", _("prosecutor's office")
    HEALTH = "health", _("health care")
    VICTIM_SUPPORT = "victim_support", _("victim support")
    OTHER = "other", _("other")


class Network(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="marac_networks", verbose_name=_("county")
    )
    meeting_place = models.CharField(_("usual meeting place"), max_length=200, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    history = history()

    objects = guarded(
        PerAction(
            {"view": AnyOf(RoleAndRegion(STAFF_READERS, "county__region"), ActiveMember("pk"))},
            default=RoleAndRegion(ORGANISERS, "county__region"),
        )
    )

    class Meta:
        ordering = ["county__name", "name"]
        verbose_name = _("MARAC network")
        verbose_name_plural = _("MARAC networks")
        default_permissions = ("view", "add", "change")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A member agency of a network (the county's police prefecture, a municipality, ...)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("network"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    history = history()

    objects = guarded(Follows("network", target="marac.Network"))

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("member agency")
        verbose_name_plural = _("member agencies")
        default_permissions = ("view", "change")
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="marac_agency_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind != AgencyKind.VICTIM_SUPPORT


class MembershipQuerySet(GuardedQuerySet):
    def active_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(ends_on=None) | Q(ends_on__gte=day), starts_on__lte=day)


class Membership(models.Model):
    """A person of a member agency in the network, from `starts_on` to `ends_on` (inclusive)."""

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("network")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("agency"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="marac_memberships", verbose_name=_("person")
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    history = history()

    objects = guarded(Follows("network", target="marac.Network"), MembershipQuerySet)

    class Meta:
        ordering = ["agency__kind", "user__last_name", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        default_permissions = ("view", "change")
        constraints = [
            models.CheckConstraint(
                name="marac_membership_period", condition=Q(ends_on=None) | Q(ends_on__gte=F("starts_on"))
            ),
        ]
        indexes = [models.Index(fields=["user", "network"], name="marac_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency})"

    def is_active_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on()
