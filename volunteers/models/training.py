"""Training of volunteers: base and further trainings as events, attendance, and hours approved by the
coordinator."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from victimsupport.history import history
from victimsupport.models import Region, Role
from victimsupport.permissions import Follows, PerAction, RoleOnly, guarded
from volunteers.models.registry import Volunteer

HOURS = {"max_digits": 5, "decimal_places": 1}


class TrainingKind(models.TextChoices):
    BASE = "base", _("base training")
    FURTHER = "further", _("further training")
    SUPERVISORS = "supervisors", _("training for supervisors")


class Training(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=TrainingKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), **HOURS, validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))]
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True, default="")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = history()

    # The coordinator runs trainings nationwide; regional managers read every training (an event holds no
    # personal data: who attended is an attendance, seen as its volunteer is).
    objects = guarded(
        PerAction(
            {"view": RoleOnly((Role.COORDINATOR, Role.REGIONAL_MANAGER))},
            default=RoleOnly((Role.COORDINATOR,)),
        )
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return f"{self.topic} {self.held_on:%d.%m.%Y}"


class TrainingAttendance(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendances")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="trainings")
    attended = models.BooleanField(_("attended"), default=True)
    hours = models.DecimalField(_("hours"), **HOURS, validators=[MinValueValidator(Decimal("0"))])
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = history()

    # As the volunteer is seen (coordinator, regional manager, supervisor); changes by the coordinator.
    objects = guarded(Follows("volunteer", target="volunteers.Volunteer"))

    class Meta:
        ordering = ["training__held_on", "pk"]
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")
        constraints = [
            models.UniqueConstraint(fields=["training", "volunteer"], name="training_attendance_once"),
            models.CheckConstraint(
                name="training_approved_has_approver",
                condition=Q(approved_at__isnull=True) | Q(approved_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.training}"
