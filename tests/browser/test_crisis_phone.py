"""A crisis helper on a phone (390 px) at the scene: a person registered with three taps and one typed
field (a name or a description, and how they are affected), first aid logged in one tap from the list.
Nothing may scroll sideways; the buttons are thumb-sized."""

import pytest
from django.utils import timezone

from crisis.models import Registration
from crisis.services import events as services
from tests.browser.helpers import log_in, no_sideways_scrolling, serious_accessibility_problems
from tests.conftest import screenshot
from tests.crisis.test_crisis import open_event
from tests.factories import make_user
from tests.volunteers.test_assignments import make_volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registering_a_person_takes_three_taps_and_one_typed_field(phone):
    manager = make_user("regional_manager", "pohja")
    specialist = make_user("specialist", "pohja")
    coordinator = make_user("coordinator", "pohja")
    helper = make_volunteer(coordinator, email="kriis.telefon@example.invalid", kinds=["crisis"]).user
    helper.set_password("Kriisiabi-2026-tugev")
    helper.save()
    event = open_event(manager, specialist, title="Tulekahju" + "Ж" * 190)  # a long word must not widen the page
    services.roster_add(actor=manager, event=event, user=helper, starts_at=timezone.now(), ends_at=None)

    log_in(phone, helper, password="Kriisiabi-2026-tugev")
    phone.goto(f"{phone.base_url}/crisis/{event.pk}/")
    assert no_sideways_scrolling(phone)
    taps = typed = 0
    phone.click("main >> text=Registreeri isik")
    taps += 1
    phone.fill("#id_who", "Naine punases mantlis")
    typed += 1
    phone.check("input[name=category][value=affected]")
    taps += 1
    button = phone.locator("main button[type=submit]").first
    assert button.bounding_box()["height"] >= 44  # a thumb's target
    button.click()
    taps += 1
    assert (taps, typed) == (3, 1)
    person = Registration.objects.get()
    assert person.who == "Naine punases mantlis" and person.category == "affected" and person.is_waiting
    assert "Naine punases mantlis" in phone.content() and no_sideways_scrolling(phone)
    assert serious_accessibility_problems(phone) == []
    screenshot(phone, "crisis-01-registered-390")

    phone.click("main button:has-text('Esmaabi antud')")  # psychological first aid, one tap
    phone.wait_for_selector("text=Esmaabi märgitud")
    person.refresh_from_db()
    assert person.is_seen and person.contacts.count() == 1
    assert no_sideways_scrolling(phone)
    screenshot(phone, "crisis-02-first-aid-390")
