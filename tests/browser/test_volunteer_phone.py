"""A volunteer on a phone (390 px), in a car park: my clients, the client card, logging a meeting with a
trip, my month. Nothing may scroll sideways; the buttons are thumb-sized."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import log_in, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_case, make_user, set_rules
from tests.volunteers.test_assignments import assign, make_volunteer
from volunteers.models import ActivityEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="et-EE", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_logging_a_meeting_with_a_trip_on_a_phone(phone):
    specialist = make_user("specialist", "pohja")
    manager = make_user("regional_manager", "pohja")
    coordinator = make_user("coordinator", "pohja")
    case = make_case(specialist)
    set_rules(specialist, case.client, phone_allowed=True, safe_times="tööpäeviti 10–12", code_word="kuusepuu")
    volunteer = make_volunteer(coordinator, email="tugi.telefon@example.invalid")
    assignment = assign(manager, case, volunteer)
    volunteer.user.set_password("Vabatahtlik-2026")
    volunteer.user.save()

    log_in(phone, volunteer.user, password="Vabatahtlik-2026")
    phone.goto(f"{phone.base_url}/volunteers/my/")
    assert no_sideways_scrolling(phone)
    assert assignment.client_code in phone.content()
    screenshot(phone, "volunteer-01-my-clients-390")

    phone.click(f"text={assignment.client_code}")
    assert "kuusepuu" in phone.content() and case.client.last_name not in phone.content()
    assert no_sideways_scrolling(phone)
    screenshot(phone, "volunteer-02-client-card-390")

    phone.click("main >> text=Logi tegevus")
    button = phone.locator("main button[type=submit]")
    assert button.bounding_box()["height"] >= 44  # a thumb's target
    yesterday = (timezone.localdate() - timedelta(days=0)).strftime("%d.%m.%Y")
    phone.fill("#id_happened_on", yesterday)
    phone.fill("#id_duration_minutes", "90")
    phone.check("input[name=kind][value=accompaniment]")
    phone.fill("#id_trip_from", "Tallinn, Pärnu mnt 10")
    phone.fill("#id_trip_to", "Rapla kohtumaja")
    phone.fill("#id_km", "54,5")
    phone.fill("#id_note", "Saatsin kohtuistungile.")
    assert no_sideways_scrolling(phone)
    screenshot(phone, "volunteer-03-log-activity-390")
    assert serious_accessibility_problems(phone) == []
    button.click()
    phone.wait_for_url("**/volunteers/my/month/**")
    entry = ActivityEntry.objects.get()
    assert entry.km == 54.5 and entry.kind == "accompaniment"
    assert "54,5" in phone.content()
    assert no_sideways_scrolling(phone)
    screenshot(phone, "volunteer-04-my-month-390")
