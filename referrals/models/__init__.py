from referrals.models.invoices import (
    BillingPolicy,
    Invoice,
    InvoiceLine,
    PaymentExport,
    YearlyBudget,
)
from referrals.models.providers import Contract, Provider, ProviderSpecialist, Tariff
from referrals.models.referrals import Referral, ReferralExtension

__all__ = [
    "BillingPolicy",
    "Contract",
    "Invoice",
    "InvoiceLine",
    "PaymentExport",
    "Provider",
    "ProviderSpecialist",
    "Referral",
    "ReferralExtension",
    "Tariff",
    "YearlyBudget",
]
