"""Assignments of a volunteer to a case, and the volunteer's activity log.

Staff see an assignment through its case. The volunteer sees it through an object grant that the
assignment services write and remove (the grant ends the day after the assignment ends), and then only
the client card: never the case.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from victimsupport.history import history
from victimsupport.permissions import AnyOf, Follows, ObjectGrants, OwnerOnly, guarded
from volunteers.models.registry import Volunteer

KM = {"max_digits": 7, "decimal_places": 1}


class Assignment(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("volunteer")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="volunteer_assignments", verbose_name=_("case")
    )
    # What the volunteer knows the client by (reports use it, never the name).
    client_code = models.CharField(_("client code"), max_length=12, unique=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    tasks = models.TextField(_("agreed tasks"), max_length=2000)
    address_needed = models.BooleanField(
        _("the tasks need the client's address"),
        default=False,
        help_text=_("Only then does the volunteer see the address (never a confidential one)."),
    )
    conflict_findings = models.JSONField(_("conflict check"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_early_on = models.DateField(_("ended early on"), null=True, blank=True)
    access_removed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(AnyOf(Follows("case"), ObjectGrants()))

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        default_permissions = ("view", "change")
        constraints = [
            models.CheckConstraint(name="assignment_period_order", condition=Q(ends_on__gte=F("starts_on"))),
        ]
        indexes = [models.Index(fields=["ends_on"], name="assignment_ends_idx", condition=Q(access_removed_at=None))]

    def __str__(self) -> str:
        return self.client_code


class AssignmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class AssignmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    CALL = "call", _("phone call")
    ACCOMPANIMENT = "accompaniment", _("accompaniment to police or court")
    OTHER = "other", _("other")


class ActivityEntry(models.Model):
    """One activity of a volunteer with a client: the minimum of the activity report, plus the trip and
    the call minutes the expense report is built from."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="activities", verbose_name=_("client")
    )
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="activities")
    happened_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    trip_from = models.CharField(_("trip from"), max_length=200, blank=True, default="")
    trip_to = models.CharField(_("trip to"), max_length=200, blank=True, default="")
    km = models.DecimalField(_("kilometres"), **KM, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    call_minutes = models.PositiveIntegerField(_("call minutes"), default=0)
    note = models.TextField(_("note"), max_length=4000, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = history()

    # The volunteer: their own entries (also after the assignment ended); staff: through the case.
    objects = guarded(AnyOf(OwnerOnly("volunteer__user"), Follows("assignment__case")))

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["volunteer", "happened_on"], name="activity_volunteer_day_idx")]
        constraints = [
            models.CheckConstraint(name="activity_km_not_negative", condition=Q(km__gte=0)),
            models.CheckConstraint(
                name="activity_trip_has_ends",
                condition=Q(km=0) | (~Q(trip_from="") & ~Q(trip_to="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%d.%m.%Y}"
