"""The statistics dashboards in the browser: the regional manager's region with the team, the analyst's
national view with small cells hidden, a quarter chosen in the filter, the specialist's own work, and
each at 390 px without sideways scrolling."""

import pytest

from cases.services import work as work_services
from reporting.services import statistics_nightly
from tests.browser.helpers import log_in, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_dashboards_of_the_manager_the_analyst_and_the_specialist(page, browser):
    from django.utils import timezone

    specialist = make_user("specialist", "pohja", first_name="Siiri", last_name="Spetsialist")
    manager = make_user("regional_manager", "pohja")
    analyst = make_user("analyst")
    cases = [make_case(specialist, county_code="harju") for _ in range(12)]
    cases.append(make_case(specialist, county_code="harju", incident_type="property"))
    work_services.contact_add(
        actor=specialist,
        case=cases[0],
        happened_at=timezone.now(),
        duration_minutes=40,
        channel="phone",
        kind="counselling",
    )
    statistics_nightly()

    log_in(page, manager)
    page.click("nav >> text=Statistika")
    page.wait_for_selector("text=Meeskond täna")
    assert page.locator("h1").inner_text().startswith("Statistika: Põhja")
    crime = page.locator("section:has(h3:text('Kliendid kuriteo liigi järgi')) table")
    assert "varavastane kuritegu" in crime.inner_text() or "1" in crime.inner_text()
    assert page.locator("svg[role=img]").count() >= 10
    screenshot(page, "statistics-manager")
    assert serious_accessibility_problems(page) == []
    # A quarter through the filter: the fields of other periods step aside.
    page.select_option("#id_period", "quarter")
    assert page.locator("#id_month").is_hidden() and page.locator("#id_quarter").is_visible()
    page.select_option("#id_quarter", str((timezone.localdate().month + 2) // 3))
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**period=quarter**")
    assert "kvartal" in page.locator("h1").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert no_sideways_scrolling(page)
    screenshot(page, "statistics-manager-390")

    analyst_page = browser.new_page(base_url=page.base_url, viewport={"width": 1366, "height": 900})
    analyst_page.base_url = page.base_url
    log_in(analyst_page, analyst)
    analyst_page.goto(f"{page.base_url}/reporting/statistics/")
    crime = analyst_page.locator("section:has(h3:text('Kliendid kuriteo liigi järgi')) table").inner_text()
    assert "<5" in crime and "x" in crime
    assert "Spetsialist" not in analyst_page.content()
    screenshot(analyst_page, "statistics-analyst")
    analyst_page.set_viewport_size({"width": 390, "height": 844})
    analyst_page.reload()
    assert no_sideways_scrolling(analyst_page)
    analyst_page.close()

    specialist_page = browser.new_page(base_url=page.base_url, viewport={"width": 390, "height": 844})
    specialist_page.base_url = page.base_url
    log_in(specialist_page, specialist)
    specialist_page.goto(f"{page.base_url}/reporting/my-work/")
    assert "Minu töö" in specialist_page.locator("h1").inner_text()
    assert no_sideways_scrolling(specialist_page)
    screenshot(specialist_page, "statistics-own-work-390")
    specialist_page.close()


def test_a_client_answers_the_feedback_survey_on_a_phone(page, browser):
    from reporting.models import FeedbackResponse

    specialist = make_user("specialist", "pohja")
    case = make_case(specialist, county_code="harju")
    log_in(page, specialist)
    page.goto(f"{page.base_url}/cases/{case.pk}/")
    page.click("main >> text=Tagasiside link")
    page.check("input[name=channel][value=print]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/feedback/slip/")
    url = page.locator(".slip-url").inner_text().strip()
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "feedback-slip")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU").new_page()
    phone.goto(url)
    phone.click("text=по-русски")
    assert "Насколько вы довольны" in phone.content()
    phone.click("button[type=submit]")  # the required question unanswered: said in Russian, nothing stored
    assert "Пожалуйста, ответьте на этот вопрос." in phone.content()
    assert not FeedbackResponse.objects.exists()
    phone.locator(".survey-question").first.locator("label:has-text('5')").click()
    phone.locator(".survey-question").nth(2).locator("label:has-text('да')").click()
    phone.fill("textarea", "Очень помогли")
    assert no_sideways_scrolling(phone)
    screenshot(phone, "feedback-survey-390")
    phone.click("button[type=submit]")
    phone.wait_for_url("**/feedback/thanks/**")
    assert "Спасибо" in phone.content()
    answer = FeedbackResponse.objects.get()
    assert answer.language == "ru" and answer.answers and "Очень помогли" in answer.answers.values()
    phone.goto(url)  # the link works once
    assert "уже использована" in phone.content() or "ei kehti" in phone.content()
    phone.context.close()
