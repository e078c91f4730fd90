"""Test data through the services, as the application makes it."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import selectors
from cases.choices import IncidentType, ReferralSource
from cases.services import cases as case_services
from cases.services import persons as person_services
from victimsupport.management.demo import personal_code
from victimsupport.models import County, Region, User
from victimsupport.services import user_set_roles_and_regions

PASSWORD = "Test-parool-2026!"
_counter = itertools.count(1)
_rng = random.Random(7)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_user(role: str | None, *region_codes: str, username: str | None = None, **fields) -> User:
    number = next(_counter)
    user = User.objects.create_user(
        username=username or f"{role or 'norole'}{number}",
        password=PASSWORD,
        first_name=fields.pop("first_name", "Test"),
        last_name=fields.pop("last_name", f"Kasutaja{number}"),
        email=fields.pop("email", f"user{number}@example.invalid"),
        **fields,
    )
    user_set_roles_and_regions(user, roles=[role] if role else [], regions=[region(code) for code in region_codes])
    return User.objects.get(pk=user.pk)


def make_person(actor, *, first_name="Mari", last_name="Maasikas", birth: date | None = None, female=True, **fields):
    birth = birth or date(1985, 3, 14)
    fields.setdefault("personal_code", personal_code(_rng, birth=birth, female=female))
    return person_services.person_create(actor=actor, first_name=first_name, last_name=last_name, **fields)


def make_case(
    actor, *, region_code: str = "pohja", responsible="actor", client=None, county_code: str | None = None, **fields
):
    the_region = region(region_code)
    county = County.objects.get(code=county_code) if county_code else the_region.counties.order_by("name").first()
    client = client or make_person(actor)
    fields.setdefault("referral_source", ReferralSource.SELF)
    fields.setdefault("incident_type", IncidentType.DOMESTIC_VIOLENCE)
    fields.setdefault("opened_on", timezone.localdate() - timedelta(days=5))
    return case_services.case_open(
        actor=actor,
        client=client,
        region=the_region,
        county=county,
        responsible=actor if responsible == "actor" else responsible,
        **fields,
    )


def make_application(actor, case, **fields):
    from cases.models import AidCap
    from cases.services import aid as aid_services

    # The administrator has entered this year's cap (only 2023-2025 come with the system).
    AidCap.objects.get_or_create(
        valid_from=date(timezone.localdate().year, 1, 1), defaults={"amount": "886.00", "note": "test"}
    )
    fields.setdefault("applicant", case.client)
    fields.setdefault("applicant_role", "victim")
    fields.setdefault("basis", "domestic_violence")
    fields.setdefault("received_on", timezone.localdate() - timedelta(days=2))
    fields.setdefault("what_happened", "Elukaaslane lõi teda korduvalt.")
    fields.setdefault("symptoms", "Unehäired, ärevus, ei suuda tööl keskenduda.")
    fields.setdefault("service_wished", "counselling")
    return aid_services.application_create(actor=actor, case=case, **fields)


def make_decision(actor, application, *, kind="grant", **fields):
    from decimal import Decimal

    from cases.services import aid as aid_services

    if kind in ("grant", "partial", "amendment"):
        fields.setdefault("amount_cap", Decimal("500.00"))
        # Granted two months ago: its referral's sessions (one a day from its first day) lie in the past, as
        # an invoice bills them.
        fields.setdefault("valid_from", timezone.localdate() - timedelta(days=60))
        fields.setdefault("valid_until", timezone.localdate() + timedelta(days=120))
        fields.setdefault("service_type", "counselling")
    fields.setdefault("reasoning", "Taotleja on lähisuhtevägivalla ohver ja vajab abi traumast taastumiseks.")
    return aid_services.decision_draft(actor=actor, application=application, kind=kind, **fields)


def make_aid(actor, case):
    """An application with a draft decision, and a second application with an issued grant and its letter
    (rendered here, without a worker)."""
    from cases.aidletters import _register_letter
    from cases.services import aid as aid_services

    application = make_application(actor, case)
    draft = make_decision(actor, application)
    other = make_application(actor, case)
    issued = aid_services.decision_issue(actor=actor, decision=make_decision(actor, other))
    with transaction.atomic():
        _register_letter(issued, actor)
    issued.refresh_from_db()
    return application, draft, issued


def make_provider(*, name="Hingerahu OÜ", registry_code="12345678", county_codes=("harju",), rate="72.50"):
    from datetime import date

    from referrals.models import Contract, Provider, ProviderSpecialist, Tariff
    from victimsupport.models import County

    provider = Provider.objects.create(
        name=name,
        registry_code=registry_code,
        iban="EE382200221020145685",
        languages=["et", "ru"],
        remote=True,
        waiting_days=7,
        address="Pärnu mnt 10",
        email="info@hingerahu.invalid",
    )
    provider.counties.set(County.objects.filter(code__in=county_codes))
    contract = Contract.objects.create(
        provider=provider,
        number=f"L-{registry_code}",
        valid_from=date(2023, 1, 1),
        services=["counselling", "psychotherapy"],
    )
    Tariff.objects.create(contract=contract, service="counselling", hourly_rate=rate, effective_from=date(2023, 1, 1))
    Tariff.objects.create(
        contract=contract, service="psychotherapy", hourly_rate="90.00", effective_from=date(2023, 1, 1)
    )
    ProviderSpecialist.objects.create(
        provider=provider,
        first_name="Pille",
        last_name="Psühholoog",
        licence_kind="clinical",
        licence_number=f"PS-{registry_code[-4:]}",
        licence_valid_from=date(2020, 1, 1),
        languages=["et"],
    )
    return provider


def make_referral(actor, decision, provider, *, amount="362.50", letter=True):
    from decimal import Decimal

    from referrals.letters import _register
    from referrals.services import referrals as referral_services

    entitlement = decision.entitlement if hasattr(decision, "entitlement") else None
    referral = referral_services.referral_create(
        actor=actor,
        decision=decision,
        provider=provider,
        amount=Decimal(amount),
        valid_from=entitlement.valid_from if entitlement else timezone.localdate(),
        valid_until=entitlement.valid_until if entitlement else timezone.localdate() + timedelta(days=90),
    )
    if letter:
        with transaction.atomic():
            _register(referral, actor)
        referral.refresh_from_db()
    return referral


def make_invoice(organiser, referral, *, number="A-1", sessions=2, rate="72.50", first_day=0):
    from decimal import Decimal

    from referrals.services import invoices as invoice_services

    invoice = invoice_services.invoice_create(
        actor=organiser, referral=referral, number=number, invoice_date=timezone.localdate()
    )
    for index in range(sessions):
        make_invoice_line(
            organiser,
            invoice,
            session_date=referral.valid_from + timedelta(days=first_day + index),
            rate=Decimal(rate),
            amount=Decimal(rate),
        )
    return invoice


def make_invoice_line(organiser, invoice, **overrides):
    """A session on the invoice: the referral's first day at 10:00, an hour, its provider's first
    specialist, its service, 72.50; `overrides` change any of them."""
    from datetime import time
    from decimal import Decimal

    from referrals.services import invoices as invoice_services

    referral = invoice.referral
    fields = {
        "session_date": referral.valid_from,
        "start_time": time(10, 0),
        "duration_minutes": 60,
        "specialist": referral.provider.specialists.first(),
        "service": referral.service,
        "rate": Decimal("72.50"),
        "amount": Decimal("72.50"),
    }
    return invoice_services.line_add(actor=organiser, invoice=invoice, **{**fields, **overrides})


def set_rules(actor, person, **fields):
    """Record or change a person's safe-contact rules from the stored version (a test acts as a user
    who has just looked at them)."""
    return person_services.safe_contact_set(
        actor=actor, person=person, expected_version=selectors.safe_contact_version(person), **fields
    )


def login_verified(client, user) -> None:
    """Log `user` in with the second factor given (partners must use it; others may)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def make_passkey(user, *, name: str | None = None, confirmed: bool = True):
    """A registered passkey (its key is never used: tests that log in with one use SoftPasskey)."""
    import os

    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user,
        name=name or f"Võti {os.urandom(3).hex()}",
        credential_id=os.urandom(32),
        public_key=b"\0",
        confirmed=confirmed,
    )
