"""Invoices from providers: per-session lines checked against the referral, contract and cap; approved by
a second person; exported for payment once."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Person
from cases.models.aid import MONEY, ServiceType
from referrals.models.providers import Provider, ProviderSpecialist
from referrals.models.referrals import Referral
from victimsupport.history import history
from victimsupport.models import Region, Role
from victimsupport.permissions import AnyOf, EveryRelated, Follows, PerAction, RoleAndRegion, guarded
from victimsupport.status import status_properties


class BillingPolicy(models.Model):
    """Billing settings kept as data (one row)."""

    payment_days = models.PositiveSmallIntegerField(
        _("payment due (days after receipt)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    payer_name = models.CharField(_("payer name"), max_length=70, default="Sotsiaalkindlustusamet")
    payer_iban = models.CharField(_("payer IBAN"), max_length=34, default="EE891010220034796011")
    payer_bic = models.CharField(_("payer BIC"), max_length=11, default="EEUHEE2X")
    history = history()

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return str(_("Billing settings"))

    @classmethod
    def current(cls) -> BillingPolicy:
        return cls.objects.order_by("pk").first() or cls()


class YearlyBudget(models.Model):
    """The year's budget for mental-health aid, per region or for the whole country (no region)."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    amount = models.DecimalField(_("budget (EUR)"), validators=[MinValueValidator(0)], **MONEY)
    history = history()

    class Meta:
        ordering = ["-year", "region__name"]
        verbose_name = _("yearly budget")
        verbose_name_plural = _("yearly budgets")
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="budget_year_region_unique", nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region or '—'}: {self.amount}"


class InvoiceStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    CHECKED = "checked", _("checked")
    APPROVED = "approved", _("approved")
    SENT_FOR_PAYMENT = "sent", _("sent for payment")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


# An invoice number as providers write them: letters, digits and - / . _ or spaces, starting with a letter or
# a digit. Nothing else (no = + - @ first), so it can never become a formula in a spreadsheet.
INVOICE_NUMBER_MAX_LENGTH = 40
INVOICE_NUMBER_RE = re.compile(r"[^\W_][\w\-/. ]*")


def validate_invoice_number(value: str) -> None:
    """The one rule for an invoice number: the model, the form and the CSV import use it."""
    if len(value or "") > INVOICE_NUMBER_MAX_LENGTH:
        raise ValidationError(
            _("An invoice number has at most %(limit)s characters."),
            code="max_length",
            params={"limit": INVOICE_NUMBER_MAX_LENGTH},
        )
    if not INVOICE_NUMBER_RE.fullmatch(value or ""):
        raise ValidationError(
            _("An invoice number has letters, digits and - / . _ or spaces, and starts with a letter or a digit."),
            code="invalid",
        )


# Service organisers handle the invoices of their regions; regional managers see and approve those of
# their regions' cases (the "assign" grant on the case). A person's name on an invoice is shown only to
# those who may see the case.
CASE_PATH = "referral__decision__application__case"
INVOICE_POLICY = AnyOf(
    RoleAndRegion((Role.SERVICE_ORGANISER,), region_path=f"{CASE_PATH}__region"),
    PerAction({action: Follows(CASE_PATH, actions={action: "assign"}) for action in ("view", "approve")}),
)


@status_properties
class Invoice(models.Model):
    STATUS_TONES = {"rejected": "danger", "paid": "ok"}
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("provider")
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("referral")
    )
    number = models.CharField(_("invoice number"), max_length=60, validators=[validate_invoice_number])
    invoice_date = models.DateField(_("invoice date"))
    received_on = models.DateField(_("received"))
    due_on = models.DateField(_("payment due"))
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.RECEIVED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, default="")
    approved_total = models.DecimalField(_("approved total"), null=True, blank=True, **MONEY)
    export = models.ForeignKey(
        "referrals.PaymentExport", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(INVOICE_POLICY)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["provider", "number"], name="invoice_number_unique_per_provider"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_by__isnull=False),
                name="invoice_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | models.Q(checked_by__isnull=True)
                | ~models.Q(approved_by=models.F("checked_by")),
                name="invoice_approver_is_not_checker",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="invoice_status_due_idx"),
            models.Index(fields=["due_on", "id"], name="invoice_due_idx"),  # the invoice list's order
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.number}"

    @property
    def is_overdue(self) -> bool:
        open_statuses = (
            InvoiceStatus.RECEIVED,
            InvoiceStatus.CHECKED,
            InvoiceStatus.APPROVED,
            InvoiceStatus.SENT_FOR_PAYMENT,
        )
        return self.status in open_statuses and self.due_on < timezone.localdate()


class LineStatus(models.TextChoices):
    PENDING = "pending", _("to be checked")
    ACCEPTED = "accepted", _("accepted")
    REDUCED = "reduced", _("reduced")
    REJECTED = "rejected", _("rejected")


@status_properties
class InvoiceLine(models.Model):
    """One session billed: date and time, duration, specialist, service, rate and amount."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    session_date = models.DateField(_("session date"))
    start_time = models.TimeField(_("start"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    specialist = models.ForeignKey(
        ProviderSpecialist, on_delete=models.PROTECT, related_name="invoice_lines", verbose_name=_("specialist")
    )
    service = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    rate = models.DecimalField(_("hourly rate"), **MONEY)
    amount = models.DecimalField(_("amount claimed"), **MONEY)
    accepted_amount = models.DecimalField(_("amount accepted"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.PENDING)
    # The automatic checks that failed (codes, see referrals.checks).
    findings = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    # Who decided the line (accept, reduce, reject) and when: that person does not approve the invoice.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = history()

    class Meta:
        ordering = ["session_date", "start_time", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="line_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(accepted_amount__isnull=True)
                | models.Q(accepted_amount__gte=0, accepted_amount__lte=models.F("amount")),
                name="line_accepted_within_claimed",
            ),
            # A session is paid once: the same person, specialist, date and time on one accepted line only.
            models.UniqueConstraint(
                fields=["person", "specialist", "session_date", "start_time"],
                condition=models.Q(status__in=["accepted", "reduced"]),
                name="session_paid_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_date:%d.%m.%Y} {self.start_time:%H:%M} {self.amount}"


class PaymentExport(models.Model):
    """A batch of approved invoices sent for payment: a CSV for accounting and a pain.001 file."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    execution_date = models.DateField(_("payment date"))
    total = models.DecimalField(_("total"), **MONEY)
    csv_file = models.FileField(upload_to="payments/%Y/", max_length=300)
    xml_file = models.FileField(upload_to="payments/%Y/", max_length=300)
    xml_sha256 = models.CharField(max_length=64)
    message_id = models.CharField(max_length=35)
    history = history()

    # Seen whole or not at all: by whoever may see every invoice in it. The file names each invoice's
    # provider, account, number, referral and amount. (Not "made in the user's region": an export has no
    # region of its own, and one made by an organiser of two regions holds invoices of both.)
    objects = guarded(EveryRelated("referrals.Invoice", "export"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment export")
        verbose_name_plural = _("payment exports")

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.total}"
