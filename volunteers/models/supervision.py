"""Supervision of volunteers: the supervisor's contact log with each volunteer (the notes only the
supervisor and the coordinator read) and group supervision or co-vision sessions with attendance."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from victimsupport.history import history
from victimsupport.models import Region, Role
from victimsupport.permissions import AnyOf, OwnerOnly, RoleAndRegion, RoleOnly, guarded
from volunteers.models.registry import Volunteer


class SupervisionForm(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("phone")
    VIDEO = "video", _("video call")
    MESSAGE = "message", _("e-mail or message")


class SupervisionContact(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="supervision_contacts")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("supervisor")
    )
    happened_on = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=12, choices=SupervisionForm.choices)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    notes = models.TextField(
        _("notes"), max_length=4000, blank=True, default="", help_text=_("Only you and the coordinator read these.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = history()

    # Private between the supervisor and the coordinator.
    objects = guarded(AnyOf(OwnerOnly("supervisor"), RoleOnly((Role.COORDINATOR,))))

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("supervision contact")
        verbose_name_plural = _("supervision contacts")

    def __str__(self) -> str:
        return f"{self.volunteer} {self.happened_on:%d.%m.%Y}"


class GroupKind(models.TextChoices):
    GROUP = "group", _("group supervision")
    COVISION = "covision", _("co-vision")


class GroupSession(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=GroupKind.choices)
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("led by")
    )
    attendees = models.ManyToManyField(Volunteer, related_name="group_sessions", verbose_name=_("attended"))
    history = history()

    objects = guarded(
        AnyOf(RoleOnly((Role.COORDINATOR,)), RoleAndRegion((Role.REGIONAL_MANAGER,)), OwnerOnly("led_by"))
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d.%m.%Y}"
