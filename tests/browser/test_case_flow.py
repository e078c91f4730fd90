"""A specialist's day in a real browser: intake of a new person and case, a contact, closing the case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from tests.browser.helpers import log_in, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_intake_contact_and_closing(page):
    specialist = make_user("specialist", "pohja", first_name="Siiri", last_name="Spetsialist")
    log_in(page, specialist)
    page.click("nav >> text=Uus juhtum")
    assert serious_accessibility_problems(page) == []
    screenshot(page, "03-intake-empty")

    # Step 1, the personal code, looked up first. First a mistake: a wrong check digit.
    page.fill("#id_lookup-personal_code", "49403136510")
    page.click("main button[value=next]")
    assert "isikukood" in page.locator("#id_lookup-personal_code_error").inner_text().lower()
    screenshot(page, "04-intake-error")
    page.fill("#id_lookup-personal_code", "49403136515")
    page.click("main button[value=next]")
    # Step 2, the person: the code looked up is filled in.
    assert page.input_value("#id_person-personal_code") == "49403136515"
    assert page.locator('.steps [aria-current="step"]').inner_text() == "Isik"
    page.fill("#id_person-first_name", "Õie")
    page.fill("#id_person-last_name", "Šmidt")
    page.fill("#id_person-phone", "+372 5123 4567")
    page.click("main button[value=next]")
    # Step 3, the safe-contact rules.
    page.check("#id_safe-phone_allowed")
    page.check("#id_safe-never_write_home")
    page.fill("#id_safe-safe_times", "tööpäeviti 9-16")
    page.click("main button[value=next]")
    # Step 4, the case; back once, and the rules are as they were ticked.
    page.click("main button[value=back]")
    assert page.is_checked("#id_safe-never_write_home") and page.input_value("#id_safe-safe_times") == "tööpäeviti 9-16"
    page.click("main button[value=next]")
    assert serious_accessibility_problems(page) == []
    page.select_option("#id_case-county", label="Harju maakond")
    page.select_option("#id_case-referral_source", value="police")
    page.fill("#id_case-referral_source_detail", "Põhja prefektuur")
    page.fill("#id_case-consent_given_by", "konstaabel Kask")
    page.fill("#id_case-consent_at", (timezone.localtime() - timedelta(hours=2)).strftime("%d.%m.%Y %H:%M"))
    page.select_option("#id_case-incident_type", value="domestic_violence")
    page.select_option("#id_case-risk_level", value="high")
    screenshot(page, "04-intake-case-step")
    assert not Case.objects.exists()
    page.click("main button[value=finish]")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert "Õie Šmidt" in page.locator("h1").inner_text()
    assert (
        "Ärge kunagi kirjutage kodusele aadressile" in page.locator(".safe-contact").inner_text()
        or "kodusele aadressile" in page.locator(".safe-contact").inner_text()
    )
    assert serious_accessibility_problems(page) == []
    screenshot(page, "05-case-opened")

    page.click("text=Lisa kontakt")
    page.fill("#id_duration_minutes", "50")
    page.select_option("#id_channel", value="phone")
    page.select_option("#id_kind", value="counselling")
    page.fill("#id_summary", "Arutasime turvaplaani ja järgmisi samme.")
    assert serious_accessibility_problems(page) == []
    screenshot(page, "06-contact-form")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Arutasime turvaplaani" in page.locator(".timeline").inner_text()
    screenshot(page, "07-contact-recorded")

    page.click("main >> text=Lõpeta juhtum")
    page.select_option("#id_reason", value="goals_met")
    page.fill("#id_note", "Klient sai vajaliku abi.")
    screenshot(page, "08-close-form")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.status == "closed"
    assert "lõpetatud" in page.locator("main").inner_text().lower()
    screenshot(page, "09-case-closed")
    assert page.console_errors == []
