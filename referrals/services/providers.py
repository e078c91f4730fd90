"""Providers, their specialists, contracts and tariffs (the service organiser maintains them)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from referrals.models import Contract, Provider, ProviderSpecialist, Tariff
from victimsupport.models import Role

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


def _organiser(actor) -> None:
    if not actor.has_role(Role.SERVICE_ORGANISER):
        raise PermissionDenied


@transaction.atomic
def provider_save(*, actor, provider: Provider | None = None, counties=None, **fields) -> Provider:
    _organiser(actor)
    provider = provider or Provider()
    for name, value in fields.items():
        if name not in PROVIDER_FIELDS:
            raise TypeError(name)
        setattr(provider, name, value)
    provider.full_clean()
    provider.save()
    if counties is not None:
        provider.counties.set(counties)
    return provider


@transaction.atomic
def specialist_save(
    *, actor, provider: Provider, specialist: ProviderSpecialist | None = None, **fields
) -> ProviderSpecialist:
    _organiser(actor)
    specialist = specialist or ProviderSpecialist(provider=provider)
    for name, value in fields.items():
        if name not in SPECIALIST_FIELDS:
            raise TypeError(name)
        setattr(specialist, name, value)
    specialist.full_clean()
    specialist.save()
    return specialist


@transaction.atomic
def contract_save(*, actor, provider: Provider, contract: Contract | None = None, **fields) -> Contract:
    _organiser(actor)
    contract = contract or Contract(provider=provider)
    for name, value in fields.items():
        if name not in CONTRACT_FIELDS:
            raise TypeError(name)
        setattr(contract, name, value)
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def tariff_add(*, actor, contract: Contract, **fields) -> Tariff:
    _organiser(actor)
    tariff = Tariff(contract=contract, **fields)
    tariff.full_clean()
    tariff.save()
    return tariff
