"""The login page in a real browser: Estonian, accessible, no errors in the console."""

import pytest

from tests.browser.helpers import log_in, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_in_estonian_and_accessible(page):
    page.goto(f"{page.base_url}/login/")
    assert page.locator("html").get_attribute("lang") == "et"
    assert page.locator("h1").inner_text() == "Logi sisse"
    assert serious_accessibility_problems(page) == []
    screenshot(page, "01-login")
    page.fill("#id_username", "keegi")
    page.fill("#id_password", "vale")
    page.click("main button[type=submit]")
    assert "Vale kasutajanimi või parool" in page.locator(".form-errors").inner_text()
    assert page.console_errors == []


def test_language_switch_and_start_page(page):
    user = make_user("specialist", "pohja", first_name="Siiri")
    log_in(page, user)
    assert "Tere tulemast, Siiri" in page.locator("h1").inner_text()
    page.click("text=English")
    assert "Welcome, Siiri" in page.locator("h1").inner_text()
    assert serious_accessibility_problems(page) == []
    screenshot(page, "02-start-page-en")
    assert page.console_errors == []
