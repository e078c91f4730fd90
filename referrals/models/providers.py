"""Providers (contracted organisations), their specialists and qualifications, contracts and tariffs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import iban as iban_number
from stdnum.ee import registrikood

from cases.choices import Language
from cases.models.aid import MONEY, ServiceType
from victimsupport.history import history
from victimsupport.models import County, Role
from victimsupport.permissions import PerAction, RoleOnly, guarded


def validate_registry_code(value: str) -> None:
    if not registrikood.is_valid(value or ""):
        raise ValidationError(_("This is not a valid Estonian registry code."), code="invalid")


def validate_iban(value: str) -> None:
    if not iban_number.is_valid(value or ""):
        raise ValidationError(_("This is not a valid IBAN: check the digits."), code="invalid")


# Provider data is the staff's working data (no client data): every staff role reads it; only service
# organisers change it.
PROVIDER_POLICY = PerAction(
    {"view": RoleOnly((Role.SERVICE_ORGANISER, Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.ADMINISTRATOR))},
    default=RoleOnly((Role.SERVICE_ORGANISER,)),
)


class Provider(models.Model):
    name = models.CharField(_("name"), max_length=200)
    registry_code = models.CharField(_("registry code"), max_length=8, unique=True, validators=[validate_registry_code])
    email = models.EmailField(_("e-mail"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, validators=[validate_iban])
    counties = models.ManyToManyField(County, blank=True, related_name="providers", verbose_name=_("counties served"))
    languages = ArrayField(
        models.CharField(max_length=10, choices=Language.choices), default=list, verbose_name=_("languages")
    )
    remote = models.BooleanField(_("remote service available"), default=False)
    waiting_days = models.PositiveIntegerField(_("current waiting time (days)"), default=0)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    history = history()

    objects = guarded(PROVIDER_POLICY)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.iban = iban_number.compact(self.iban or "")
        self.registry_code = (self.registry_code or "").strip()


class LicenceKind(models.TextChoices):
    CLINICAL = "clinical", _("clinical psychologist")
    COUNSELLING = "counselling", _("counselling psychologist")
    SCHOOL = "school", _("school psychologist")
    MA_PSYCHOLOGY = "ma_psychology", _("MA in psychology")


class ProviderSpecialist(models.Model):
    """A psychologist or psychotherapist working for a provider."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="specialists")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    licence_kind = models.CharField(_("qualification"), max_length=20, choices=LicenceKind.choices)
    licence_number = models.CharField(_("licence or diploma number"), max_length=40)
    licence_valid_from = models.DateField(_("valid from"))
    licence_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    psychotherapy_training = models.BooleanField(_("psychotherapy training completed"), default=False)
    languages = ArrayField(
        models.CharField(max_length=10, choices=Language.choices), default=list, verbose_name=_("languages")
    )
    active = models.BooleanField(_("active"), default=True)
    history = history()

    objects = guarded(PROVIDER_POLICY)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("provider's specialist")
        verbose_name_plural = _("provider's specialists")
        constraints = [
            models.UniqueConstraint(fields=["provider", "licence_number"], name="specialist_licence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def licence_valid_on(self, day: date) -> bool:
        return self.licence_valid_from <= day and (self.licence_valid_until is None or day <= self.licence_valid_until)

    def qualified_for(self, service: str, day: date) -> bool:
        """Counselling: a clinical, counselling or school psychologist licence or an MA in psychology.
        Psychotherapy: such a base plus psychotherapy training."""
        if not self.licence_valid_on(day):
            return False
        if service == ServiceType.PSYCHOTHERAPY:
            return self.psychotherapy_training
        return True


class Contract(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("contract number"), max_length=60, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    services = ArrayField(models.CharField(max_length=20, choices=ServiceType.choices), verbose_name=_("services"))
    history = history()

    objects = guarded(PROVIDER_POLICY)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="contract_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Tariff(models.Model):
    """The hourly rate of a service under a contract from a date (until the next tariff starts)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="tariffs")
    service = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    hourly_rate = models.DecimalField(_("hourly rate (EUR)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    effective_from = models.DateField(_("effective from"))
    history = history()

    objects = guarded(PROVIDER_POLICY)

    class Meta:
        ordering = ["service", "-effective_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.UniqueConstraint(fields=["contract", "service", "effective_from"], name="tariff_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.hourly_rate} € ({self.effective_from:%d.%m.%Y})"


def tariff_on(provider: Provider, service: str, day: date) -> Tariff | None:
    """The tariff of the provider's contract valid on `day` for `service`."""
    return (
        Tariff.objects.filter(
            contract__provider=provider, service=service, effective_from__lte=day, contract__valid_from__lte=day
        )
        .filter(models.Q(contract__valid_until__isnull=True) | models.Q(contract__valid_until__gte=day))
        .order_by("-effective_from")
        .first()
    )
