"""Forms in a browser: the error summary leads to each field, and a date field offers the browser's date
picker beside what is typed."""

import pytest

from tests.browser.helpers import log_in
from tests.conftest import screenshot
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_error_summary_is_read_first_and_each_error_leads_to_its_field(page):
    log_in(page, make_user("specialist", "pohja"))
    page.goto(f"{page.base_url}/cases/new/")
    page.click("main button[value=next]")  # no personal code: on to the person
    page.fill("#id_person-personal_code", "49403136510")  # a wrong check digit
    page.click("main button[value=next]")
    assert page.evaluate("document.activeElement.id") == "form-errors"
    links = page.locator("#form-errors a")
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert {"#id_person-first_name", "#id_person-last_name", "#id_person-personal_code"} <= set(hrefs), hrefs
    for href in hrefs:  # every link leads to a field on the page
        assert page.locator(href).count() == 1, href
    page.click('#form-errors a[href="#id_person-personal_code"]')
    assert page.evaluate("document.activeElement.id") == "id_person-personal_code"
    assert page.input_value("#id_person-personal_code") == "49403136510"  # what was typed is kept
    screenshot(page, "forms-error-summary")


def test_a_date_field_takes_typing_and_the_browsers_date_picker(page):
    log_in(page, make_user("specialist", "pohja"))
    page.goto(f"{page.base_url}/cases/new/")
    page.click("main button[value=next]")  # no personal code: on to the person
    field = page.locator("#id_person-birth_date")
    button = page.locator("#id_person-birth_date ~ button.date-field__button")
    assert button.get_attribute("aria-label") == "Valige kuupäev kalendrist: Sünniaeg"  # names its field
    field.fill("5.3.2026")
    button.click()  # the picker opens at the date typed
    picker = page.locator("#id_person-birth_date ~ input.date-field__picker")
    assert picker.input_value() == "2026-03-05"
    page.keyboard.press("Escape")
    picker.evaluate("(input) => { input.value = '2026-11-02'; input.dispatchEvent(new Event('change')); }")
    assert field.input_value() == "02.11.2026"  # a date chosen is written as one is typed
    assert page.evaluate("document.activeElement.id") == "id_person-birth_date"
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        box, field_box = button.bounding_box(), field.bounding_box()
        assert abs(box["y"] - field_box["y"]) < 4 and box["x"] > field_box["x"]  # beside the field
        screenshot(page, f"forms-date-field-{width}")


def test_typing_in_a_form_is_told_to_a_job_the_page_polls(page):
    """What app.js sends with a job's poll (#page-typing): the job then offers its result instead of
    reloading the page over what is typed (victimsupport.views.jobs)."""
    log_in(page, make_user("specialist", "pohja"))
    page.goto(f"{page.base_url}/cases/new/")
    assert page.input_value("#page-typing") == ""
    page.fill("#id_lookup-personal_code", "3")  # typing into a form that is sent by POST
    assert page.input_value("#page-typing") == "1"
    page.goto(f"{page.base_url}/cases/")
    page.fill("main form[method=get] input[name=opened_from]", "01.01.2026")
    assert page.input_value("#page-typing") == ""  # a list's filter is not typed work
