"""MARAC in the browser: an assessment below the threshold raised to high by professional judgement, the
referral with nothing typed again, a meeting with two agencies, and an action a partner completes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from marac.models import Action, Agency, AgendaItem, MaracCase, Meeting, Membership, Network, RiskAssessment
from tests.browser.helpers import log_in, no_sideways_scrolling, serious_accessibility_problems
from tests.conftest import screenshot
from tests.factories import PASSWORD, make_case, make_user
from victimsupport.models import County

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_with_second_factor(page, user) -> None:
    device = TOTPDevice.objects.create(user=user, name="telefon", confirmed=True)
    page.goto(f"{page.base_url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/verify/**")
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("#id_token", f"{token:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{page.base_url}/")


def test_judgement_referral_meeting_and_a_partners_action(page, eager_celery):
    specialist = make_user("specialist", "pohja")
    coordinator = make_user("coordinator", "pohja")
    police_officer = make_user("marac_partner", "pohja", first_name="Piret", last_name="Politseinik")
    child_worker = make_user("marac_partner", "pohja", first_name="Liis", last_name="Lastekaitse")
    case = make_case(specialist, county_code="harju")
    today = timezone.localdate()
    network = Network.objects.create(name="Harju MARAC", county=County.objects.get(code="harju"))
    police = Agency.objects.create(network=network, kind="police", name="Põhja prefektuur")
    child = Agency.objects.create(network=network, kind="child_protection", name="Harju lastekaitse")
    support = Agency.objects.create(network=network, kind="victim_support", name="Ohvriabi Põhja")
    since = today - timedelta(days=60)  # members on the day of a meeting an hour ago, also just after midnight
    Membership.objects.create(network=network, agency=police, user=police_officer, starts_on=since, is_chair=True)
    Membership.objects.create(network=network, agency=child, user=child_worker, starts_on=since)
    Membership.objects.create(network=network, agency=support, user=coordinator, starts_on=since, is_coordinator=True)
    meeting = Meeting.objects.create(network=network, starts_at=timezone.now() - timedelta(hours=1), place="Tallinn")

    # The specialist: 3 "yes" of 24 (standard by the score), raised to high by judgement.
    log_in(page, specialist)
    page.goto(f"{page.base_url}/marac/cases/{case.pk}/risk/")
    page.click("main >> text=Uus riskihindamine")
    for number in range(1, 25):
        page.check(f"#id_q{number}_{0 if number <= 3 else 1}")
    page.select_option("#id_judgement_level", "high")
    page.fill("#id_judgement_reason", "Kägistamiskatse eelmisel nädalal")
    page.fill("#id_incident_note", "Politsei väljakutse kodus")
    screenshot(page, "marac-01-assessment")
    page.click("main button[type=submit]")
    assessment = RiskAssessment.objects.get(case=case)
    assert (assessment.score, assessment.score_level, assessment.level) == (3, "standard", "high")
    assert "kõrge" in page.content()

    # The referral: the answers and reasons are shown, not asked again.
    page.click("main >> text=Suuna MARAC-i")
    assert page.locator("input[type=radio]").count() == 0
    assert "Kägistamiskatse eelmisel nädalal" in page.content()
    assert page.locator("#id_network").input_value() == str(network.pk)
    page.select_option("#id_legal_basis", "oas_10")
    screenshot(page, "marac-02-referral")
    page.click("main button[type=submit]")
    referral = MaracCase.objects.get(assessment=assessment)
    assert referral.referral_letter_id and referral.notification_sheet_id
    page.click("text=Vastused")
    assert "Kas viimane juhtum põhjustas vigastusi?" in page.content()
    assert serious_accessibility_problems(page) == []
    page.context.clear_cookies()

    # The coordinator: the agenda, two agencies present, the minutes, an action for the police.
    log_in(page, coordinator)
    page.goto(f"{page.base_url}/marac/meetings/{meeting.pk}/")
    page.click("main >> text=Pane arutamist vajavad juhtumid päevakorda")
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    assert item.kind == "new"
    page.check("text=Piret Politseinik, Põhja prefektuur")
    page.check("text=Liis Lastekaitse, Harju lastekaitse")
    page.click("main >> text=Salvesta osalejad")
    assert set(meeting.attendees.values_list("agency__kind", flat=True)) == {"police", "child_protection"}
    page.click(f"#item-{item.pk} >> text=Kirjuta protokoll")
    page.fill("#id_shared_info", "Politseil kaks väljakutset; lapsed koolis.")
    page.fill("#id_risks", "Kägistamine, lahkuminek")
    page.fill("#id_decisions", "Lähenemiskeelu taotlus")
    page.click("main button[type=submit]")
    page.click(f"#item-{item.pk} >> text=Lepi kokku tegevus")
    page.select_option("#id_agency", str(police.pk))
    page.select_option("#id_owner", str(police_officer.pk))
    page.fill("#id_description", "Taotleda lähenemiskeeldu")
    page.fill("#id_due_on", (today + timedelta(days=14)).strftime("%d.%m.%Y"))
    page.click("main button[type=submit]")
    assert no_sideways_scrolling(page)
    screenshot(page, "marac-03-meeting")
    page.click("main >> text=Koosolek toimus")
    assert "Kohalolijaid pole märgitud" not in page.content()  # attendance and minutes are there
    page.click("main >> text=Märgi toimunuks ja väljasta protokoll")
    meeting.refresh_from_db()
    referral.refresh_from_db()
    assert meeting.is_held and meeting.minutes_document_id and referral.is_heard
    page.context.clear_cookies()

    # The police partner, with the second factor: their action, done.
    log_in_with_second_factor(page, police_officer)
    page.goto(f"{page.base_url}/marac/my-actions/")
    page.click("main >> text=Märgi tulemus")
    page.select_option("#id_status", "done")
    page.fill("#id_outcome", "Lähenemiskeeld taotletud")
    page.click("main button[type=submit]")
    action = Action.objects.get(referral=referral)
    assert (action.status, action.outcome) == ("done", "Lähenemiskeeld taotletud")
    assert "Kägistamine, lahkuminek" in page.content()  # what was shared at the meeting
    response = page.goto(f"{page.base_url}/cases/{case.pk}/")
    assert response.status in (403, 404)  # the victim support case stays out of reach
    page.go_back()
    page.console_errors[:] = [e for e in page.console_errors if "403" not in e]  # that refusal itself
    screenshot(page, "marac-04-partner-case")
    assert serious_accessibility_problems(page) == []
    assert page.console_errors == []
