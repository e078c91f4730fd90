"""The volunteer's monthly expense report (kuluaruanne), built from the month's activity entries, and the
rules it is computed by (rates, the monthly limit and the deadline: data with effective dates)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.aid import MONEY
from victimsupport.history import history
from victimsupport.models import Role
from victimsupport.permissions import AnyOf, Follows, OwnerOnly, RoleOnly, guarded
from victimsupport.status import status_properties
from volunteers.models.registry import Volunteer

RATE = {"max_digits": 6, "decimal_places": 3}


class ExpenseRule(models.Model):
    """Rates, the monthly limit and the deadline in force from a day on (an administrator keeps them)."""

    effective_from = models.DateField(_("in force from"), unique=True)
    km_rate = models.DecimalField(_("rate per km (EUR)"), **RATE, validators=[MinValueValidator(Decimal("0"))])
    call_minute_rate = models.DecimalField(
        _("rate per call minute (EUR)"), **RATE, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    monthly_limit = models.DecimalField(_("monthly limit (EUR)"), **MONEY, validators=[MinValueValidator(0)])
    due_day = models.PositiveSmallIntegerField(
        _("report due by day of the next month"), default=10, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    note = models.CharField(_("source"), max_length=300, blank=True, default="")
    history = history()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("expense rule")
        verbose_name_plural = _("expense rules")

    def __str__(self) -> str:
        return f"{self.effective_from:%d.%m.%Y}: {self.km_rate} €/km, {self.monthly_limit} €"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("not submitted")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")
    SENT_FOR_PAYMENT = "sent", _("sent for payment")


# Once submitted, the month's entries no longer change (returned: they do again).
LOCKED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.SENT_FOR_PAYMENT)


@status_properties
class ExpenseReport(models.Model):
    STATUS_TONES = {"submitted": "info", "returned": "warn", "approved": "ok", "sent": "ok"}

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="expense_reports")
    month = models.DateField(_("month"))  # the first day
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    km = models.DecimalField(_("kilometres"), max_digits=8, decimal_places=1, default=Decimal("0"))
    call_minutes = models.PositiveIntegerField(_("call minutes"), default=0)
    travel_amount = models.DecimalField(_("travel"), **MONEY, default=Decimal("0"))
    call_amount = models.DecimalField(_("communication"), **MONEY, default=Decimal("0"))
    computed_amount = models.DecimalField(_("computed"), **MONEY, default=Decimal("0"))
    limit = models.DecimalField(_("monthly limit"), **MONEY, default=Decimal("0"))
    amount = models.DecimalField(_("amount to pay"), **MONEY, default=Decimal("0"))
    confirmed = models.BooleanField(_("the volunteer confirmed the data is correct"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("comment"), max_length=2000, blank=True, default="")
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, blank=True, default="")
    export = models.ForeignKey(
        "volunteers.ExpensePayment", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    version = models.PositiveIntegerField(default=1)
    history = history()

    # The volunteer: their own; staff: as they see the volunteer (coordinator, regional manager,
    # supervisor); the service organiser pays approved reports.
    objects = guarded(
        AnyOf(
            OwnerOnly("volunteer__user"),
            Follows("volunteer", target="volunteers.Volunteer", actions={"approve": "view"}),
            RoleOnly({"view": (Role.SERVICE_ORGANISER,), "pay": (Role.SERVICE_ORGANISER,)}),
        )
    )

    class Meta:
        ordering = ["-month", "volunteer_id"]
        verbose_name = _("expense report")
        verbose_name_plural = _("expense reports")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "month"], name="expense_report_once_a_month"),
            models.CheckConstraint(name="expense_report_month_first_day", condition=Q(month__day=1)),
            models.CheckConstraint(name="expense_report_within_limit", condition=Q(amount__lte=models.F("limit"))),
            models.CheckConstraint(
                name="expense_report_submitted_confirmed",
                condition=Q(status="draft") | Q(confirmed=True, submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="expense_report_paid_once", condition=Q(export__isnull=True) | Q(status="sent")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.month:%m.%Y}"

    @property
    def capped(self) -> bool:
        return self.computed_amount > self.amount


class ExpensePayment(models.Model):
    """A batch of approved expense reports sent for payment: a CSV for accounting and a pain.001 file."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    execution_date = models.DateField(_("payment date"))
    total = models.DecimalField(_("total"), **MONEY)
    csv_file = models.FileField(upload_to="volunteer-payments/%Y/", max_length=300)
    xml_file = models.FileField(upload_to="volunteer-payments/%Y/", max_length=300)
    xml_sha256 = models.CharField(max_length=64)
    history = history()

    objects = guarded(RoleOnly((Role.SERVICE_ORGANISER,)))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("volunteer expense payment")
        verbose_name_plural = _("volunteer expense payments")

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.total}"
