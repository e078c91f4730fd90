"""A mediator volunteer on a phone (390 px): their mediation, the parties' allowed contacts, a meeting
recorded, the agreement with its first obligation. Nothing may scroll sideways; no address shows."""

import pytest
from django.utils import timezone

from mediation.models import Mediation
from mediation.services import mediations as services
from tests.browser.helpers import log_in, no_sideways_scrolling, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import make_user
from tests.mediation.test_mediations import receive
from tests.volunteers.test_assignments import make_volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mediator_records_the_meeting_and_the_agreement_on_a_phone(phone):
    specialist = make_user("specialist", "pohja")
    manager = make_user("regional_manager", "pohja")
    coordinator = make_user("coordinator", "pohja")
    mediator = make_volunteer(coordinator, email="lepitaja@example.invalid", kinds=["mediator"]).user
    mediator.set_password("Lepitaja-2026-tugev")
    mediator.save()
    mediation = receive(specialist, offence="Ähvardamine " + "Ж" * 3000)
    services.mediator_appoint(actor=manager, mediation=mediation, mediator=mediator)
    today = timezone.localdate().strftime("%d.%m.%Y")

    log_in(phone, mediator, password="Lepitaja-2026-tugev")
    phone.goto(f"{phone.base_url}/mediation/")
    assert no_sideways_scrolling(phone)
    phone.click(f"text={mediation.reference}")
    content = phone.content()
    assert "+372 5555 1111" in content and "tööpäeviti 9-12" in content  # what the victim's rules allow
    assert no_sideways_scrolling(phone)
    assert serious_accessibility_problems(phone) == []
    screenshot(phone, "mediation-01-mediator-390")

    phone.click("main >> text=Lisa kohtumine")
    phone.fill("#id_held_on", today)
    phone.check("#id_victim_attended")
    phone.check("#id_offender_attended")
    phone.click("main button[type=submit]")
    assert "Kohtumine on salvestatud" in phone.content()

    phone.click("main >> text=Märgi kokkulepe")
    phone.fill("#id_agreement_on", today)
    phone.fill("#id_what", "Maksab kannatanule 300 eurot")
    phone.fill("#id_due_on", "01.01.2099")  # past the six months: refused, what was typed stays
    phone.click("main button[type=submit]")
    assert "kuue kuu jooksul" in phone.content()
    assert phone.input_value("#id_what") == "Maksab kannatanule 300 eurot"
    assert no_sideways_scrolling(phone)
    phone.fill("#id_due_on", today)
    phone.click("main button[type=submit]")
    assert "Kokkulepe on salvestatud" in phone.content()
    assert no_sideways_scrolling(phone)
    screenshot(phone, "mediation-02-agreement-390")
    mediation = Mediation.objects.get(pk=mediation.pk)
    assert mediation.is_follow_up and mediation.obligations.get().what == "Maksab kannatanule 300 eurot"
