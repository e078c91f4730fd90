"""Providers, their specialists, contracts and tariffs (the service organiser maintains them)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from referrals.models import Contract, Provider, ProviderSpecialist, Tariff
from victimsupport.concurrency import assign_fields
from victimsupport.models import Role, User

PROVIDER_FIELDS = [
    "name",
    "registry_code",
    "email",
    "phone",
    "address",
    "iban",
    "languages",
    "remote",
    "waiting_days",
    "active",
    "notes",
]
SPECIALIST_FIELDS = [
    "first_name",
    "last_name",
    "licence_kind",
    "licence_number",
    "licence_valid_from",
    "licence_valid_until",
    "psychotherapy_training",
    "languages",
    "active",
]
CONTRACT_FIELDS = ["number", "valid_from", "valid_until", "services"]
TARIFF_FIELDS = ["service", "hourly_rate", "effective_from"]


def _organiser(actor: User) -> None:
    if not actor.has_role(Role.SERVICE_ORGANISER):
        raise PermissionDenied


@transaction.atomic
def provider_save(*, actor: User, provider: Provider | None = None, counties=None, **fields) -> Provider:
    _organiser(actor)
    provider = provider or Provider()
    assign_fields(provider, fields, PROVIDER_FIELDS)
    provider.full_clean()
    provider.save()
    if counties is not None:
        provider.counties.set(counties)
    return provider


@transaction.atomic
def specialist_save(
    *, actor: User, provider: Provider, specialist: ProviderSpecialist | None = None, **fields
) -> ProviderSpecialist:
    _organiser(actor)
    specialist = specialist or ProviderSpecialist(provider=provider)
    assign_fields(specialist, fields, SPECIALIST_FIELDS)
    specialist.full_clean()
    specialist.save()
    return specialist


@transaction.atomic
def contract_save(*, actor: User, provider: Provider, contract: Contract | None = None, **fields) -> Contract:
    _organiser(actor)
    contract = contract or Contract(provider=provider)
    assign_fields(contract, fields, CONTRACT_FIELDS)
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def tariff_add(*, actor: User, contract: Contract, **fields) -> Tariff:
    _organiser(actor)
    if contract.tariffs.filter(service=fields["service"], effective_from=fields["effective_from"]).exists():
        raise ValidationError({"effective_from": _("A tariff for this service starts on this date already.")})
    tariff = Tariff(contract=contract, **fields)
    tariff.full_clean()
    tariff.save()
    return tariff
