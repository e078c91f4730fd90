"""Anonymous counselling contacts: counted in statistics, no personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import AgeGroup, ContactChannel, IncidentType, Sex
from victimsupport.history import history
from victimsupport.models import County, Region, Role
from victimsupport.permissions import RoleAndRegion, guarded


class AnonymousContact(models.Model):
    happened_at = models.DateTimeField(_("time"), default=timezone.now)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("county")
    )
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    incident_type = models.CharField(_("crime or incident type"), max_length=30, choices=IncidentType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    # Topics only; never names, codes or contact details.
    topic = models.CharField(_("topic (no personal data)"), max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    converted_case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="from_anonymous_contact",
        verbose_name=_("turned into case"),
    )
    history = history()

    # No personal data here: the casework staff of the contact's region.
    objects = guarded(RoleAndRegion((Role.SPECIALIST, Role.REGIONAL_MANAGER)))

    class Meta:
        verbose_name = _("anonymous contact")
        verbose_name_plural = _("anonymous contacts")
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["region", "-happened_at"], name="anoncontact_region_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="anoncontact_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_incident_type_display()} {self.happened_at:%d.%m.%Y}"
