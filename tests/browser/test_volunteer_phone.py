"""A volunteer on a phone (390 px), in a car park: my clients, the client card, logging a meeting with a
trip, my month. Nothing may scroll sideways; the buttons are thumb-sized."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import log_in, no_sideways_scrolling, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_case, make_user, set_rules
from tests.volunteers.test_assignments import assign, make_volunteer
from volunteers.models import ActivityEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_submitting_the_month_on_a_phone_then_approval_and_the_payment_file(phone, page):
    from decimal import Decimal

    from volunteers.models import ExpensePayment, ExpenseReport
    from volunteers.services import assignments as assignment_services

    specialist = make_user("specialist", "pohja", first_name="Siiri", last_name="Juhendaja")
    manager = make_user("regional_manager", "pohja")
    coordinator = make_user("coordinator", "pohja")
    organiser = make_user("service_organiser", "pohja")
    case = make_case(specialist)
    volunteer = make_volunteer(
        coordinator, email="kuu@example.invalid", iban="EE382200221020145685", supervisor=specialist
    )
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    assignment = assignment_services.assignment_create(
        actor=manager,
        case=case,
        volunteer=volunteer,
        starts_on=month,
        ends_on=timezone.localdate() + timedelta(days=30),
        tasks="Tugi",
    )
    for day, km in ((3, "24.0"), (17, "31.5")):
        assignment_services.activity_add(
            actor=volunteer.user,
            assignment=assignment,
            happened_on=month.replace(day=day),
            duration_minutes=60,
            kind="accompaniment",
            trip_from="Keila",
            trip_to="Tallinn",
            km=Decimal(km),
            call_minutes=0,
            note="",
        )
    volunteer.user.set_password("Vabatahtlik-2026")
    volunteer.user.save()

    log_in(phone, volunteer.user, password="Vabatahtlik-2026")
    phone.goto(f"{phone.base_url}/volunteers/my/month/?month={month:%Y-%m}")
    assert "11,10" in phone.content()  # 55.5 km at 0.20
    phone.check("#id_confirmed")
    assert no_sideways_scrolling(phone)
    screenshot(phone, "volunteer-05-month-before-submitting-390")
    phone.click("main >> text=Esita kuu")
    phone.wait_for_load_state()
    assert ExpenseReport.objects.get().status == "submitted"
    assert no_sideways_scrolling(phone)
    screenshot(phone, "volunteer-06-month-submitted-390")

    log_in(page, specialist)
    report = ExpenseReport.objects.get()
    page.goto(f"{page.base_url}/volunteers/reports/{report.pk}/")
    assert "Keila → Tallinn" in page.content()
    screenshot(page, "volunteer-07-report-for-the-supervisor")
    page.click("main >> button:has-text('Kinnita')")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == "approved"

    page.context.clear_cookies()
    log_in(page, organiser)
    page.goto(f"{page.base_url}/volunteers/payments/")
    assert volunteer.full_name in page.content()
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "volunteer-08-payment-file")
    payment = ExpensePayment.objects.get()
    assert payment.total == Decimal("11.10")
    with page.expect_download() as download:
        page.click("main >> text=pain.001")
    assert download.value.suggested_filename.endswith(".xml")
