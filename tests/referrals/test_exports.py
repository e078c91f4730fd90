"""Formula injection: every CSV and XLSX export neutralises cells that a spreadsheet would read as a formula
(one shared writer), and an invoice number has a plain shape at import and in the form alike."""

import csv
import io
from datetime import time, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from referrals.models import Invoice
from referrals.services import invoices as invoice_services
from referrals.services import payments as payment_services
from tests.factories import make_aid, make_provider, make_referral, make_user

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "+3725123456", "-5", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_writer_quotes_formula_starts_and_keeps_numbers():
    from victimsupport.exports import csv_bytes

    rows = [[*DANGEROUS, "plain", Decimal("145.00"), 3, Decimal("-5.00"), None]]
    cells = _csv_cells(csv_bytes(rows, header=["a"] * 11))
    assert cells[0] == ["a"] * 11
    assert cells[1][:6] == ["'" + value for value in DANGEROUS]
    assert cells[1][6:] == ["plain", "145.00", "3", "-5.00", ""]  # numbers stay numbers, readable


def test_the_xlsx_writer_writes_no_formula_and_keeps_numbers():
    from victimsupport.exports import xlsx_bytes

    data = xlsx_bytes([[*DANGEROUS, "plain", Decimal("145.00"), -5]], header=["a"] * 9)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    row = list(sheet[2])
    assert all(cell.data_type != "f" for cell in row)
    # (An XML reader may give a carriage return back as a line feed: the stdlib's does, lxml's does not.)
    read = [cell.value.replace("\r", "\n") for cell in row[:6]]
    assert read == ["'" + value.replace("\r", "\n") for value in DANGEROUS]
    assert row[6].value == "plain" and row[7].value == Decimal("145.00") and row[8].value == -5
    assert row[8].data_type == "n"


@pytest.fixture
def organisers(db):
    return make_user("service_organiser", "pohja"), make_user("service_organiser", "pohja")


def _approved(organiser, approver, referral, number):
    invoice = invoice_services.invoice_create(
        actor=organiser, referral=referral, number=number, invoice_date=timezone.localdate()
    )
    line = invoice_services.line_add(
        actor=organiser,
        invoice=invoice,
        session_date=referral.valid_from,
        start_time=time(10, 0),
        duration_minutes=60,
        specialist=referral.provider.specialists.first(),
        service=referral.service,
        rate=Decimal("72.50"),
        amount=Decimal("72.50"),
    )
    invoice_services.line_decide(actor=organiser, line=line, decision="accepted")
    invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)
    return invoice_services.invoice_approve(actor=approver, invoice=invoice)


def test_the_payment_csv_neutralises_a_provider_name_that_starts_like_a_formula(specialist, case, organisers):
    grant = make_aid(specialist, case)[2]
    provider = make_provider(name='=HYPERLINK("http://x.invalid","Hingerahu")')
    _approved(*organisers, make_referral(specialist, grant, provider, amount="100.00"), "P-1")
    export = payment_services.payments_export(actor=organisers[0])
    with export.csv_file.open("rb") as handle:
        cells = _csv_cells(handle.read())
    assert cells[1][0] == "'" + provider.name
    assert cells[1][-1] == "72.50"  # the amount stays a readable number


def test_an_invoice_number_that_is_a_formula_is_refused_everywhere(client, specialist, case, organisers):
    referral = make_referral(specialist, make_aid(specialist, case)[2], make_provider(), amount="100.00")
    organiser = organisers[0]
    for bad in ("=1+1", "-5", "@A1", "+1", " ", "A" * 41, "A;B", "ARVE<1>"):
        with pytest.raises(ValidationError) as error:
            invoice_services.invoice_create(
                actor=organiser, referral=referral, number=bad, invoice_date=timezone.localdate()
            )
        assert "number" in error.value.message_dict, bad
    for good in ("A-1001", "2026/15", "arve_7.1", "ÕÄ 12"):
        assert (
            invoice_services.invoice_create(
                actor=organiser, referral=referral, number=good, invoice_date=timezone.localdate()
            ).number
            == good
        )
    # The manual form gives the same rule at the field.
    client.force_login(organiser)
    with override("en"):
        response = client.post(
            "/referrals/invoices/new/",
            {
                "provider": referral.provider_id,
                "referral_number": referral.number,
                "number": "=1+1",
                "invoice_date": timezone.localdate().strftime("%d.%m.%Y"),
            },
        )
    assert response.status_code == 400 and "number" in response.context["form"].errors
    # The import refuses the row.
    licence = referral.provider.specialists.first().licence_number
    header = ";".join(invoice_services.CSV_COLUMNS)
    row = (
        f"=1+1;{timezone.localdate():%d.%m.%Y};{referral.number};{referral.valid_from:%d.%m.%Y};10:00;60;"
        f"{licence};counselling;72,50;72,50"
    )
    result = invoice_services.invoices_import(
        actor=organiser, provider=referral.provider, data=f"{header}\n{row}\n".encode()
    )
    assert [number for number, _message in result.errors] == [2]
    assert not Invoice.objects.filter(number="=1+1").exists()


def test_the_access_report_csv_is_neutralised(case):
    from cases.accessreport import AccessEvent, events_csv

    event = AccessEvent(
        at=timezone.now() - timedelta(hours=1),
        user_name="x",
        user_code="",
        action="@SUM(1+1)",
        action_code="x",
        visibility="A",
        ip="",
        reason="",
    )
    cells = _csv_cells(b"".join(events_csv(case.client, [event])))
    assert cells[1][-1] == "'@SUM(1+1)"
