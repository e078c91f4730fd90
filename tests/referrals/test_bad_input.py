"""Bad query-string and form values on every page of the referrals app: ignored, or a 400/404 with a
message, never a 5xx and never a half-saved row."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from referrals.models import Invoice, InvoiceLine, ProviderSpecialist, Referral
from referrals.services import invoices as invoice_services
from tests.factories import make_aid, make_provider, make_referral, make_user

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.fixture
def organiser(db):
    return make_user("service_organiser", "pohja")


@pytest.fixture
def world(specialist, case, organiser):
    grant = make_aid(specialist, case)[2]
    provider = make_provider()
    referral = make_referral(specialist, grant, provider, amount="200.00")
    invoice = invoice_services.invoice_create(
        actor=organiser, referral=referral, number="B-1", invoice_date=timezone.localdate()
    )
    line = invoice_services.line_add(
        actor=organiser,
        invoice=invoice,
        session_date=referral.valid_from,
        start_time=time(10, 0),
        duration_minutes=60,
        specialist=provider.specialists.first(),
        service=referral.service,
        rate=Decimal("72.50"),
        amount=Decimal("72.50"),
    )
    return {"grant": grant, "provider": provider, "referral": referral, "invoice": invoice, "line": line}


def test_the_provider_finder_ignores_a_bad_decision(client, specialist, world):
    client.force_login(specialist)
    for value in ("abc", HUGE, "-1", "0", "1.5", "<script>"):
        response = client.get("/referrals/providers/", {"decision": value})
        assert response.status_code == 200, value
        assert "Refer here" not in response.content.decode() and "Suuna siia" not in response.content.decode()
    good = client.get("/referrals/providers/", {"decision": world["grant"].pk})
    assert good.status_code == 200 and f"/referrals/decisions/{world['grant'].pk}/referral/" in good.content.decode()


def test_the_finder_offers_no_referral_from_a_decision_out_of_reach(client, outsider, world):
    client.force_login(outsider)
    response = client.get("/referrals/providers/", {"decision": world["grant"].pk})
    assert response.status_code == 200
    assert f"/referrals/decisions/{world['grant'].pk}/referral/" not in response.content.decode()


GETS = [
    ("/referrals/providers/", {"county": "abc", "max_wait": HUGE, "sort": "zzz", "page": "abc", "after": "x"}),
    ("/referrals/providers/", {"max_wait": "-5", "language": "xx", "service": "x", "remote": "maybe"}),
    ("/referrals/providers/", {"page": HUGE, "before": HUGE}),
    ("/referrals/invoices/", {"provider": "abc", "status": "zzz", "overdue": "x", "page": "-3"}),
    ("/referrals/invoices/", {"provider": HUGE, "after": HUGE}),
    ("/referrals/budget/", {"year": "abc"}),
    ("/referrals/budget/", {"year": HUGE}),
    ("/referrals/payments/", {"page": "abc", "after": "abc"}),
]


@pytest.mark.parametrize(("path", "params"), GETS)
def test_bad_query_values_are_ignored(client, organiser, specialist, world, path, params):
    user = specialist if path == "/referrals/providers/" else organiser
    client.force_login(user)
    assert client.get(path, params).status_code == 200


def test_bad_values_in_the_address(client, organiser, specialist, world):
    client.force_login(organiser)
    for path in (
        f"/referrals/invoices/{HUGE}/",
        f"/referrals/invoices/{world['invoice'].pk}/lines/{HUGE}/decision/",
        f"/referrals/payments/{HUGE}/csv/",
        f"/referrals/providers/{HUGE}/",
        f"/referrals/contracts/{HUGE}/tariffs/new/",
    ):
        method = client.post if "decision" in path else client.get
        assert method(path).status_code == 404, path
    client.force_login(specialist)
    for path in (f"/referrals/{HUGE}/", f"/referrals/decisions/{HUGE}/referral/"):
        assert client.get(path).status_code == 404, path
    grant = world["grant"]
    for value in ("abc", HUGE, "-1"):
        response = client.get(f"/referrals/decisions/{grant.pk}/referral/", {"provider": value})
        assert response.status_code == 200, value


def test_bad_form_values_on_invoices(client, organiser, world):
    client.force_login(organiser)
    invoice, line = world["invoice"], world["line"]
    base = {
        "session_date": timezone.localdate().strftime("%d.%m.%Y"),
        "start_time": "11:00",
        "duration_minutes": "60",
        "specialist": world["provider"].specialists.first().pk,
        "service": "counselling",
        "rate": "72,50",
        "amount": "72,50",
    }
    for change in (
        {"amount": "-5"},
        {"rate": "-72,50"},
        {"rate": "0"},
        {"amount": "1e30"},
        {"duration_minutes": HUGE},
        {"specialist": "abc"},
        {"service": "x"},
        {"start_time": "25:00"},
    ):
        response = client.post(f"/referrals/invoices/{invoice.pk}/lines/", {**base, **change})
        assert response.status_code == 400, change
    assert InvoiceLine.objects.count() == 1
    for data in (
        {"decision": "reduced", "accepted_amount": "1e30", "reason": "x"},
        {"decision": "reduced", "accepted_amount": "abc", "reason": "x"},
        {"decision": "reduced", "accepted_amount": "-1", "reason": "x"},
        {"decision": "zzz"},
    ):
        response = client.post(f"/referrals/invoices/{invoice.pk}/lines/{line.pk}/decision/", data)
        assert response.status_code == 302, data
    line.refresh_from_db()
    assert line.status == "pending"
    assert client.post(f"/referrals/invoices/{invoice.pk}/paid/", {"paid_on": "32.13.2026"}).status_code == 302
    for data in ({"invoice_date": "abc"}, {"provider": "abc"}, {"received_on": "31.02.2026"}):
        payload = {
            "provider": world["provider"].pk,
            "referral_number": world["referral"].number,
            "number": "Z-1",
            "invoice_date": timezone.localdate().strftime("%d.%m.%Y"),
            **data,
        }
        assert client.post("/referrals/invoices/new/", payload).status_code == 400, data
    assert client.post("/referrals/payments/", {"execution_date": "abc"}).status_code == 400
    assert Invoice.objects.count() == 1


def _import(client, provider, content: bytes):
    return client.post(
        "/referrals/invoices/import/",
        {"provider": provider.pk, "file": SimpleUploadedFile("arved.csv", content, content_type="text/csv")},
    )


def test_bad_import_files(client, organiser, world):
    client.force_login(organiser)
    referral, provider = world["referral"], world["provider"]
    licence = provider.specialists.first().licence_number
    header = ";".join(invoice_services.CSV_COLUMNS)
    day = referral.valid_from.strftime("%d.%m.%Y")
    today = timezone.localdate().strftime("%d.%m.%Y")

    def row(rate="72,50", amount="72,50", duration="60", start="10:00"):
        return f"I-9;{today};{referral.number};{day};{start};{duration};{licence};counselling;{rate};{amount}"

    for content in (
        b"invoice_number;\x00\x00\n",
        f"{header}\n{row()}\x00\n".encode(),
        b"\xff\xfe\x00",
        f"{header}\n{row(rate='Infinity')}\n".encode(),
        f"{header}\n{row(amount='NaN')}\n".encode(),
        f"{header}\n{row(amount='1e30')}\n".encode(),
        f"{header}\n{row(amount='-5')}\n".encode(),
        f"{header}\n{row(duration=HUGE)}\n".encode(),
        f"{header}\n{row(start='99:99')}\n".encode(),
        f"{header}\n{row().replace(referral.number, 'S-' + HUGE)}\n".encode(),
        f"{header}\n{row().replace(referral.number, 'S-١٢')}\n".encode(),
        f"{header}\n{'x' * 200_000}\n".encode(),
        f"{header}\n{'x;' * 5000}\n".encode(),
    ):
        response = _import(client, provider, content)
        assert response.status_code == 400, content[:80]
        assert response.context["result"] is None or response.context["result"].errors
    assert not Invoice.objects.exclude(number="B-1").exists()


def test_bad_form_values_on_referrals(client, specialist, world):
    client.force_login(specialist)
    grant, referral = world["grant"], world["referral"]
    base = {
        "provider": world["provider"].pk,
        "amount": "10,00",
        "valid_from": grant.valid_from.strftime("%d.%m.%Y"),
        "valid_until": grant.valid_until.strftime("%d.%m.%Y"),
    }
    count = Referral.objects.count()
    for change in ({"hours": "-1"}, {"hours": HUGE}, {"amount": "1e30"}, {"amount": "-1"}, {"specialist": "abc"}):
        response = client.post(f"/referrals/decisions/{grant.pk}/referral/", {**base, **change})
        assert response.status_code == 400, change
    assert Referral.objects.count() == count
    for data in ({"accepted": "maybe"}, {"accepted": "yes", "answered_on": "abc"}):
        assert client.post(f"/referrals/{referral.pk}/answer/", data).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "issued"


def test_a_referral_s_missing_provider_and_reversed_period_are_reported_in_one_round(client, specialist, world):
    client.force_login(specialist)
    grant = world["grant"]
    data = {
        "amount": "10,00",
        "valid_from": grant.valid_until.strftime("%d.%m.%Y"),
        "valid_until": grant.valid_from.strftime("%d.%m.%Y"),
    }
    response = client.post(f"/referrals/decisions/{grant.pk}/referral/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_provider"' in html and 'href="#id_valid_until"' in html


def test_bad_form_values_on_providers(client, organiser, world):
    client.force_login(organiser)
    provider = world["provider"]
    specialist = provider.specialists.first()
    duplicate = {
        "first_name": "A",
        "last_name": "B",
        "licence_kind": "clinical",
        "licence_number": specialist.licence_number,
        "licence_valid_from": "01.01.2020",
        "languages": ["et"],
    }
    assert client.post(f"/referrals/providers/{provider.pk}/specialists/new/", duplicate).status_code == 400
    assert ProviderSpecialist.objects.count() == 1
    reversed_period = {
        "number": "L-2",
        "valid_from": "01.01.2026",
        "valid_until": "01.01.2025",
        "services": ["counselling"],
    }
    assert client.post(f"/referrals/providers/{provider.pk}/contracts/new/", reversed_period).status_code == 400
    contract = provider.contracts.first()
    for data in (
        {"service": "counselling", "hourly_rate": HUGE, "effective_from": "01.01.2024"},
        {"service": "counselling", "hourly_rate": "-1", "effective_from": "01.01.2024"},
        {"service": "x", "hourly_rate": "70", "effective_from": "01.01.2024"},
    ):
        assert client.post(f"/referrals/contracts/{contract.pk}/tariffs/new/", data).status_code == 400, data
    for data in ({"waiting_days": HUGE}, {"waiting_days": "-1"}, {"registry_code": "abc"}):
        payload = {"name": "X", "registry_code": "12345678", "iban": "EE382200221020145685", "languages": ["et"]}
        payload.update(data)
        assert client.post(f"/referrals/providers/{provider.pk}/edit/", payload).status_code == 400, data
