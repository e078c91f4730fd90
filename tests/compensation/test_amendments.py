"""Amending and revoking an issued compensation decision: the claim is reopened, a new decision amends the
one in force (which never changes), the payments not yet made stop and the amendment's replace them, what
was paid stays and counts, and the crime's ledger follows. Also: the crime's row lock, alone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.template.loader import render_to_string

from cases.services.cases import case_add_party
from compensation import selectors
from compensation.letters import _register_letter, letter_context
from compensation.models import CompensationDecision
from compensation.services import claims as claim_services
from compensation.services import decisions as services
from compensation.services import payments
from tests.compensation.test_claims import add_item, open_claim
from tests.compensation.test_decisions import TODAY, draft, issue
from tests.factories import make_case, make_person, make_user
from victimsupport.templatetags.money import format_eur

pytestmark = pytest.mark.django_db


def proposal(claim) -> Decimal:
    return selectors.claim_calculation(claim).proposed


def letter_text(document) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(document.file.open("rb")).pages)
    return " ".join(text.replace("\xa0", " ").split())


def amend(actor, approver, claim, **fields):
    decision = draft(actor, claim, **fields)
    services.decision_submit(actor=actor, decision=decision)
    return services.decision_approve(actor=approver, decision=decision)


def pay_due(manager, specialist, decision):
    payments.instalments_approve(actor=manager, decision=decision)
    return payments.payment_file_make(actor=specialist, region=decision.claim.crime.region)


@pytest.fixture
def claim(specialist, case):
    claim = open_claim(specialist, case)
    add_item(specialist, claim, kind="maintenance", claimed="5000.00")
    return claim


ONE_OFF_800 = {"one_off_amount": Decimal("800.00")}


def monthly(amount, months, start=None):
    return {
        "one_off_amount": Decimal("0"),
        "monthly_amount": Decimal(amount),
        "monthly_from": start or TODAY.replace(day=1),
        "monthly_months": months,
    }


class TestAmendment:
    def test_an_amendment_keeps_what_was_paid_and_replaces_the_rest(self, specialist, manager, claim):
        first = issue(specialist, manager, claim, **monthly("400.00", 10))
        batch = pay_due(manager, specialist, first)
        paid = batch.total
        assert paid in (Decimal("400.00"), Decimal("800.00"))
        assert selectors.granted_for_crime(claim.crime) == Decimal("4000.00")

        services.claim_reopen(actor=specialist, claim=claim, reason="Uued raviarved")
        claim.refresh_from_db()
        assert claim.is_open and "Uued raviarved" in claim.notes
        add_item(specialist, claim, kind="treatment", claimed="1000.00")
        # 80 % of 6,000 is 4,800; what was paid is taken off what the amendment may grant.
        allowed = Decimal("4800.00") - paid
        with pytest.raises(ValidationError) as error:
            draft(specialist, claim, kind="grant", one_off_amount=allowed + Decimal("0.01"))
        assert format_eur(allowed) in error.value.messages[0]
        second = amend(
            specialist,
            manager,
            claim,
            kind="partial",
            **(
                monthly("300.00", 10, start=services.add_months(TODAY.replace(day=1), 3))
                | {"one_off_amount": Decimal("800.00")}
            ),
        )
        assert second.amends == first and second.is_issued
        assert selectors.decision_in_force(claim) == second
        claim.refresh_from_db()
        assert claim.status == "decided"

        # The first decision never changed; its payments not made stopped, with the reason.
        first.refresh_from_db()
        assert first.is_issued and first.total == Decimal("4000.00")
        stopped = first.instalments.filter(status="stopped")
        assert stopped.count() == 10 - first.instalments.filter(status="sent").count()
        assert all(second.reference in row.stopped_reason for row in stopped)
        assert sum(row.amount for row in first.instalments.filter(status="sent")) == paid
        # The amendment's payments: the one-off today, ten monthly from the fourth month.
        rows = list(second.instalments.order_by("due_on", "id"))
        assert [row.amount for row in rows] == [Decimal("800.00")] + [Decimal("300.00")] * 10
        # The ledger: what was paid under the first, and all the amendment grants.
        assert selectors.granted_for_crime(claim.crime) == paid + Decimal("3800.00")
        assert second.calculation["paid_before"] == str(paid)

    def test_the_amending_letter_refers_to_the_decision_it_changes(self, specialist, manager, claim):
        first = issue(specialist, manager, claim, kind="partial", one_off_amount=Decimal("3000.00"))
        pay_due(manager, specialist, first)
        services.claim_reopen(actor=specialist, claim=claim, reason="Kindlustus maksis")
        second = amend(specialist, manager, claim, kind="refusal", reasoning="Kahju hüvitas kindlustus.")
        context = letter_context(second, "et", "7.1-3/1-2")
        assert context["amended"] == first and context["paid_before"] == Decimal("3000.00")
        document = _register_letter(second, manager)
        text = letter_text(document)
        assert "otsuse kehtetuks tunnistamise kohta" in text and first.reference in text
        assert "edaspidiseks kehtetuks" in text and "3 000,00 €" in text
        assert "muutmine" in document.title and first.reference in document.title

    def test_a_refusal_is_replaced_and_says_what_the_new_decision_is(self, specialist, manager, case):
        claim = open_claim(specialist, case)
        add_item(specialist, claim, claimed="1000.00")
        issue(specialist, manager, claim, kind="refusal", reasoning="Tõendid puuduvad.")
        services.claim_reopen(actor=specialist, claim=claim, reason="Uued tõendid")
        # A refusal amended by a refusal: the claim is still refused, in so many words.
        again = amend(specialist, manager, claim, kind="refusal", reasoning="Tõendid ei kinnita kahju.")
        text = letter_text(_register_letter(again, manager))
        assert "rahuldamata jätmise otsuse muutmise kohta" in text
        assert "taotlus rahuldamata põhjendustes toodud põhjustel" in text and "maksmata makseid" not in text
        services.claim_reopen(actor=specialist, claim=claim, reason="Arved esitati")
        grant = amend(specialist, manager, claim, kind="grant", one_off_amount=Decimal("800.00"))
        estonian = letter_text(_register_letter(grant, manager))
        assert f"Otsus {again.reference} asendatakse käesoleva otsusega" in estonian
        assert "maksmata makseid" not in estonian and "lisaks juba välja makstule" not in estonian  # none paid
        english = " ".join(
            render_to_string(
                "compensation/letters/decision_en.html", letter_context(grant, "en", "9-17/1-9") | {"replaces": None}
            ).split()
        )
        assert f"Decision {again.reference} is replaced by this decision" in english
        assert "no payment under it" not in english and "in addition to what has been paid" not in english

    def test_a_refusal_amending_a_grant_revokes_it_for_the_future(self, specialist, manager, claim):
        first = issue(specialist, manager, claim, **monthly("400.00", 10))
        services.claim_reopen(actor=specialist, claim=claim, reason="Laps ei ole enam ülalpeetav")
        revocation = amend(specialist, manager, claim, kind="refusal", reasoning="Ülalpidamiskohustus lõppes.")
        assert revocation.amends == first and revocation.total == 0
        assert not first.instalments.exclude(status="stopped").exists()
        assert selectors.granted_for_crime(claim.crime) == Decimal("0.00")
        # Nothing of the revoked decision can be approved for payment any more.
        with pytest.raises(ValidationError):
            payments.instalments_approve(actor=manager, decision=first)

    def test_the_freed_cap_goes_to_the_crimes_other_claims(self, specialist, manager, case):
        first = open_claim(specialist, case)
        add_item(specialist, first, kind="lost_income", claimed="20000.00")
        issue(specialist, manager, first, one_off_amount=Decimal("9590.00"))
        child = make_person(specialist, first_name="Mia", birth=date(2012, 5, 1))
        case_add_party(actor=specialist, case=case, person=child, role="family_member")
        second = open_claim(specialist, case, crime=first.crime, claimant=child, role="dependant")
        add_item(specialist, second, kind="maintenance", claimed="10000.00")
        assert proposal(second) == Decimal("0.00")  # the first took the whole cap
        services.claim_reopen(actor=specialist, claim=first, reason="Osa kahjust hüvitas tööandja")
        assert proposal(second) == Decimal("0.00")  # held until the amendment is issued
        amend(specialist, manager, first, kind="partial", one_off_amount=Decimal("5000.00"))
        assert selectors.granted_for_crime(first.crime) == Decimal("5000.00")
        assert proposal(first) == Decimal("5000.00") and proposal(second) == Decimal("4590.00")
        issue(specialist, manager, second, one_off_amount=Decimal("4590.00"))
        assert selectors.granted_for_crime(first.crime) == Decimal("9590.00")

    def test_a_reopened_claims_proposal_is_what_its_amendment_may_grant(self, specialist, manager, case):
        first = open_claim(specialist, case)
        add_item(specialist, first, kind="lost_income", claimed="5000.00")  # 4,000 at 80 %
        paid = issue(specialist, manager, first, kind="partial", one_off_amount=Decimal("3000.00"))
        pay_due(manager, specialist, paid)
        child = make_person(specialist, first_name="Mia", birth=date(2012, 5, 1))
        case_add_party(actor=specialist, case=case, person=child, role="family_member")
        second = open_claim(specialist, case, crime=first.crime, claimant=child, role="dependant")
        add_item(specialist, second, kind="maintenance", claimed="20000.00")
        services.claim_reopen(actor=specialist, claim=first, reason="Uus arve")
        # The reopened claim keeps its whole entitlement (what was paid included); the new one shares the
        # rest of the cap, and each proposal is what the decision's checks accept.
        assert proposal(first) == Decimal("4000.00") and proposal(second) == Decimal("6590.00")
        amend(specialist, manager, first, kind="grant", one_off_amount=Decimal("1000.00"))
        assert proposal(second) == Decimal("5590.00")
        issue(specialist, manager, second, one_off_amount=Decimal("5590.00"))
        assert selectors.granted_for_crime(first.crime) == Decimal("9590.00")

    def test_an_amendment_never_pays_a_month_twice(self, specialist, manager, claim):
        first = issue(specialist, manager, claim, **monthly("400.00", 10))
        pay_due(manager, specialist, first)
        last = first.instalments.filter(status="sent").order_by("due_on").last().due_on
        services.claim_reopen(actor=specialist, claim=claim, reason="Summa muutus")
        with pytest.raises(ValidationError) as error:
            draft(specialist, claim, kind="partial", **monthly("300.00", 3, start=last))
        assert "monthly_from" in error.value.message_dict
        draft(specialist, claim, kind="partial", **monthly("300.00", 3, start=services.add_months(last, 1)))


class TestReopening:
    def test_a_reopened_claim_closes_again_and_keeps_its_decision(self, specialist, manager, claim):
        first = issue(specialist, manager, claim, one_off_amount=Decimal("4000.00"))
        with pytest.raises(ValidationError) as error:
            services.claim_reopen(actor=specialist, claim=claim, reason=" ")
        assert "reason" in error.value.message_dict
        services.claim_reopen(actor=specialist, claim=claim, reason="Uus arve")
        with pytest.raises(ValidationError):
            services.claim_reopen(actor=specialist, claim=claim, reason="Uuesti")
        # A decided claim is never withdrawn (it would leave the crime's ledger with its payments running).
        with pytest.raises(ValidationError):
            claim_services.claim_withdraw(actor=specialist, claim=claim, reason="Kiri")
        pending = draft(specialist, claim, kind="partial", one_off_amount=Decimal("3000.00"))
        assert pending.amends == first
        with pytest.raises(ValidationError):
            services.claim_keep_decision(actor=specialist, claim=claim)
        services.decision_discard(actor=specialist, decision=pending)
        assert not CompensationDecision.objects.filter(pk=pending.pk).exists()
        services.claim_keep_decision(actor=specialist, claim=claim)
        claim.refresh_from_db()
        assert claim.status == "decided" and selectors.decision_in_force(claim) == first
        assert first.instalments.get().is_planned  # untouched

    def test_what_the_issued_letter_states_about_the_claim_stays(self, specialist, manager, claim):
        issue(specialist, manager, claim, one_off_amount=Decimal("4000.00"))
        services.claim_reopen(actor=specialist, claim=claim, reason="Uus pangakonto ja arve")
        claim.refresh_from_db()
        values = {name: getattr(claim, name) for name in claim_services.CLAIM_FIELDS}
        with pytest.raises(ValidationError) as error:
            claim_services.claim_update(
                actor=specialist,
                claim=claim,
                expected_version=claim.version,
                **values | {"received_on": TODAY - timedelta(days=40)},
            )
        assert set(error.value.message_dict) == {"received_on"}
        claim.refresh_from_db()
        assert claim.received_on == TODAY
        claim_services.claim_update(
            actor=specialist,
            claim=claim,
            expected_version=claim.version,
            **values | {"iban": "EE471000001020145685"},
        )
        claim.refresh_from_db()
        assert claim.iban == "EE471000001020145685"

    def test_an_issued_decision_is_not_discarded(self, specialist, manager, claim):
        first = issue(specialist, manager, claim, one_off_amount=Decimal("4000.00"))
        with pytest.raises(ValidationError):
            services.decision_discard(actor=specialist, decision=first)

    def test_the_database_keeps_one_chain_per_claim(self, specialist, manager, claim):
        first = issue(specialist, manager, claim, one_off_amount=Decimal("4000.00"))
        issued = {
            "claim": claim,
            "kind": "refusal",
            "reasoning": "x",
            "drafted_by": specialist,
            "status": "issued",
            "issued_at": first.issued_at,
            "decision_date": TODAY,
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            CompensationDecision.objects.create(**issued)  # a second first decision
        CompensationDecision.objects.create(**issued, amends=first)
        with pytest.raises(IntegrityError), transaction.atomic():
            CompensationDecision.objects.create(**issued, amends=first)  # amended twice


class TestPages:
    def test_reopen_draft_and_read_the_chain(self, client, specialist, manager, claim):
        first = issue(specialist, manager, claim, one_off_amount=Decimal("4000.00"))
        client.force_login(specialist)
        page = client.get(f"/compensation/decisions/{first.pk}/").content.decode()
        assert f"/compensation/claims/{claim.pk}/reopen/" in page
        rejected = client.post(f"/compensation/claims/{claim.pk}/reopen/", {"reason": ""})
        assert rejected.status_code == 302  # a button: the message is shown on the page
        claim.refresh_from_db()
        assert claim.status == "decided"
        assert client.post(f"/compensation/claims/{claim.pk}/reopen/", {"reason": "Uus arve"}).status_code == 302
        page = client.get(f"/compensation/claims/{claim.pk}/").content.decode()
        assert "Reopened to amend decision" in page and f"/compensation/claims/{claim.pk}/keep-decision/" in page
        form = client.get(f"/compensation/claims/{claim.pk}/decisions/new/").content.decode()
        assert "Left to grant by this amendment" in form and first.reference in form
        response = client.post(
            f"/compensation/claims/{claim.pk}/decisions/new/",
            {"kind": "partial", "one_off_amount": "3500.00", "reasoning": "Osaliselt."},
        )
        assert response.status_code == 302
        second = CompensationDecision.objects.get(amends=first)
        assert client.post(f"/compensation/decisions/{second.pk}/submit/").status_code == 302
        client.force_login(manager)
        assert client.post(f"/compensation/decisions/{second.pk}/approve/").status_code == 302
        page = client.get(f"/compensation/decisions/{first.pk}/").content.decode()
        assert "Amended on" in page and second.reference in page
        assert f"/compensation/claims/{claim.pk}/reopen/" not in page  # only the decision in force is amended
        page = client.get(f"/compensation/decisions/{second.pk}/").content.decode()
        assert "This decision amends" in page and f"/compensation/claims/{claim.pk}/reopen/" in page


@pytest.mark.django_db(transaction=True)
def test_approval_waits_for_the_crimes_row():
    """The crime's row alone decides: while another transaction holds it, an approval of a claim of
    that crime waits (here: gives up after a short lock timeout) instead of reading a ledger that may be
    about to change."""
    specialist = make_user("specialist", "pohja")
    manager = make_user("regional_manager", "pohja")
    claim = open_claim(specialist, make_case(specialist))
    add_item(specialist, claim, claimed="1000.00")
    decision = draft(specialist, claim)
    services.decision_submit(actor=specialist, decision=decision)
    database = settings.DATABASES["default"]
    holder = psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        dbname=database["NAME"],
        password=database["PASSWORD"] or None,
    )
    try:
        # A lock that only an explicit lock of the crime's row waits for (not the keys' checks).
        holder.execute("SELECT 1 FROM compensation_crime WHERE id = %s FOR NO KEY UPDATE", [claim.crime_id])
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            services.decision_approve(actor=manager, decision=decision)
    finally:
        holder.rollback()
        holder.close()
    services.decision_approve(actor=manager, decision=decision)
    decision.refresh_from_db()
    assert decision.is_issued
