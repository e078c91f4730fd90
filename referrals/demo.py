"""Demo providers, contracts, tariffs, a referral and its invoices in several states (received and waiting
for the check, checked and waiting for approval, approved and waiting for the payment file, paid), so that a
service organiser's first look is at work to do. Made through the services, as staff would."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import AidDecision
from referrals.letters import _register
from referrals.models import Invoice, Provider
from referrals.services import invoices as invoice_services
from referrals.services import payments as payment_services
from referrals.services import providers as provider_services
from referrals.services import referrals as referral_services
from victimsupport.history import acting_as
from victimsupport.models import County, User

PROVIDERS = [
    # name, registry code, counties, languages, hourly rates (counselling, psychotherapy), specialists
    ("Hingerahu OÜ", "12345678", ["harju", "rapla"], ["et", "ru"], ("72.50", "90.00"),
     [("Pille", "Paju", "clinical"), ("Olga", "Smirnova", "counselling")]),
    ("Tartu Pereteraapia MTÜ", "80234568", ["tartu", "polva"], ["et"], ("70.00", "88.00"),
     [("Kristjan", "Kask", "clinical")]),
    ("Virumaa Nõustamiskeskus OÜ", "14456784", ["ida-viru"], ["ru", "et"], ("68.00", None),
     [("Jelena", "Ivanova", "counselling")]),
]  # fmt: skip


def seed(stdout) -> None:
    if Provider.objects.exists():
        return
    organiser = User.objects.get(username="teenused")
    manager = User.objects.get(username="juht.pohja")
    with acting_as(organiser):
        providers = [_provider(organiser, *row) for row in PROVIDERS]
    grant = (
        AidDecision.objects.filter(status="issued", kind="grant", letter__isnull=False)
        .select_related("application__case__responsible")
        .order_by("pk")
        .first()
    )
    if grant is None:
        stdout.write("referrals: demo providers created (no issued grant to refer)")
        return
    specialist = grant.application.case.responsible
    entitlement = grant.entitlement
    with acting_as(specialist):
        referral = referral_services.referral_create(
            actor=specialist,
            decision=grant,
            provider=providers[0],
            amount=Decimal("580.00"),
            valid_from=entitlement.valid_from,
            valid_until=entitlement.valid_until,
        )
        with transaction.atomic():
            _register(referral, specialist)
    today = timezone.localdate()
    first = max(referral.valid_from, today - timedelta(days=30))
    psychologist = providers[0].specialists.order_by("pk").first()
    days = [first + timedelta(days=offset) for offset in range(0, (today - first).days + 1)] or [today]

    def invoice(number: str, sessions: list[tuple[date, time]], above_tariff: tuple[date, time] | None = None):
        """An invoice of 72.50 € sessions, and one at 80.00 € (`above_tariff`) if given."""
        rated = [(*session, Decimal("72.50")) for session in sessions]
        rated += [(*above_tariff, Decimal("80.00"))] if above_tariff else []
        with acting_as(organiser):
            made = invoice_services.invoice_create(
                actor=organiser, referral=referral, number=number, invoice_date=today, received_on=today
            )
            for session_date, start, rate in rated:
                invoice_services.line_add(
                    actor=organiser,
                    invoice=made,
                    session_date=session_date,
                    start_time=start,
                    duration_minutes=60,
                    specialist=psychologist,
                    service=referral.service,
                    rate=rate,
                    amount=rate,
                )
        return made

    def checked(made: Invoice) -> Invoice:
        with acting_as(organiser):
            for line in made.lines.all():
                invoice_services.line_decide(actor=organiser, line=line, decision="accepted")
            return invoice_services.invoice_mark_checked(actor=organiser, invoice=made)

    def approved(made: Invoice) -> Invoice:
        with acting_as(manager):
            return invoice_services.invoice_approve(actor=manager, invoice=checked(made))

    paid = approved(invoice("HR-2026-101", [(days[0], time(10, 0)), (days[0], time(12, 0))]))
    with acting_as(organiser):
        payment_services.payments_export(actor=organiser, invoice_ids=[paid.pk])
        invoice_services.invoice_mark_paid(actor=organiser, invoice=Invoice.objects.get(pk=paid.pk), paid_on=today)
    approved(invoice("HR-2026-102", [(days[len(days) // 3], time(10, 0))]))
    checked(invoice("HR-2026-103", [(days[len(days) // 2], time(10, 0))]))
    # Waiting for the check: one session passes, one is billed twice, one has a rate above the tariff.
    invoice("HR-2026-104", [(days[-1], time(9, 0)), (days[0], time(10, 0))], above_tariff=(days[-1], time(14, 0)))
    stdout.write("referrals: 3 demo providers, a referral and 4 invoices (paid, approved, checked, to check)")


def _provider(organiser, name, registry_code, counties, languages, rates, specialists) -> Provider:
    provider = provider_services.provider_save(
        actor=organiser,
        counties=County.objects.filter(code__in=counties),
        name=name,
        registry_code=registry_code,
        iban="EE382200221020145685",
        languages=languages,
        remote=True,
        waiting_days=7,
        address="Pärnu mnt 10, Tallinn",
        email=f"info@{registry_code}.invalid",
        phone="+372 600 0000",
    )
    services = ["counselling", "psychotherapy"] if rates[1] else ["counselling"]
    contract = provider_services.contract_save(
        actor=organiser, provider=provider, number=f"L-{registry_code}", valid_from=date(2025, 1, 1), services=services
    )
    for service, rate in zip(("counselling", "psychotherapy"), rates, strict=True):
        if rate:
            provider_services.tariff_add(
                actor=organiser, contract=contract, service=service, hourly_rate=Decimal(rate),
                effective_from=date(2025, 1, 1),
            )  # fmt: skip
    for first_name, last_name, licence_kind in specialists:
        provider_services.specialist_save(
            actor=organiser,
            provider=provider,
            first_name=first_name,
            last_name=last_name,
            licence_kind=licence_kind,
            licence_number=f"PS-{registry_code[-3:]}{len(first_name)}",
            licence_valid_from=date(2020, 1, 1),
            languages=languages[:1],
        )
    return provider
