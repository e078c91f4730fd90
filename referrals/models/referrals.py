"""Referrals: from an issued grant to a provider, with a scope that holds part of the person's aid."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import AidDecision, AidEntitlement
from cases.models.aid import MONEY, ServiceType
from referrals.models.providers import Provider, ProviderSpecialist
from victimsupport.history import history
from victimsupport.models import Role
from victimsupport.permissions import Follows, PerAction, RoleAndRegion, guarded
from victimsupport.status import status_properties


class ReferralStatus(models.TextChoices):
    ISSUED = "issued", _("sent to the provider")
    ACCEPTED = "accepted", _("accepted by the provider")
    REFUSED = "refused", _("refused by the provider")
    CANCELLED = "cancelled", _("cancelled")
    COMPLETED = "completed", _("completed")


OPEN_REFERRAL_STATUSES = (ReferralStatus.ISSUED, ReferralStatus.ACCEPTED)


# A referral carries a person's data: whoever may see (or change) its case. "invoice": the referrals a
# service organiser may enter invoices against, those of the organiser's regions (billing shows no case data).
REFERRAL_POLICY = PerAction(
    {"invoice": RoleAndRegion((Role.SERVICE_ORGANISER,), region_path="decision__application__case__region")},
    default=Follows("decision__application__case"),
)


@status_properties
class Referral(models.Model):
    decision = models.ForeignKey(
        AidDecision, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("decision")
    )
    entitlement = models.ForeignKey(AidEntitlement, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("provider")
    )
    specialist = models.ForeignKey(
        ProviderSpecialist,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("provider's specialist (if agreed)"),
    )
    service = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.ISSUED)
    response_on = models.DateField(_("answered"), null=True, blank=True)
    response_note = models.CharField(_("provider's answer"), max_length=300, blank=True, default="")
    letter = models.OneToOneField(
        "victimsupport.RegisteredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("referral letter"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(REFERRAL_POLICY)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["provider", "status"], name="referral_provider_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="referral_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="referral_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"S-{self.pk}" if self.pk else ""

    @property
    def number(self) -> str:
        """The number the provider quotes on invoices: the register number of the letter, else S-<id>."""
        return self.letter.number if self.letter_id else self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ReferralExtension(models.Model):
    """More scope for a referral (amount, and hours if it has an hours scope), drawn from the decision's free
    remainder: who, when and why, with a new referral letter that refers to the earlier one."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="extensions")
    amount = models.DecimalField(_("added amount (EUR)"), **MONEY)
    hours = models.DecimalField(_("added hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    # The scope after the extension, as the new letter states it.
    amount_after = models.DecimalField(_("amount after"), **MONEY)
    hours_after = models.DecimalField(_("hours after"), max_digits=6, decimal_places=1, null=True, blank=True)
    letter = models.OneToOneField(
        "victimsupport.RegisteredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral_extension",
        verbose_name=_("letter"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("referral extension")
        verbose_name_plural = _("referral extensions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) & (models.Q(hours__isnull=True) | models.Q(hours__gte=0)),
                name="referral_extension_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) | models.Q(hours__gt=0), name="referral_extension_adds_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} +{self.amount}"
