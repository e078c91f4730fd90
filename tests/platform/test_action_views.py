"""Pages moved onto the one action view (victimsupport.views.actions): each keeps what was typed when it is
rejected, answers 400 with the message at its field, writes nothing, and on success does what it did."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Task
from cases.services import work as work_services
from referrals.models import Invoice, Provider, Tariff
from referrals.services import invoices as invoice_services
from referrals.services import providers as provider_services
from tests.factories import make_provider, make_user
from victimsupport.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(db):
    return make_user("service_organiser", "pohja")


def test_a_second_tariff_for_the_same_service_and_day_is_refused_by_the_service(organiser):
    contract = make_provider().contracts.get()
    with pytest.raises(ValidationError) as refused:
        provider_services.tariff_add(
            actor=organiser,
            contract=contract,
            service="counselling",
            hourly_rate="80.00",
            effective_from=date(2023, 1, 1),
        )
    assert "effective_from" in refused.value.message_dict
    assert contract.tariffs.count() == 2


def test_the_tariff_page_shows_the_refusal_at_the_date_and_keeps_the_rate(client, organiser):
    contract = make_provider().contracts.get()
    client.force_login(organiser)
    response = client.post(
        f"/referrals/contracts/{contract.pk}/tariffs/new/",
        {"service": "counselling", "hourly_rate": "81,25", "effective_from": "01.01.2023"},
    )
    assert response.status_code == 400
    assert "effective_from" in response.context["form"].errors
    assert 'value="81,25"' in response.content.decode()
    assert Tariff.objects.filter(contract=contract).count() == 2


def test_the_provider_form_keeps_what_was_typed_and_saves_nothing_when_rejected(client, organiser):
    provider = make_provider()
    client.force_login(organiser)
    response = client.post(
        f"/referrals/providers/{provider.pk}/edit/",
        {"name": "Uus nimi OÜ", "registry_code": "x", "iban": "EE00", "waiting_days": "-1"},
    )
    assert response.status_code == 400
    assert "Uus nimi OÜ" in response.content.decode()
    provider.refresh_from_db()
    assert provider.name == "Hingerahu OÜ"
    assert response.context["back"] == f"/referrals/providers/{provider.pk}/"


def test_an_invoice_against_an_unknown_referral_number_is_refused_at_that_field(client, organiser):
    provider = make_provider()
    with pytest.raises(ValidationError) as refused:
        invoice_services.invoice_create(
            actor=organiser, provider=provider, referral_number="S-999999", number="Z-1", invoice_date=date(2026, 1, 5)
        )
    assert list(refused.value.message_dict) == ["referral_number"]
    client.force_login(organiser)
    response = client.post(
        "/referrals/invoices/new/",
        {"provider": provider.pk, "referral_number": "S-999999", "number": "Z-1", "invoice_date": "05.01.2026"},
    )
    assert response.status_code == 400
    assert "referral_number" in response.context["form"].errors
    assert 'value="Z-1"' in response.content.decode()
    assert not Invoice.objects.exists()


def test_an_import_file_over_two_megabytes_is_refused_at_the_file_field(client, organiser):
    provider = make_provider()
    client.force_login(organiser)
    big = SimpleUploadedFile("arved.csv", b"x" * (2 * 1024 * 1024 + 1), content_type="text/csv")
    response = client.post("/referrals/invoices/import/", {"provider": provider.pk, "file": big})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert not Invoice.objects.exists()


def test_an_import_with_bad_rows_lists_them_and_imports_nothing(client, organiser):
    provider = make_provider()
    client.force_login(organiser)
    rows = b"invoice_number;invoice_date\nA-1;xx\n"
    response = client.post(
        "/referrals/invoices/import/", {"provider": provider.pk, "file": SimpleUploadedFile("a.csv", rows)}
    )
    assert response.status_code == 400
    assert response.context["result"].errors
    assert response.context["form"].non_field_errors()
    assert not Invoice.objects.exists()


def test_the_task_button_marks_done_and_opens_again(client, specialist, case):
    task = work_services.task_add(
        actor=specialist, case=case, title="Helista", due_on=timezone.localdate(), assigned_to=specialist
    )
    client.force_login(specialist)
    assert client.post(f"/cases/{case.pk}/tasks/{task.pk}/done/").status_code == 302
    assert Task.objects.get(pk=task.pk).done_at is not None
    assert client.post(f"/cases/{case.pk}/tasks/{task.pk}/done/", {"done": "0"}).status_code == 302
    assert Task.objects.get(pk=task.pk).done_at is None
    response = client.post(f"/cases/{case.pk}/tasks/{task.pk}/done/", {"done": "maybe"}, follow=True)
    assert Task.objects.get(pk=task.pk).done_at is None
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_the_sample_letter_refuses_a_language_not_offered(client):
    admin = make_user("administrator")
    client.force_login(admin)
    response = client.post("/tools/sample-letter/", {"language": "xx"})
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    assert not Job.objects.exists()


def test_a_provider_created_by_the_form_lands_on_its_page(client, organiser):
    client.force_login(organiser)
    response = client.post(
        "/referrals/providers/new/",
        {
            "name": "Uus Abi OÜ",
            "registry_code": "10000018",
            "iban": "EE382200221020145685",
            "email": "abi@example.invalid",
            "languages": ["et"],
            "waiting_days": "3",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    provider = Provider.objects.get(name="Uus Abi OÜ")
    assert response.status_code == 302 and response["Location"] == f"/referrals/providers/{provider.pk}/"
