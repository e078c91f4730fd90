"""Checking an invoice: a session with a finding does not start at "accept", and the sessions that passed
every check are accepted with one button (issue 19, point 6)."""

from datetime import timedelta

import pytest

from referrals.services import invoices as invoice_services
from tests.browser.helpers import log_in, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_aid, make_case, make_invoice_line, make_provider, make_referral, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_organiser_accepts_what_passed_and_chooses_for_the_rest(page):
    specialist = make_user("specialist", "pohja")
    organiser = make_user("service_organiser", "pohja")
    referral = make_referral(
        specialist, make_aid(specialist, make_case(specialist))[2], make_provider(), amount="362.50"
    )
    invoice = invoice_services.invoice_create(
        actor=organiser, referral=referral, number="A-" + "9" * 38, invoice_date=referral.valid_from + timedelta(days=7)
    )
    for days in (0, 7):
        make_invoice_line(organiser, invoice, session_date=referral.valid_from + timedelta(days=days))
    doubtful = make_invoice_line(organiser, invoice, session_date=referral.valid_from - timedelta(days=1))

    log_in(page, organiser)
    page.goto(f"{page.base_url}/referrals/invoices/{invoice.pk}/")
    assert page.locator(f"#decision-{doubtful.pk}").input_value() == ""  # "vali", not "aktsepteeri"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "invoice-lines-to-check")
    assert serious_accessibility_problems(page) == []
    page.click("text=Aktsepteeri 2 kõiki kontrolle läbinud seanssi")
    page.wait_for_load_state()
    assert page.locator("text=2 seanssi aktsepteeriti.").is_visible()
    assert page.locator(f"#decision-{doubtful.pk}").input_value() == ""
    page.click(f"#line-{doubtful.pk} button[type=submit]")  # nothing chosen: said so, nothing decided
    page.wait_for_load_state()
    assert page.locator(".message--error, .messages .error, [role=alert]").first.is_visible()
    screenshot(page, "invoice-lines-accepted")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "invoice-lines-phone")
