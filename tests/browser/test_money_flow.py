"""The money chain in a real browser: a granted decision, a referral, an invoice with one failing line,
approval by a second person and the payment export."""

import pytest

from referrals.models import Invoice, Referral
from tests.browser.helpers import log_in, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_aid, make_case, make_provider, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="et-EE")
    page = context.new_page()
    page.base_url = live_server.url
    return page


def test_decision_referral_invoice_approval_and_export(browser, live_server):
    specialist = make_user("specialist", "pohja", first_name="Siiri", last_name="Spetsialist")
    organiser = make_user("service_organiser", "pohja", first_name="Teele", last_name="Teenused")
    approver = make_user("service_organiser", "pohja", first_name="Toomas", last_name="Teine")
    case = make_case(specialist)
    grant = make_aid(specialist, case)[2]
    provider = make_provider()

    # The specialist refers the person to a provider from the granted decision.
    page = new_page(browser, live_server)
    log_in(page, specialist)
    page.goto(f"{live_server.url}/aid/decisions/{grant.pk}/")
    page.click("text=Suuna teenuseosutajale")
    page.select_option("#id_provider", str(provider.pk))
    page.fill("#id_amount", "217,50")
    assert serious_accessibility_problems(page) == []
    screenshot(page, "20-referral-form")
    page.click("main button[type=submit]")
    page.wait_for_url("**/referrals/*/")
    referral = Referral.objects.get()
    assert referral.amount == 217.50
    screenshot(page, "21-referral")
    page.context.close()

    # The service organiser enters the invoice: one good session and one above the contract tariff.
    page = new_page(browser, live_server)
    log_in(page, organiser)
    page.goto(f"{live_server.url}/referrals/invoices/new/")
    page.select_option("#id_provider", str(provider.pk))
    page.fill("#id_referral_number", referral.number)
    page.fill("#id_number", "HR-2026-15")
    page.fill("#id_invoice_date", referral.valid_from.strftime("%d.%m.%Y"))  # today: the referral starts today
    page.click("main button[type=submit]")
    page.wait_for_url("**/invoices/*/")
    invoice = Invoice.objects.get()
    specialist_name = str(provider.specialists.first())
    for start, rate in (("10:00", "72,50"), ("12:00", "95,00")):
        page.fill("#id_session_date", referral.valid_from.strftime("%d.%m.%Y"))
        page.fill("#id_start_time", start)
        page.fill("#id_duration_minutes", "60")
        page.select_option("#id_specialist", label=specialist_name)
        page.fill("#id_rate", rate)
        page.fill("#id_amount", rate)
        page.click("text=Lisa ja kontrolli")
        page.wait_for_url(f"**/invoices/{invoice.pk}/")
    failing = invoice.lines.get(rate=95)
    assert failing.findings == ["rate_above_tariff"]
    assert "tariif" in page.locator(f"#line-{failing.pk}").inner_text()
    assert serious_accessibility_problems(page) == []
    screenshot(page, "22-invoice-with-a-failing-line")
    good = invoice.lines.get(rate=72.5)
    page.locator(f"#line-{good.pk} button[type=submit]").click()
    page.wait_for_url(f"**/invoices/{invoice.pk}/**")
    page.select_option(f"#decision-{failing.pk}", "rejected")
    page.fill(f"#reason-{failing.pk}", "Hind on üle lepingu tariifi")
    page.locator(f"#line-{failing.pk} button[type=submit]").click()
    page.wait_for_url(f"**/invoices/{invoice.pk}/**")
    page.click("text=Kontrollitud: saada kinnitamiseks")
    page.wait_for_url(f"**/invoices/{invoice.pk}/")
    invoice.refresh_from_db()
    assert invoice.status == "checked"
    page.context.close()

    # A second person approves and exports for payment.
    page = new_page(browser, live_server)
    log_in(page, approver)
    page.goto(f"{live_server.url}/referrals/invoices/{invoice.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main button:has-text('Kinnita')")
    page.wait_for_url(f"**/invoices/{invoice.pk}/")
    invoice.refresh_from_db()
    assert invoice.status == "approved" and invoice.approved_total == 72.50
    page.goto(f"{live_server.url}/referrals/payments/")
    screenshot(page, "23-payments")
    page.click("main button[type=submit]")
    page.wait_for_url("**/payments/")
    invoice.refresh_from_db()
    assert invoice.status == "sent" and invoice.export is not None
    assert "pain.001" in page.locator("main").inner_text()
    screenshot(page, "24-exported")
    page.context.close()
