"""Statistics runs: computed by a worker, stored as figures (no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatisticsRun(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seconds = models.FloatField(default=0)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = _("statistics run")
        verbose_name_plural = _("statistics runs")
        indexes = [models.Index(fields=["year", "-computed_at"], name="statsrun_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} ({self.computed_at:%d.%m.%Y %H:%M})"
