"""An invoice is measured against its referral's scope (what the provider was ordered), not against the free
part of the decision: lines beyond it are flagged and cannot be paid in full; paying more needs a recorded
extension of the referral, with a new letter that refers to the earlier one."""

import io
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override
from pypdf import PdfReader

from cases.services import aid as aid_services
from referrals.models import Invoice
from referrals.services import invoices as invoice_services
from referrals.services import referrals as referral_services
from tests.factories import make_application, make_case, make_decision, make_provider, make_referral, make_user
from tests.referrals.conftest import approve_concurrently

pytestmark = pytest.mark.django_db


def big_grant(actor, case, cap="886.00"):
    application = make_application(actor, case)
    return aid_services.decision_issue(actor=actor, decision=make_decision(actor, application, amount_cap=Decimal(cap)))


@pytest.fixture
def approver(db):
    return make_user("service_organiser", "pohja", first_name="Toomas", last_name="Teine")


def invoice_with(organiser, referral, number, sessions):
    """`sessions`: (day, minutes, rate) per line; the amount is the rate times the duration."""
    invoice = invoice_services.invoice_create(
        actor=organiser, referral=referral, number=number, invoice_date=timezone.localdate()
    )
    for day, minutes, rate in sessions:
        invoice_services.line_add(
            actor=organiser,
            invoice=invoice,
            session_date=referral.valid_from + timedelta(days=day),
            start_time=time(10, 0),
            duration_minutes=minutes,
            specialist=referral.provider.specialists.first(),
            service=referral.service,
            rate=Decimal(rate),
            amount=(Decimal(rate) * minutes / 60).quantize(Decimal("0.01")),
        )
    return invoice


def accept_all(organiser, invoice):
    for line in invoice.lines.all():
        invoice_services.line_decide(actor=organiser, line=line, decision="accepted")
    invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)


@pytest.fixture
def scenario(specialist, case, organiser, approver):
    """The held-out scenario: a referral of at most 725.00; invoices of 253.75 and 150.00 approved."""
    grant = big_grant(specialist, case)
    referral = make_referral(specialist, grant, make_provider(rate="75.00"), amount="725.00")
    first = invoice_with(organiser, referral, "R-1", [(0, 60, "72.50"), (1, 60, "72.50"), (2, 60, "72.50")])
    invoice_services.line_add(  # and half an hour: 3 x 72.50 + 36.25 = 253.75
        actor=organiser,
        invoice=first,
        session_date=referral.valid_from + timedelta(days=3),
        start_time=time(10, 0),
        duration_minutes=30,
        specialist=referral.provider.specialists.first(),
        service=referral.service,
        rate=Decimal("72.50"),
        amount=Decimal("36.25"),
    )
    second = invoice_with(organiser, referral, "R-2", [(4, 60, "75.00"), (5, 60, "75.00")])
    for invoice, total in ((first, "253.75"), (second, "150.00")):
        accept_all(organiser, invoice)
        assert invoice_services.invoice_approve(actor=approver, invoice=invoice).approved_total == Decimal(total)
    third = invoice_with(organiser, referral, "R-3", [(10 + day, 60, "75.00") for day in range(6)])  # 450.00
    return referral, third


def paid_on(referral) -> Decimal:
    return sum(
        (invoice.approved_total for invoice in Invoice.objects.filter(referral=referral, approved_total__isnull=False)),
        Decimal("0.00"),
    )


def test_the_held_out_scenario_lines_beyond_the_referral_are_flagged_and_not_paid(scenario, organiser, approver):
    referral, third = scenario
    lines = list(third.lines.order_by("session_date"))
    # 321.25 left of the referral: four sessions fit (300.00), the fifth only in part, the sixth not at all.
    assert [("over_referral" in line.findings) for line in lines] == [False] * 4 + [True, True]
    for line in lines[:4]:
        invoice_services.line_decide(actor=organiser, line=line, decision="accepted")
    with override("en"), pytest.raises(ValidationError) as error:
        invoice_services.line_decide(actor=organiser, line=lines[4], decision="accepted", reason="tehtud töö")
    assert "Only 21,25\xa0€ of the referral" in error.value.messages[0]
    invoice_services.line_decide(
        actor=organiser, line=lines[4], decision="reduced", accepted_amount=Decimal("21.25"), reason="suunamise piir"
    )
    with pytest.raises(ValidationError):
        invoice_services.line_decide(actor=organiser, line=lines[5], decision="accepted", reason="tehtud töö")
    invoice_services.line_decide(actor=organiser, line=lines[5], decision="rejected", reason="suunamise piir")
    invoice_services.invoice_mark_checked(actor=organiser, invoice=third)
    approved = invoice_services.invoice_approve(actor=approver, invoice=third)
    assert approved.approved_total == Decimal("321.25")
    assert paid_on(referral) == Decimal("725.00")  # never beyond what the provider was ordered


def test_paying_more_needs_a_recorded_extension_with_a_new_letter(scenario, specialist, organiser, approver):
    referral, third = scenario
    entitlement = referral.entitlement
    free_before = aid_services.remaining(entitlement)  # 886.00 - 725.00 = 161.00
    with pytest.raises(ValidationError):  # a reason is needed
        referral_services.referral_extend(actor=specialist, referral=referral, amount=Decimal("128.75"), reason=" ")
    with pytest.raises(ValidationError) as error:  # never beyond the decision's free remainder
        referral_services.referral_extend(actor=specialist, referral=referral, amount=Decimal("161.01"), reason="x")
    assert "amount" in error.value.message_dict
    from referrals.letters import _register_extension

    extension = referral_services.referral_extend(
        actor=specialist, referral=referral, amount=Decimal("128.75"), reason="Kuus lisaseanssi on vajalikud"
    )
    with transaction.atomic():
        _register_extension(extension, specialist)
    extension.refresh_from_db()
    referral.refresh_from_db()
    assert referral.amount == Decimal("853.75") and aid_services.remaining(entitlement) == free_before - Decimal(
        "128.75"
    )
    assert (extension.created_by, extension.reason, extension.amount) == (
        specialist,
        "Kuus lisaseanssi on vajalikud",
        Decimal("128.75"),
    )
    assert extension.created_at is not None
    letter = extension.letter
    assert letter.supersedes_id == referral.letter_id and letter.number != referral.letter.number
    with letter.file.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert referral.letter.number in text and "853,75" in text
    # Now the six sessions fit and are paid in full.
    # The extension checks the open invoices again: nothing is flagged now.
    assert all("over_referral" not in line.findings for line in third.lines.all())
    accept_all(organiser, third)
    assert invoice_services.invoice_approve(actor=approver, invoice=third).approved_total == Decimal("450.00")
    assert paid_on(referral) == Decimal("853.75")


def test_only_those_who_may_change_the_case_extend(scenario, colleague, outsider):
    referral, _third = scenario
    for person in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            referral_services.referral_extend(actor=person, referral=referral, amount=Decimal("10.00"), reason="x")


def test_an_hours_scope_is_kept_too(specialist, case, organiser):
    grant = big_grant(specialist, case)
    referral = referral_services.referral_create(
        actor=specialist,
        decision=grant,
        provider=make_provider(),
        amount=Decimal("725.00"),
        hours=Decimal("2.0"),
        valid_from=grant.valid_from,
        valid_until=grant.valid_until,
    )
    invoice = invoice_with(organiser, referral, "H-1", [(0, 60, "72.50"), (1, 60, "72.50"), (2, 45, "72.50")])
    lines = list(invoice.lines.order_by("session_date"))
    assert [("over_referral" in line.findings) for line in lines] == [False, False, True]
    invoice_services.line_decide(actor=organiser, line=lines[0], decision="accepted")
    invoice_services.line_decide(actor=organiser, line=lines[1], decision="accepted")
    with pytest.raises(ValidationError):  # beyond the hours: reducing the amount does not help
        invoice_services.line_decide(
            actor=organiser, line=lines[2], decision="reduced", accepted_amount=Decimal("10.00"), reason="x"
        )
    extension = referral_services.referral_extend(
        actor=specialist, referral=referral, amount=Decimal("0"), hours=Decimal("1.0"), reason="Veel üks seanss"
    )
    assert extension.hours == Decimal("1.0")
    referral.refresh_from_db()
    assert referral.hours == Decimal("3.0")
    invoice_services.line_decide(actor=organiser, line=lines[2], decision="accepted", reason="pikendatud")


def test_the_extension_page(client, scenario, specialist, colleague):
    referral, _third = scenario
    client.force_login(colleague)
    assert client.get(f"/referrals/{referral.pk}/extend/").status_code == 403
    client.force_login(specialist)
    assert client.get(f"/referrals/{referral.pk}/extend/").status_code == 200
    bad = client.post(f"/referrals/{referral.pk}/extend/", {"amount": "abc", "reason": ""})
    assert bad.status_code == 400
    response = client.post(f"/referrals/{referral.pk}/extend/", {"amount": "100,00", "reason": "Vaja veel"})
    assert response.status_code == 302
    page = client.get(f"/referrals/{referral.pk}/")
    assert "Vaja veel" in page.content.decode()
    referral.refresh_from_db()
    assert referral.amount == Decimal("825.00")
    # The letter comes from the referral-letter job, as the worker runs it.
    from referrals.letters import render_referral_letter_job
    from victimsupport.models import Job

    extension = referral.extensions.get()
    job = Job.objects.get(kind="referral_letter", target_type="referrals.referralextension", target_id=extension.pk)
    render_referral_letter_job(job.pk)
    extension.refresh_from_db()
    assert extension.letter.supersedes_id == referral.letter_id
    letter = client.get(f"/referrals/{referral.pk}/extensions/{extension.pk}/letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


@pytest.mark.django_db(transaction=True)
def test_two_invoices_that_together_exceed_the_referral_cannot_both_be_approved():
    specialist = make_user("specialist", "pohja")
    organiser = make_user("service_organiser", "pohja")
    approvers = [make_user("service_organiser", "pohja"), make_user("service_organiser", "pohja")]
    case = make_case(specialist)
    referral = make_referral(specialist, big_grant(specialist, case), make_provider(), amount="300.00", letter=False)
    invoices = []
    for index in range(2):  # 4 x 72.50 = 290.00 each: each fits, together they do not
        invoice = invoice_with(organiser, referral, f"C-{index}", [(index * 10 + day, 60, "72.50") for day in range(4)])
        accept_all(organiser, invoice)
        invoices.append(invoice)
    assert approve_concurrently(invoices, approvers) == ["approved", "refused"]
    assert paid_on(referral) == Decimal("290.00")
