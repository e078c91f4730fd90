"""The demo data: every role in two regions, generated people with valid codes, safe to run again."""

import pytest
from django.core.management import call_command
from stdnum.ee import ik

from cases.models import Case, Person
from referrals.models import Invoice, Provider, Referral
from victimsupport.management.demo import DEMO_PASSWORD
from victimsupport.models import Role, User


@pytest.mark.django_db
def test_seed_demo_twice_creates_everything_once():
    call_command("seed_demo")

    def counts():
        return [model.objects.count() for model in (User, Case, Person, Provider, Referral, Invoice)]

    before = counts()
    call_command("seed_demo")
    assert counts() == before
    for role in Role.values:
        assert User.objects.filter(groups__name=role).exists(), role
    for code in ("pohja", "louna"):
        assert User.objects.filter(regions__code=code, groups__name="specialist").exists()
        assert User.objects.filter(regions__code=code, groups__name="regional_manager").exists()
    assert User.objects.get(username="spets.pohja").check_password(DEMO_PASSWORD)
    codes = [person.personal_code for person in Person.objects.all()] + [
        user.personal_code for user in User.objects.all()
    ]
    assert codes and all(ik.is_valid(code) for code in codes if code)


@pytest.mark.django_db
def test_the_demo_gives_the_service_organiser_work_in_every_state():
    """Providers with contracts, tariffs and specialists, and invoices paid, approved, checked and waiting for
    the check (with findings), so that the first look is not an empty page."""
    call_command("seed_demo")
    assert Provider.objects.count() >= 3
    assert all(provider.contracts.exists() and provider.specialists.exists() for provider in Provider.objects.all())
    assert {"paid", "approved", "checked", "received"} <= set(Invoice.objects.values_list("status", flat=True))
    waiting = Invoice.objects.get(status="received")
    findings = {code for line in waiting.lines.all() for code in line.findings}
    assert {"duplicate_session", "rate_above_tariff"} <= findings
    assert any(not line.findings for line in waiting.lines.all())
