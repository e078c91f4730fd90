"""Providers, the finder, qualifications, referrals and the shared cap, the referral letter."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from cases.services import aid as aid_services
from referrals.models import Provider, ProviderSpecialist
from referrals.services import providers as provider_services
from referrals.services import referrals as referral_services
from tests.factories import make_aid, make_provider, make_referral, make_user, set_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(db):
    return make_user("service_organiser", "pohja", "louna", first_name="Teele", last_name="Teenused")


@pytest.fixture
def grant(specialist, case):
    return make_aid(specialist, case)[2]  # an issued grant of 500.00 with its letter


def test_provider_codes_are_validated(organiser):
    with pytest.raises(ValidationError) as error:
        provider_services.provider_save(
            actor=organiser, name="X", registry_code="12345679", iban="EE382200221020145686", languages=["et"]
        )
    assert {"registry_code", "iban"} <= set(error.value.message_dict)
    provider = provider_services.provider_save(
        actor=organiser, name="X", registry_code="12345678", iban="EE38 2200 2210 2014 5685", languages=["et"]
    )
    assert provider.iban == "EE382200221020145685"


def test_only_the_service_organiser_maintains_providers(client, specialist, organiser):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        provider_services.provider_save(
            actor=specialist, name="X", registry_code="12345678", iban="EE382200221020145685", languages=["et"]
        )
    client.force_login(organiser)
    response = client.post(
        "/referrals/providers/new/",
        {
            "name": "Uus Teraapia OÜ",
            "registry_code": "12345678",
            "iban": "EE382200221020145685",
            "languages": ["et"],
            "waiting_days": "3",
        },
    )
    assert response.status_code == 302 and Provider.objects.get().name == "Uus Teraapia OÜ"


def test_the_finder_filters_by_county_language_service_remote_and_wait(client, specialist):
    make_provider(name="Tallinna Nõustamine", registry_code="10000019", county_codes=("harju",))
    far = make_provider(name="Tartu Teraapia", registry_code="10000025", county_codes=("tartu",))
    Provider.objects.filter(pk=far.pk).update(remote=False, waiting_days=30, languages=["et"])
    client.force_login(specialist)

    def found(**params):
        return [p.name for p in client.get("/referrals/providers/", params).context["page"].items]

    assert found(county=far.counties.first().pk) == ["Tartu Teraapia"]
    assert found(county=far.counties.first().pk, remote="on") == ["Tallinna Nõustamine", "Tartu Teraapia"]
    assert found(language="ru") == ["Tallinna Nõustamine"]
    assert found(max_wait=10) == ["Tallinna Nõustamine"]
    assert found(remote="on") == ["Tallinna Nõustamine"]
    assert found(service="psychotherapy", sort="name") == ["Tallinna Nõustamine", "Tartu Teraapia"]


@pytest.mark.parametrize(
    ("kind", "training", "service", "qualified"),
    [
        ("clinical", False, "counselling", True),
        ("ma_psychology", False, "counselling", True),
        ("school", False, "psychotherapy", False),
        ("counselling", True, "psychotherapy", True),
    ],
)
def test_qualifications(kind, training, service, qualified):
    specialist = ProviderSpecialist(
        licence_kind=kind,
        psychotherapy_training=training,
        licence_valid_from=date(2020, 1, 1),
        licence_valid_until=date(2030, 1, 1),
    )
    assert specialist.qualified_for(service, date(2026, 6, 1)) is qualified
    assert not specialist.qualified_for("counselling", date(2031, 1, 1))  # the licence has expired


def test_referrals_share_the_persons_cap(specialist, grant):
    provider = make_provider()
    entitlement = grant.entitlement
    first = make_referral(specialist, grant, provider, amount="362.50")
    assert aid_services.remaining(entitlement) == Decimal("137.50")
    with pytest.raises(ValidationError) as error:
        make_referral(specialist, grant, provider, amount="137.51")
    assert "amount" in error.value.message_dict
    make_referral(specialist, grant, provider, amount="137.50", letter=False)
    assert aid_services.remaining(entitlement) == Decimal("0.00")
    referral_services.referral_respond(actor=specialist, referral=first, accepted=False, note="Pole aegu")
    assert aid_services.remaining(entitlement) == Decimal("362.50")  # a refused referral releases its hold


def test_a_referral_must_fit_the_decision(specialist, grant):
    provider = make_provider()
    with pytest.raises(ValidationError) as error:
        referral_services.referral_create(
            actor=specialist,
            decision=grant,
            provider=provider,
            amount=Decimal("10"),
            valid_from=grant.valid_from,
            valid_until=date(2099, 1, 1),
        )
    assert "valid_until" in error.value.message_dict


def test_the_referral_letter_carries_only_what_the_provider_needs(specialist, case, grant):
    person = case.client
    person.phone, person.email = "+372 5123 4567", "salajane@example.invalid"
    person.save()
    set_rules(specialist, person=person, phone_allowed=True, email_allowed=False)
    referral = make_referral(specialist, grant, make_provider(), amount="200.00")
    with referral.letter.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert referral.letter.number.startswith("9-14/")
    for needed in (person.full_name, "+372 5123 4567", "200,00", referral.letter.number, "Hingerahu OÜ"):
        assert needed in text, needed
    for secret in ("salajane@example.invalid", person.personal_code, "lähisuhtevägivald", "Elukaaslane"):
        assert secret not in text, secret


def test_the_referral_page_through_the_finder(client, specialist, grant):
    provider = make_provider()
    client.force_login(specialist)
    page = client.get(f"/referrals/decisions/{grant.pk}/referral/?provider={provider.pk}")
    assert page.status_code == 200 and page.context["form"].initial["provider"] == str(provider.pk)
    response = client.post(
        f"/referrals/decisions/{grant.pk}/referral/",
        {
            "provider": provider.pk,
            "amount": "250,00",
            "valid_from": grant.valid_from.strftime("%d.%m.%Y"),
            "valid_until": grant.valid_until.strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    assert aid_services.remaining(grant.entitlement) == Decimal("250.00")
    bad = client.post(
        f"/referrals/decisions/{grant.pk}/referral/",
        {
            "provider": provider.pk,
            "amount": "300,00",
            "valid_from": grant.valid_from.strftime("%d.%m.%Y"),
            "valid_until": grant.valid_until.strftime("%d.%m.%Y"),
        },
    )
    assert bad.status_code == 400 and "amount" in bad.context["form"].errors
    assert aid_services.remaining(grant.entitlement) == Decimal("250.00")


def test_a_refusal_cannot_be_referred(client, specialist, manager, case):
    from tests.factories import make_application, make_decision

    refusal = make_decision(specialist, make_application(specialist, case), kind="refusal")
    aid_services.decision_submit(actor=specialist, decision=refusal)
    refusal = aid_services.decision_approve(actor=manager, decision=refusal)
    with pytest.raises(ValidationError):
        referral_services.referral_create(
            actor=specialist,
            decision=refusal,
            provider=make_provider(),
            amount=Decimal("10"),
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate(),
        )


def test_another_region_sees_no_referral(client, specialist, outsider, grant):
    referral = make_referral(specialist, grant, make_provider())
    client.force_login(outsider)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/letter/").status_code == 404


def test_the_amount_is_proposed_from_the_hours_and_the_tariff(client, specialist, grant):
    provider = make_provider(rate="72.50")
    client.force_login(specialist)
    period = {
        "valid_from": grant.valid_from.strftime("%d.%m.%Y"),
        "valid_until": grant.valid_until.strftime("%d.%m.%Y"),
    }
    neither = client.post(f"/referrals/decisions/{grant.pk}/referral/", {"provider": provider.pk, **period})
    assert neither.status_code == 400 and "amount" in neither.context["form"].errors
    response = client.post(
        f"/referrals/decisions/{grant.pk}/referral/", {"provider": provider.pk, "hours": "4,5", **period}
    )
    assert response.status_code == 302
    referral = grant.referrals.get()
    assert (referral.hours, referral.amount) == (Decimal("4.5"), Decimal("326.25"))  # 4.5 hours at 72.50
    assert aid_services.remaining(grant.entitlement) == Decimal("500.00") - Decimal("326.25")


def test_the_providers_page_gives_the_waiting_time_with_its_unit(client, specialist):
    provider = make_provider()  # waits 7 days
    client.force_login(specialist)
    page = client.get(f"/referrals/providers/{provider.pk}/").content.decode()
    assert "<dd>7 päeva</dd>" in page
