"""Who may act on invoices: four eyes on the lines (whoever decided a line does not approve), the import
finds referrals only in the importer's regions, payment files are seen whole or not at all."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from referrals.models import Invoice
from referrals.services import invoices as invoice_services
from referrals.services import payments as payment_services
from tests.factories import make_aid, make_provider, make_referral, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(specialist, case, provider):
    return make_referral(specialist, make_aid(specialist, case)[2], provider, amount="362.50")


@pytest.fixture
def south_referral(outsider, other_case, provider):
    return make_referral(outsider, make_aid(outsider, other_case)[2], provider, amount="362.50")


def _invoice(organiser, referral, number="A-1", days=(0,)):
    invoice = invoice_services.invoice_create(
        actor=organiser, referral=referral, number=number, invoice_date=timezone.localdate()
    )
    for day in days:
        invoice_services.line_add(
            actor=organiser,
            invoice=invoice,
            session_date=referral.valid_from + timedelta(days=day),
            start_time=time(10, 0),
            duration_minutes=60,
            specialist=referral.provider.specialists.first(),
            service=referral.service,
            rate=Decimal("72.50"),
            amount=Decimal("72.50"),
        )
    return invoice


# --- 6: whoever decided a line does not approve ---


def test_whoever_decided_a_line_cannot_approve(client, organiser, second_organiser, manager, referral):
    invoice = _invoice(organiser, referral, days=(0, 1))
    first, second = invoice.lines.all()
    invoice_services.line_decide(actor=organiser, line=first, decision="accepted")
    invoice_services.line_decide(actor=second_organiser, line=second, decision="accepted")
    first.refresh_from_db()
    assert first.decided_by == organiser and first.decided_at is not None
    invoice_services.invoice_mark_checked(actor=second_organiser, invoice=invoice)
    for decider in (organiser, second_organiser):  # a line's decider; the checker (who also decided one)
        with override("en"), pytest.raises(ValidationError, match=r"decided|checked"):
            invoice_services.invoice_approve(actor=decider, invoice=invoice)
    client.force_login(organiser)
    page = client.get(f"/referrals/invoices/{invoice.pk}/")
    assert not page.context["can_approve"]
    assert "Teele Teenused" in page.content.decode()  # the page names who decided each line
    assert invoice_services.invoice_approve(actor=manager, invoice=invoice).status == "approved"


def test_the_checker_alone_decided_nothing_but_still_cannot_approve(organiser, second_organiser, referral):
    invoice = _invoice(organiser, referral)
    invoice_services.line_decide(actor=organiser, line=invoice.lines.get(), decision="accepted")
    invoice_services.invoice_mark_checked(actor=second_organiser, invoice=invoice)
    with pytest.raises(ValidationError):
        invoice_services.invoice_approve(actor=second_organiser, invoice=invoice)  # the checker
    with pytest.raises(ValidationError):
        invoice_services.invoice_approve(actor=organiser, invoice=invoice)  # decided the line


# --- 8: the import and the manual entry find referrals only in the importer's regions ---


def _csv(referral, number="I-1", referral_number=None) -> bytes:
    licence = referral.provider.specialists.first().licence_number
    header = ";".join(invoice_services.CSV_COLUMNS)
    row = (
        f"{number};{timezone.localdate():%d.%m.%Y};{referral_number or referral.number};"
        f"{referral.valid_from:%d.%m.%Y};10:00;60;{licence};counselling;72,50;72,50"
    )
    return f"{header}\n{row}\n".encode()


def test_the_import_does_not_reach_another_regions_referral(organiser, referral, south_referral, provider):
    other_provider = make_provider(name="Muu OÜ", registry_code="10000019")
    specialist = other_provider.specialists.first()
    specialist.licence_number = provider.specialists.first().licence_number
    specialist.save()
    messages = []
    with override("en"):
        for number in (south_referral.reference, south_referral.number, "S-999999", referral.reference):
            target = other_provider if number == referral.reference else provider
            result = invoice_services.invoices_import(
                actor=organiser, provider=target, data=_csv(referral, referral_number=number)
            )
            assert result.errors and not result.invoices, number
            messages.append(result.errors[0][1])
    # Out of scope, unknown, another provider's: one neutral message that names nothing.
    assert set(messages) == {"no referral with this number for this provider"}
    assert not Invoice.objects.exists()
    # In scope it works.
    assert invoice_services.invoices_import(actor=organiser, provider=provider, data=_csv(referral)).invoices


def test_the_service_refuses_an_invoice_on_another_regions_referral(organiser, south_referral):
    with override("en"), pytest.raises(ValidationError) as error:
        invoice_services.invoice_create(
            actor=organiser, referral=south_referral, number="X-1", invoice_date=timezone.localdate()
        )
    assert error.value.messages == ["No referral with this number for this provider."]
    assert not Invoice.objects.exists()


def test_the_manual_form_gives_the_same_neutral_message(client, organiser, referral, south_referral):
    client.force_login(organiser)
    other_provider = make_provider(name="Muu OÜ", registry_code="10000019")
    errors = []
    client.cookies["django_language"] = "en"
    with override("en"):
        for provider, number in ((referral.provider, south_referral.number), (other_provider, referral.number)):
            response = client.post(
                "/referrals/invoices/new/",
                {
                    "provider": provider.pk,
                    "referral_number": number,
                    "number": "M-1",
                    "invoice_date": timezone.localdate().strftime("%d.%m.%Y"),
                },
            )
            assert response.status_code == 400
            errors.append(response.context["form"].errors["referral_number"])
    assert errors[0] == errors[1] == ["No referral with this number for this provider."]


# --- 9: payment files are seen whole or not at all ---


def _approve(organiser, approver, referral, number, day):
    invoice = _invoice(organiser, referral, number=number, days=(day,))
    invoice_services.line_decide(actor=organiser, line=invoice.lines.get(), decision="accepted")
    invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)
    return invoice_services.invoice_approve(actor=approver, invoice=invoice)


def test_payment_files_are_scoped(client, organiser, second_organiser, referral, south_referral):
    both = make_user("service_organiser", "pohja", "louna")
    south = make_user("service_organiser", "louna")
    _approve(organiser, second_organiser, referral, "P-1", 0)
    north_only = payment_services.payments_export(actor=organiser)
    _approve(organiser, second_organiser, referral, "P-2", 1)
    _approve(south, both, south_referral, "P-3", 0)
    mixed = payment_services.payments_export(actor=both)
    assert mixed.invoices.count() == 2
    client.force_login(organiser)
    listed = [export.pk for export in client.get("/referrals/payments/").context["exports"].items]
    assert listed == [north_only.pk]
    assert client.get(f"/referrals/payments/{north_only.pk}/csv/").status_code == 200
    assert client.get(f"/referrals/payments/{mixed.pk}/csv/").status_code == 404
    assert client.get(f"/referrals/payments/{mixed.pk}/xml/").status_code == 404
    client.force_login(both)
    listed = {export.pk for export in client.get("/referrals/payments/").context["exports"].items}
    assert listed == {north_only.pk, mixed.pk}
    assert client.get(f"/referrals/payments/{mixed.pk}/xml/").status_code == 200


def test_an_unknown_payment_file_kind_is_not_found(client, organiser, second_organiser, referral):
    _approve(organiser, second_organiser, referral, "P-1", 0)
    export = payment_services.payments_export(actor=organiser)
    client.force_login(organiser)
    assert client.get(f"/referrals/payments/{export.pk}/pdf/").status_code == 404
