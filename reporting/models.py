"""Statistics: monthly figures per county computed by a worker (no personal data), and a record of each
computation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victimsupport.models import County, Region


class StatisticsRun(models.Model):
    """One computation of a year's monthly figures (nightly, or asked for by a user)."""

    year = models.PositiveSmallIntegerField(_("year"))
    computed_at = models.DateTimeField(default=timezone.now)
    # Empty for the nightly run.
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    seconds = models.FloatField(default=0)
    # What was counted: {"figures": rows written, "measures": {measure: rows}}.
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = _("statistics run")
        verbose_name_plural = _("statistics runs")
        indexes = [models.Index(fields=["year", "-computed_at"], name="statsrun_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} ({self.computed_at:%d.%m.%Y %H:%M})"


class MonthlyFigure(models.Model):
    """A count or a sum of one month in one county (or, for figures kept per region, one region), by one
    category (a crime type, a channel, ...; empty when the measure has none). Figures of a year are
    replaced as a whole by each run, so any period made of whole months is a sum of rows."""

    month = models.DateField()  # the first day
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    measure = models.CharField(max_length=40)
    category = models.CharField(max_length=40, blank=True, default="")
    value = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        indexes = [models.Index(fields=["month", "region"], name="figure_month_region_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region", "county", "measure", "category"],
                name="figure_one_per_cell",
                nulls_distinct=False,
            ),
            models.CheckConstraint(name="figure_month_first_day", condition=models.Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} {self.measure} {self.category}: {self.value}"


class YearlyReport(models.Model):
    """The yearly report of a year in one language: a registered public document (figures only, small
    counts hidden). Made again, it is a new document that supersedes the earlier one."""

    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=8)
    document = models.OneToOneField(
        "victimsupport.RegisteredDocument", on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    # The job that made it: a second run of the same job finds the report instead of making another.
    job = models.OneToOneField("victimsupport.Job", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")

    def __str__(self) -> str:
        return f"{self.year} ({self.language})"
