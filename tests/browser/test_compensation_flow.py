"""Compensation in the browser: a claim from the victim's case, a loss, the decision drafted from the
calculation, approved by a regional manager with its letter, the first payment approved and paid in a
file made by a second person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compensation.models import Claim, CompensationDecision, Instalment, LossItem, PaymentBatch
from tests.browser.helpers import log_in, no_sideways_scrolling, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_claim_to_a_paid_first_instalment(page, eager_celery):
    specialist = make_user("specialist", "pohja", first_name="Siiri", last_name="Spetsialist")
    manager = make_user("regional_manager", "pohja", first_name="Madis", last_name="Juht")
    colleague = make_user("specialist", "pohja", first_name="Kati", last_name="Kolleeg")
    case = make_case(specialist)
    page.on("dialog", lambda dialog: dialog.accept())

    # The specialist records the claim in the victim's case, with its crime.
    log_in(page, specialist)
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    page.click("main >> text=Uus hüvitise taotlus")
    page.wait_for_url("**/compensation/cases/*/new/")
    page.select_option("#id_claimant_role", "victim")
    page.fill("#id_iban", "EE38 2200 2210 2014 5685")
    page.fill("#id_occurred_on", "")
    page.click("main button[type=submit]")  # nothing about the crime: every missing field at once
    assert page.locator(".errorlist").count() == 3  # date, what happened, consequence
    assert Claim.objects.count() == 0
    assert page.input_value("#id_iban") == "EE38 2200 2210 2014 5685"
    today = timezone.localdate()
    page.fill("#id_occurred_on", (today - timedelta(days=40)).strftime("%d.%m.%Y"))
    page.fill("#id_reported_on", (today - timedelta(days=39)).strftime("%d.%m.%Y"))
    page.fill("#id_description", "Rünnak tänaval, luumurd")
    page.fill("#id_proceedings_number", "26230000077")
    page.select_option("#id_health_damage", "serious")
    assert serious_accessibility_problems(page) == []
    page.click("main button[type=submit]")
    page.wait_for_url("**/compensation/claims/*/")
    claim = Claim.objects.get()

    # A loss, typed the Estonian way.
    page.click("main >> text=Lisa kahju")
    page.select_option("#id_kind", "treatment")
    page.fill("#id_description", "Taastusravi arve")
    page.fill("#id_amount_claimed", "1 000,00")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/compensation/claims/{claim.pk}/")
    assert LossItem.objects.get().amount_claimed == 1000
    assert "800,00" in page.inner_text("main")
    assert serious_accessibility_problems(page) == []
    assert no_sideways_scrolling(page)
    screenshot(page, "40-compensation-claim")

    # The decision, drafted from the calculation's proposal, sent for approval.
    page.click("main >> text=Koosta otsuse eelnõu")
    assert page.input_value("#id_one_off_amount") in ("800,00", "800.00")
    page.fill("#id_reasoning", "Ravikulud on arvetega tõendatud.")
    page.click("main button[type=submit]")
    page.wait_for_url("**/compensation/decisions/*/")
    page.click("main >> text=Saada kinnitamiseks")
    page.wait_for_url("**/compensation/decisions/*/")
    decision = CompensationDecision.objects.get()
    assert decision.is_submitted
    page.context.clear_cookies()

    # The regional manager approves and issues it; the letter is made; the payment due is approved.
    log_in(page, manager)
    page.goto(f"{page.base_url}/compensation/decisions/{decision.pk}/")
    page.click("main >> text=Kinnita ja anna välja")
    page.wait_for_url(f"**/compensation/decisions/{decision.pk}/")
    page.goto(f"{page.base_url}/compensation/decisions/{decision.pk}/")
    decision.refresh_from_db()
    assert decision.is_issued and decision.letter is not None
    assert decision.letter.number in page.inner_text("main")
    page.click("main >> text=Kinnita tähtaegsed maksed")
    page.wait_for_url(f"**/compensation/decisions/{decision.pk}/")
    assert Instalment.objects.get().is_approved
    screenshot(page, "41-compensation-decision")
    page.context.clear_cookies()

    # A colleague makes the payment file; the first instalment is sent.
    log_in(page, colleague)
    page.goto(f"{page.base_url}/compensation/payments/")
    page.click("main >> text=Koosta maksefail")
    page.wait_for_url("**/compensation/payments/")
    instalment = Instalment.objects.get()
    assert instalment.is_sent and instalment.batch == PaymentBatch.objects.get()
    assert "800,00" in page.inner_text("main")
    assert serious_accessibility_problems(page) == []
    screenshot(page, "42-compensation-payments")
