"""Compensation decisions and payments: four eyes, the crime's cap kept under concurrency, a letter that
is an administrative act and never changes, delivery through allowed channels only, instalments approved
by one person and paid in a file made by another, periodic payments stopped by an event."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InternalError, ProgrammingError, connection, transaction
from django.utils import timezone
from pypdf import PdfReader

from cases.services.cases import case_add_party
from compensation import selectors
from compensation.letters import _register_letter
from compensation.models import Claim, CompensationDecision, Instalment, PaymentBatch
from compensation.services import claims as claim_services
from compensation.services import decisions as services
from compensation.services import payments
from tests.compensation.test_claims import add_item, open_claim
from tests.factories import make_case, make_person, make_user, set_rules

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def draft(actor, claim, **fields):
    values = {
        "kind": "grant",
        "one_off_amount": Decimal("800.00"),
        "monthly_amount": Decimal("0"),
        "monthly_from": None,
        "monthly_months": 0,
        "facts": "",
        "reasoning": "Kahju on tõendatud arvetega.",
    }
    return services.decision_draft(actor=actor, claim=claim, **(values | fields))


def issue(actor, approver, claim, **fields):
    decision = draft(actor, claim, **fields)
    services.decision_submit(actor=actor, decision=decision)
    return services.decision_approve(actor=approver, decision=decision)


@pytest.fixture
def claim(specialist, case):
    claim = open_claim(specialist, case)
    add_item(specialist, claim, claimed="1000.00")
    return claim


@pytest.fixture
def second_manager(db):
    return make_user("regional_manager", "pohja", first_name="Mari", last_name="Teine")


class TestFourEyes:
    def test_a_specialist_drafts_and_another_manager_approves(self, specialist, manager, claim):
        decision = draft(specialist, claim)
        with pytest.raises(PermissionDenied):
            services.decision_approve(actor=specialist, decision=decision)
        services.decision_submit(actor=specialist, decision=decision)
        decision = services.decision_approve(actor=manager, decision=decision)
        assert decision.is_issued and decision.approved_by == manager and decision.decision_date == TODAY
        assert decision.calculation["at_rate"] == "800.00"
        claim.refresh_from_db()
        assert claim.is_decided
        assert [(row.due_on, row.amount) for row in decision.instalments.all()] == [(TODAY, Decimal("800.00"))]

    def test_a_manager_who_changed_the_draft_cannot_approve_it(self, specialist, manager, second_manager, claim):
        decision = draft(specialist, claim)
        services.decision_update(
            actor=manager,
            decision=decision,
            expected_version=decision.version,
            **{name: getattr(decision, name) for name in services.DRAFT_FIELDS} | {"reasoning": "Muudetud."},
        )
        decision.refresh_from_db()
        services.decision_submit(actor=specialist, decision=decision)
        with pytest.raises(ValidationError):
            services.decision_approve(actor=manager, decision=decision)
        assert services.decision_approve(actor=second_manager, decision=decision).is_issued

    def test_a_returned_draft_goes_back_with_the_comment(self, client, specialist, manager, claim):
        decision = draft(specialist, claim)
        services.decision_submit(actor=specialist, decision=decision)
        client.force_login(manager)
        response = client.post(f"/compensation/decisions/{decision.pk}/return/", {"comment": "Lisa arve koopia."})
        assert response.status_code == 302
        decision.refresh_from_db()
        assert decision.is_returned and decision.return_comment == "Lisa arve koopia."

    def test_the_draft_rules_are_reported_together(self, specialist, claim):
        with pytest.raises(ValidationError) as error:
            draft(
                specialist,
                claim,
                one_off_amount=Decimal("900.00"),
                monthly_amount=Decimal("10.00"),
                monthly_months=0,
                reasoning=" ",
            )
        assert {"reasoning", "monthly_months", "monthly_from"} <= set(error.value.message_dict)
        with pytest.raises(ValidationError) as error:
            draft(specialist, claim, one_off_amount=Decimal("900.00"))
        assert "calculation allows" in str(error.value)
        with pytest.raises(ValidationError) as error:
            draft(specialist, claim, one_off_amount=Decimal("500.00"))
        assert "partial grant" in str(error.value)
        assert draft(specialist, claim, kind="partial", one_off_amount=Decimal("500.00")).total == Decimal("500.00")

    def test_a_refusal_grants_nothing(self, specialist, manager, claim):
        decision = issue(specialist, manager, claim, kind="refusal", one_off_amount=Decimal("800.00"))
        assert decision.total == 0 and not decision.instalments.exists()


class TestTheCrimesCap:
    def dependant_claim(self, specialist, case, crime, claimed="10000.00"):
        child = make_person(specialist, first_name="Mia", birth=date(2012, 5, 1))
        case_add_party(actor=specialist, case=case, person=child, role="family_member")
        claim = open_claim(specialist, case, crime=crime, claimant=child, role="dependant")
        add_item(specialist, claim, kind="maintenance", claimed=claimed)
        return claim

    def test_grants_of_one_crime_never_pass_the_cap(self, specialist, manager, case):
        first = open_claim(specialist, case)
        add_item(specialist, first, kind="lost_income", claimed="10000.00")  # 8000
        second = self.dependant_claim(specialist, case, first.crime)  # 8000
        # 16,000 asked of 9,590: each claim's share is 4,795.
        with pytest.raises(ValidationError) as error:
            draft(specialist, first, one_off_amount=Decimal("6000.00"), kind="partial")
        assert "(4\xa0795,00\xa0€)" in error.value.messages[0]  # as amounts are shown on the screens
        issue(specialist, manager, first, one_off_amount=Decimal("4000.00"), kind="partial")
        # What was granted stays; the rest of the cap is the other claim's.
        with pytest.raises(ValidationError) as error:
            draft(specialist, second, one_off_amount=Decimal("6000.00"), kind="partial")
        assert "(5\xa0590,00\xa0€)" in error.value.messages[0]
        decision = issue(
            specialist,
            manager,
            second,
            kind="partial",
            one_off_amount=Decimal("2590.00"),
            monthly_amount=Decimal("250.00"),
            monthly_from=TODAY.replace(day=1) + timedelta(days=40),
            monthly_months=12,
        )
        assert decision.total == Decimal("5590.00")
        assert selectors.granted_for_crime(first.crime) == Decimal("9590.00")
        assert decision.instalments.count() == 13

    def test_one_funeral_cap_for_the_crime_whoever_paid(self, specialist, case):
        first = open_claim(specialist, case)
        add_item(specialist, first, kind="funeral", claimed="400.00")
        second = self.dependant_claim(specialist, case, first.crime, claimed="100.00")
        add_item(specialist, second, kind="funeral", claimed="400.00")
        calculations = {
            claim.pk: calc
            for claim, calc in selectors.crime_calculations(first.crime, selectors.rules_for(first.crime)).items()
        }
        assert [line.after_cap for line in calculations[first.pk].lines] == [Decimal("400.00")]
        assert [line.after_cap for line in calculations[second.pk].lines] == [Decimal("100.00"), Decimal("48.00")]

    def test_a_grant_needs_the_conditions_met_and_a_bank_account(self, specialist, case):
        late = open_claim(specialist, case, reported_on=TODAY - timedelta(days=150))
        add_item(specialist, late)
        with pytest.raises(ValidationError) as error:
            draft(specialist, late)
        assert "only a refusal" in str(error.value)
        assert draft(specialist, late, kind="refusal", one_off_amount=Decimal("0")).kind == "refusal"
        other = open_claim(specialist, make_case(specialist), proceedings_number="2")
        add_item(specialist, other)
        Claim.objects.filter(pk=other.pk).update(iban="")
        other.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            draft(specialist, other)
        assert "bank account" in str(error.value)

    def test_an_issued_decision_never_changes(self, specialist, manager, claim):
        decision = issue(specialist, manager, claim)
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            CompensationDecision.objects.filter(pk=decision.pk).update(one_off_amount=Decimal("1.00"))
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM compensation_compensationdecision WHERE id = %s", [decision.pk])
        # One issued decision per claim, and the crime's facts stay as the decision states them.
        with pytest.raises(ValidationError):
            draft(specialist, claim)
        crime = claim.crime
        with pytest.raises(ValidationError):
            claim_services.crime_update(
                actor=specialist,
                crime=crime,
                expected_version=crime.version,
                **{name: getattr(crime, name) for name in claim_services.CRIME_FIELDS} | {"place": "Tartu"},
            )


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_pass_the_crimes_cap():
    """Two grants of one crime approved at the same moment: the crime's row is locked, so the second
    sees the first's grant and keeps to what is left."""
    specialist = make_user("specialist", "pohja")
    managers = [make_user("regional_manager", "pohja") for _ in range(2)]
    case = make_case(specialist)
    first = open_claim(specialist, case)
    add_item(specialist, first, kind="lost_income", claimed="10000.00")
    child = make_person(specialist, first_name="Mia", birth=date(2012, 5, 1))
    case_add_party(actor=specialist, case=case, person=child, role="family_member")
    second = open_claim(specialist, case, crime=first.crime, claimant=child, role="dependant")
    add_item(specialist, second, kind="maintenance", claimed="10000.00")
    drafts = []
    for claim in (first, second):
        decision = draft(specialist, claim, kind="grant", one_off_amount=Decimal("4795.00"))
        services.decision_submit(actor=specialist, decision=decision)
        drafts.append(decision)
    barrier = threading.Barrier(2)
    results = []

    def approve(manager, decision):
        try:
            barrier.wait()
            services.decision_approve(actor=manager, decision=decision)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(managers, drafts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["ok", "ok"]
    assert selectors.granted_for_crime(first.crime) == Decimal("9590.00")


class TestLetterAndDelivery:
    def test_the_letter_is_an_administrative_act_in_the_claimants_language(self, specialist, manager, case):
        person = case.client
        person.street, person.house, person.settlement, person.postal_code = "Jõe tn", "5", "Tartu", "50109"
        person.save()
        set_rules(specialist, person=person, letter_allowed=True)
        claim = open_claim(specialist, case)
        add_item(specialist, claim, kind="funeral", claimed="2000.00", description="Matusebüroo arve")
        manager.position = "piirkonna juht"
        manager.save()
        decision = issue(specialist, manager, claim, one_off_amount=Decimal("358.40"))
        with transaction.atomic():
            document = _register_letter(decision, manager)
        decision.refresh_from_db()
        assert decision.letter == document and document.number.startswith("9-17/")
        with document.file.open("rb") as handle:
            text = " ".join(
                " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages).split()
            )
        for element in (
            "OTSUS",
            document.number,
            TODAY.strftime("%d.%m.%Y"),
            "Jõe tn 5",
            "Asjaolud",
            "Põhjendused",
            "Matusebüroo arve",
            "358,40",
            "ohvriabi seaduse",
            "Vaidlustamine",
            "30 päeva",
            manager.get_full_name(),
            "piirkonna juht",
            "ASUTUSESISESEKS KASUTAMISEKS",
        ):
            assert element in text, element
        # Made again, the letter is the same document (run twice, made once).
        with transaction.atomic():
            assert services.letters.current_letter(decision) == document

    def test_the_english_letter(self, specialist, manager, case):
        case.client.language = "en"
        case.client.save()
        claim = open_claim(specialist, case)
        add_item(specialist, claim)
        decision = issue(specialist, manager, claim)
        with transaction.atomic():
            document = _register_letter(decision, manager)
        with document.file.open("rb") as handle:
            text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
        assert "DECISION" in text and "granting compensation" in text

    def test_delivery_only_through_an_allowed_channel(self, specialist, manager, case, mailoutbox):
        claim = open_claim(specialist, case)
        add_item(specialist, claim)
        decision = issue(specialist, manager, claim)
        with transaction.atomic():
            _register_letter(decision, manager)
        decision.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            services.decision_deliver(actor=specialist, decision=decision, channel="email")
        assert "channel" in error.value.message_dict
        services.decision_deliver(actor=specialist, decision=decision, channel="pickup")
        decision.refresh_from_db()
        assert decision.delivery_channel == "pickup" and decision.delivered_on == TODAY


class TestPayments:
    def test_approved_by_one_paid_by_another(self, client, specialist, manager, claim):
        decision = issue(specialist, manager, claim)
        payments.instalments_approve(actor=manager, decision=decision)
        # The approver does not make the file of what they approved.
        with pytest.raises(ValidationError):
            payments.payment_file_make(actor=manager, region=claim.crime.region)
        batch = payments.payment_file_make(actor=specialist, region=claim.crime.region)
        assert batch.total == Decimal("800.00")
        with batch.xml_file.open("rb") as handle:
            xml = handle.read().decode()
        assert "EE382200221020145685" in xml and "800.00" in xml and "pain.001.001.03" in xml
        assert Instalment.objects.get().is_sent
        # Nothing is paid twice.
        with pytest.raises(ValidationError):
            payments.payment_file_make(actor=specialist, region=claim.crime.region)
        client.force_login(specialist)
        assert client.get(f"/compensation/payments/files/{batch.pk}/").status_code == 200
        assert "HO-" in client.get("/compensation/payments/").content.decode() or PaymentBatch.objects.exists()

    def test_a_specialist_cannot_approve_payments_and_they_go_to_the_decisions_account(
        self, specialist, manager, claim
    ):
        decision = issue(specialist, manager, claim)
        assert decision.iban == "EE382200221020145685"
        with pytest.raises(PermissionDenied):
            payments.instalments_approve(actor=specialist, decision=decision)
        # The claim's account changed afterwards (by one person): the issued decision's payments do not follow.
        Claim.objects.filter(pk=claim.pk).update(iban="EE471000001020145685")
        payments.instalments_approve(actor=manager, decision=decision)
        batch = payments.payment_file_make(actor=specialist, region=claim.crime.region)
        with batch.xml_file.open("rb") as handle:
            xml = handle.read().decode()
        assert "EE382200221020145685" in xml and "EE471000001020145685" not in xml

    def test_monthly_payments_are_approved_as_they_fall_due_and_stop_on_an_event(self, specialist, manager, case):
        claim = open_claim(specialist, case)
        add_item(specialist, claim, kind="maintenance", claimed="5000.00")
        start = TODAY.replace(day=1)
        decision = issue(
            specialist,
            manager,
            claim,
            one_off_amount=Decimal("0"),
            monthly_amount=Decimal("400.00"),
            monthly_from=start,
            monthly_months=10,
        )
        rows = list(decision.instalments.order_by("due_on"))
        assert len(rows) == 10 and rows[-1].due_on == services.add_months(start, 9)
        assert payments.instalments_approve(actor=manager, decision=decision) in (1, 2)
        stopped = payments.periodic_stop(
            actor=specialist, decision=decision, stop_from=services.add_months(start, 3), reason="Laps suri"
        )
        assert stopped == 7
        assert decision.instalments.filter(status="stopped").count() == 7
        # What was already approved before the stop date stays.
        assert decision.instalments.exclude(status__in=["stopped", "planned"]).count() >= 1


class TestPages:
    def test_from_the_claim_to_an_issued_decision(self, client, specialist, manager, claim):
        client.force_login(specialist)
        client.cookies["django_language"] = "et"  # amounts typed the Estonian way
        page = client.get(f"/compensation/claims/{claim.pk}/decisions/new/")
        assert page.status_code == 200 and "800,00" in page.content.decode().replace("\xa0", " ")
        rejected = client.post(
            f"/compensation/claims/{claim.pk}/decisions/new/",
            {"kind": "grant", "one_off_amount": "9 000,00", "reasoning": "Põhjendus jääb alles"},
        )
        assert rejected.status_code == 400
        assert "Põhjendus jääb alles" in rejected.content.decode()
        assert not CompensationDecision.objects.exists()
        response = client.post(
            f"/compensation/claims/{claim.pk}/decisions/new/",
            {"kind": "grant", "one_off_amount": "800,00", "reasoning": "Tõendatud."},
        )
        assert response.status_code == 302
        decision = CompensationDecision.objects.get()
        assert client.post(f"/compensation/decisions/{decision.pk}/submit/").status_code == 302
        client.force_login(manager)
        html = client.get(f"/compensation/decisions/{decision.pk}/").content.decode()
        assert "Approve and issue" in html or "Kinnita" in html
        assert client.post(f"/compensation/decisions/{decision.pk}/approve/").status_code == 302
        decision.refresh_from_db()
        assert decision.is_issued
        html = client.get(f"/compensation/decisions/{decision.pk}/").content.decode()
        assert f"/compensation/decisions/{decision.pk}/payments/approve/" in html
