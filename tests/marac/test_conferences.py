"""Referral to MARAC (carried over, letters, repeats), meetings, the action plan and partner access."""

from __future__ import annotations

import io
import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case
from marac.figures import marac_figures
from marac.models import Action, CountyPopulation, MaracCase, Meeting, Membership
from marac.services import actions as action_services
from marac.services import meetings as meeting_services
from marac.services import networks as network_services
from marac.services import referrals as referral_services
from tests.factories import login_verified, make_case, make_user, set_rules
from tests.marac.conftest import assess
from victimsupport.models import Notification

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def refer(actor, assessment, network, **fields):
    fields.setdefault("legal_basis", "oas_10")
    return referral_services.maraccase_refer(actor=actor, assessment=assessment, network=network, **fields)


def test_referral_carries_the_assessment_and_makes_registered_letters(
    eager_celery, django_capture_on_commit_callbacks, specialist, harju_case, network
):
    set_rules(specialist, harju_case.client, letter_allowed=False, email_allowed=False, phone_allowed=True)
    assessment = assess(specialist, harju_case, yes=5, judgement_level="high", judgement_reason="Relvaga ähvardamine")
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(specialist, assessment, network)
    referral.refresh_from_db()
    assert (referral.level, referral.is_repeat, referral.legal_basis) == ("high", False, "oas_10")
    letter = pdf_text(referral.referral_letter)
    assert "Relvaga ähvardamine" in letter and "Kas te olete väga hirmul?" in letter
    assert referral.referral_letter.number.startswith("9-15/") and referral.referral_letter.sha256
    sheet = referral.notification_sheet
    assert sheet.matter_id == referral.referral_letter.matter_id
    assert sheet.addressed_to == ""  # no letter channel is allowed: handed over in person
    assert harju_case.client.full_name in pdf_text(sheet)
    with pytest.raises(ValidationError):
        refer(specialist, assessment, network)  # once per assessment


def test_below_high_and_not_a_repeat_is_not_referred(specialist, harju_case, network):
    with pytest.raises(ValidationError):
        refer(specialist, assess(specialist, harju_case, yes=12), network)
    assert not MaracCase.objects.exists()


def test_a_new_incident_within_12_months_is_a_repeat_whatever_the_score(specialist, harju_case, network):
    first = refer(specialist, assess(specialist, harju_case, yes=16), network)
    same_day = assess(specialist, harju_case, yes=2)
    assert same_day.repeat_of is None  # a correction on the day of the referral is no new incident
    MaracCase.objects.filter(pk=first.pk).update(
        referred_on=timezone.localdate() - timedelta(days=30),
        status="heard",
        first_heard_on=timezone.localdate() - timedelta(days=20),
    )
    again = assess(specialist, harju_case, yes=1)
    assert again.repeat_of == first and again.level == "standard" and again.may_refer
    second = refer(specialist, again, network)
    assert second.is_repeat and second.previous == first
    # More than 12 months after the last referral: a new referral, not a repeat.
    MaracCase.objects.filter(person=harju_case.client).update(referred_on=timezone.localdate() - timedelta(days=400))
    later = assess(specialist, harju_case, yes=3)
    assert later.repeat_of is None and not later.may_refer


def test_meeting_agenda_attendance_minutes_and_actions(
    eager_celery, django_capture_on_commit_callbacks, specialist, coordinator, partner, harju_case, network
):
    first_on = timezone.localdate() + timedelta(days=1)
    meetings = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=first_on, at=time(10), count=3
    )
    assert len(meetings) == 3
    assert len({timezone.localtime(m.starts_at).weekday() for m in meetings}) == 1  # the same weekday monthly
    repeat_case = make_case(specialist, county_code="harju")
    old = refer(specialist, assess(specialist, repeat_case, yes=20), network)
    MaracCase.objects.filter(pk=old.pk).update(status="heard", first_heard_on=timezone.localdate())
    new = refer(specialist, assess(specialist, harju_case, yes=18), network)
    meeting = meetings[0]
    items = meeting_services.agenda_fill(actor=coordinator, meeting=meeting)
    assert [item.kind for item in items] == ["new"]  # heard without open actions: not on the agenda
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.agenda_send(actor=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.agenda_document and Notification.objects.filter(user=partner).exists()
    item = items[0]
    police = network.agencies.get(kind="police")
    action = action_services.action_add(
        actor=coordinator, item=item, agency=police, owner=partner, description="Lähenemiskeeld", due_on=first_on
    )
    assert item.position == 1
    item = meeting_services.minutes_record(
        actor=coordinator,
        item=item,
        expected_version=1,
        shared_info="Politsei: 2 väljakutset",
        risks="Relv",
        decisions="Kaitse",
    )
    with pytest.raises(ValidationError):
        meeting_services.meeting_close(actor=coordinator, meeting=meeting)  # not started yet
    meeting.starts_at = timezone.now() - timedelta(hours=1)
    meeting.save()
    present = list(Membership.objects.filter(network=network))
    meeting_services.attendance_record(
        actor=coordinator, meeting=meeting, expected_version=meeting.version, present=present
    )
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_close(actor=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    new.refresh_from_db()
    assert meeting.is_held and new.is_heard and new.first_heard_on == meeting.held_on
    minutes = pdf_text(meeting.minutes_document)
    assert "Politsei: 2 väljakutset" in minutes and "Lähenemiskeeld" in minutes and "Põhja prefektuur" in minutes
    # The partner records the outcome of their own action on the page.
    client = Client()
    login_verified(client, partner)
    url = reverse("marac:action", args=[action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "version": 1,
            "status": "done",
            "completed_on": timezone.localdate().strftime("%d.%m.%Y"),
            "outcome": "Taotletud",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.outcome, action.on_time) == ("done", "Taotletud", True)


def test_partner_sees_only_marac_cases_on_their_networks_agenda_while_member(
    specialist, coordinator, partner, harju_case, network
):
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    client = Client()
    login_verified(client, partner)
    case_url = reverse("marac:case", args=[referral.pk])
    assert client.get(case_url).status_code == 404  # referred, not yet on an agenda
    meeting = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=1), at=time(9), count=1
    )[0]
    meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    page = client.get(case_url)
    assert page.status_code == 200
    meeting_page = client.get(reverse("marac:meeting", args=[meeting.pk])).content.decode()
    assert referral.reference in meeting_page and harju_case.client.full_name in meeting_page
    assert client.get(reverse("cases:case", args=[harju_case.pk])).status_code in (403, 404)
    assert client.get(reverse("marac:case-risk", args=[harju_case.pk])).status_code in (403, 404)
    # Another network's partner sees nothing of it.
    other = make_user("marac_partner", "louna")
    other_client = Client()
    login_verified(other_client, other)
    assert other_client.get(case_url).status_code == 404
    # The membership ends: so does the access.
    membership = Membership.objects.get(user=partner)
    membership.starts_on = timezone.localdate() - timedelta(days=10)
    membership.save()
    network_services.membership_end(
        actor=coordinator, membership=membership, ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert client.get(case_url).status_code == 404
    assert client.get(reverse("marac:meeting", args=[meeting.pk])).status_code == 404


def test_closing_the_marac_case_ends_partner_access(specialist, coordinator, partner, harju_case, network):
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    meeting = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=1), at=time(9), count=1
    )[0]
    meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    client = Client()
    login_verified(client, partner)
    assert client.get(reverse("marac:case", args=[referral.pk])).status_code == 200
    referral_services.maraccase_close(actor=coordinator, referral=referral, expected_version=1, note="Turvaline")
    assert client.get(reverse("marac:case", args=[referral.pk])).status_code == 404


def test_partners_must_give_the_second_factor(partner, network):
    client = Client()
    client.force_login(partner)
    response = client.get(reverse("marac:network-list"))
    assert response.status_code == 302 and response["Location"] == reverse("otp-setup")


def test_overdue_actions_are_reminded_once_a_week(specialist, coordinator, partner, harju_case, network):
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    meeting = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=1), at=time(9), count=1
    )[0]
    item = meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    action = action_services.action_add(
        actor=coordinator,
        item=item,
        agency=network.agencies.get(kind="police"),
        owner=partner,
        description="Kontroll",
        due_on=meeting.held_on,
    )
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    assert action_services.actions_remind() == 1
    assert action_services.actions_remind() == 0
    reminded = Notification.objects.filter(message__contains="past its deadline")
    assert {n.user_id for n in reminded} == {partner.pk, coordinator.pk}


def test_figures_per_network_county_and_small_counts_hidden_from_analysts(
    client, specialist, coordinator, harju_case, network
):
    CountyPopulation.objects.create(county=network.county, year=timezone.localdate().year, adult_women=200000)
    cases = [harju_case] + [make_case(specialist, county_code="harju") for _ in range(5)]
    referrals = [refer(specialist, assess(specialist, case, yes=20), network) for case in cases]
    MaracCase.objects.filter(pk__in=[r.pk for r in referrals[:4]]).update(
        status="heard", first_heard_on=F("referred_on") + timedelta(days=7)
    )
    MaracCase.objects.filter(pk=referrals[0].pk).update(referred_by="police")
    figures = marac_figures(coordinator, timezone.localdate().year)
    row = next(r for r in figures["networks"] if r.label == network.name)
    assert (row.counts["referrals"], row.counts["heard"], row.counts["from_partners"]) == (6, 4, 1)
    assert row.median_days == 7 and row.partner_share == 17
    county = next(c for c in figures["counties"] if c.label == network.county.name)
    assert county.per_10000 == Decimal("0.2")  # 4 heard / 200,000 adult women x 10,000
    client.force_login(coordinator)
    page = client.get(reverse("marac:figures"), {"year": timezone.localdate().year})
    assert page.status_code == 200 and network.name in page.content.decode()
    analyst = make_user("analyst")
    hidden = next(r for r in marac_figures(analyst, timezone.localdate().year)["networks"] if r.label == network.name)
    assert "heard" in hidden.hidden and "from_partners" in hidden.hidden and "referrals" not in hidden.hidden
    assert hidden.median_days is None and hidden.per_10000 is None
    assert client.get(reverse("marac:figures"), {"year": "x"}).status_code == 200  # a bad year: the current one


def test_moving_and_cancelling_a_meeting(client, specialist, coordinator, partner, harju_case, network):
    meeting = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=3), at=time(9), count=1
    )[0]
    Meeting.objects.filter(pk=meeting.pk).update(agenda_sent_at=timezone.now())
    client.force_login(coordinator)
    url = reverse("marac:meeting-edit", args=[meeting.pk])
    day = timezone.localdate() + timedelta(days=5)
    bad = client.post(url, {"version": 1, "on": "31.02.2026", "at": "10:00", "place": "Rakvere"})
    assert bad.status_code == 400
    assert (
        client.post(url, {"version": 1, "on": day.strftime("%d.%m.%Y"), "at": "13:30", "place": "Rakvere"}).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert (timezone.localtime(meeting.starts_at).date(), meeting.place, meeting.version) == (day, "Rakvere", 2)
    assert Notification.objects.filter(user=partner, message__contains="was moved").exists()
    stale = client.post(url, {"version": 1, "on": day.strftime("%d.%m.%Y"), "at": "15:00", "place": "Tapa"})
    assert stale.status_code == 409  # someone changed it meanwhile
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    item = meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    action_services.action_add(
        actor=coordinator,
        item=item,
        agency=network.agencies.get(kind="police"),
        owner=None,
        description="X",
        due_on=day,
    )
    client.post(reverse("marac:meeting-cancel", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.is_planned  # actions were agreed: not cancelled
    Action.objects.all().delete()
    client.post(reverse("marac:meeting-cancel", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.is_cancelled


def test_an_assessment_of_a_sealed_case_opens_only_with_a_reason(client, specialist, harju_case, network):
    assessment = assess(specialist, harju_case, yes=20)
    colleague = make_user("specialist", "pohja")
    Case.objects.filter(pk=harju_case.pk).update(sealed=True, sealed_reason="Politseiametnik")
    client.force_login(colleague)
    page = client.get(reverse("marac:assessment", args=[assessment.pk]))
    assert page.status_code == 200 and "Kas te olete väga hirmul?" not in page.content.decode()
    assert 'name="reason"' in page.content.decode()


def test_a_second_referral_waits_for_the_first_meeting(specialist, harju_case, network):
    first = refer(specialist, assess(specialist, harju_case, yes=16), network)
    MaracCase.objects.filter(pk=first.pk).update(referred_on=timezone.localdate() - timedelta(days=3))
    again = assess(specialist, harju_case, yes=20)
    with pytest.raises(ValidationError) as error:
        refer(specialist, again, network)
    assert first.reference in str(error.value)


def test_the_minutes_are_final_once_the_meeting_is_held(
    eager_celery, django_capture_on_commit_callbacks, client, specialist, coordinator, partner, harju_case, network
):
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    meeting = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=1), at=time(9), count=1
    )[0]
    item = meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    present = list(Membership.objects.filter(network=network))
    meeting_services.attendance_record(actor=coordinator, meeting=meeting, expected_version=1, present=present)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_close(actor=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    item.refresh_from_db()
    police = network.agencies.get(kind="police")
    with pytest.raises(ValidationError):
        action_services.action_add(
            actor=coordinator, item=item, agency=police, owner=None, description="Hiljem", due_on=timezone.localdate()
        )
    with pytest.raises(ValidationError):
        meeting_services.attendance_record(actor=coordinator, meeting=meeting, expected_version=2, present=[])
    with pytest.raises(ValidationError):
        meeting_services.minutes_record(actor=coordinator, item=item, expected_version=1, shared_info="Muudetud")
    assert meeting.attendees.count() == 2 and not Action.objects.exists()
    # The minutes PDF names every case of the meeting: the organisers download it, members do not.
    partner_client = Client()
    login_verified(partner_client, partner)
    minutes = reverse("marac:meeting-document", args=[meeting.pk, "minutes"])
    assert partner_client.get(minutes).status_code == 404
    assert partner_client.get(reverse("marac:meeting-document", args=[meeting.pk, "agenda"])).status_code == 404
    client.force_login(coordinator)
    assert client.get(minutes).status_code == 200


def test_meetings_are_planned_from_the_first_date_and_not_too_far(client, coordinator, network):
    first_on = timezone.localdate() + timedelta(days=40)
    first_on = first_on.replace(day=29) if first_on.month != 2 else first_on.replace(day=28)
    if first_on <= timezone.localdate():
        first_on = first_on.replace(month=first_on.month % 12 + 1)
    meetings = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=first_on, at=time(9), count=2
    )
    assert timezone.localtime(meetings[0].starts_at).date() == first_on
    client.force_login(coordinator)
    response = client.post(
        reverse("marac:schedule", args=[network.pk]), {"first_on": "01.12.9999", "at": "10:00", "count": "2"}
    )
    assert response.status_code == 400


def test_a_changed_safe_contact_rule_makes_the_notification_sheet_stale(
    eager_celery, django_capture_on_commit_callbacks, client, specialist, harju_case, network
):
    set_rules(specialist, harju_case.client, letter_allowed=True, letter_address="Postkast 12\nTallinn")
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    referral.refresh_from_db()
    first_sheet = referral.notification_sheet
    assert first_sheet.addressed_to
    set_rules(specialist, harju_case.client, letter_allowed=False, phone_allowed=True)
    client.force_login(specialist)
    page = client.get(reverse("marac:case", args=[referral.pk])).content.decode()
    assert reverse("marac:case-letters", args=[referral.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("marac:case-letters", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.notification_sheet != first_sheet
    assert referral.notification_sheet.supersedes == first_sheet and referral.notification_sheet.addressed_to == ""


def test_sealed_case_marac_documents_and_pages(
    eager_celery, django_capture_on_commit_callbacks, client, specialist, coordinator, harju_case, network
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    Case.objects.filter(pk=harju_case.pk).update(sealed=True, sealed_reason="Avaliku elu tegelane")
    with django_capture_on_commit_callbacks(execute=True):
        MaracCase.objects.filter(pk=referral.pk).update(referral_letter=None)
        referral_services.maraccase_letters(actor=specialist, referral=referral)
    referral.refresh_from_db()
    text = pdf_text(referral.referral_letter)
    assert harju_case.client.last_name not in text and referral.reference in text
    colleague = make_user("regional_manager", "pohja")
    client.force_login(colleague)
    page = client.get(reverse("marac:case", args=[referral.pk])).content.decode()
    assert 'name="reason"' in page and "Kas te olete väga hirmul?" not in page


def test_figures_hide_a_count_that_could_be_worked_out(specialist, harju_case, network):
    cases = [harju_case] + [make_case(specialist, county_code="harju") for _ in range(11)]
    for case in cases:
        refer(specialist, assess(specialist, case, yes=20), network)
        MaracCase.objects.filter(case=case).update(status="heard", first_heard_on=timezone.localdate())
    MaracCase.objects.filter(case__in=cases[1:]).update(is_repeat=True, previous=MaracCase.objects.first())
    row = next(r for r in marac_figures(make_user("analyst"), timezone.localdate().year)["networks"])
    assert row.counts["referrals"] == 12 and row.counts["repeats"] == 11
    assert "repeats" in row.hidden or "referrals" in row.hidden  # else 12 - 11 = 1 could be read off
    assert row.repeat_rate is None


def test_a_quarter_hidden_from_analysts_cannot_be_taken_from_the_year(specialist, coordinator, harju_case, network):
    """Six referrals in one quarter and two in another: the year (8) minus the quarters shown would give
    the two back, so the year and its quarters are protected together."""
    year = timezone.localdate().year
    cases = [harju_case] + [make_case(specialist, county_code="harju") for _ in range(7)]
    for index, case in enumerate(cases):
        referral = refer(specialist, assess(specialist, case, yes=20), network)
        MaracCase.objects.filter(pk=referral.pk).update(referred_on=date(year, 2 if index < 6 else 5, 10))
    analyst = make_user("analyst")

    def referrals(quarter):
        row = next(r for r in marac_figures(analyst, year, quarter)["networks"] if r.label == network.name)
        return None if "referrals" in row.hidden else row.counts["referrals"]

    shown = {quarter: referrals(quarter) for quarter in (None, 1, 2, 3, 4)}
    assert shown[2] is None  # two: under five
    assert None in (shown[None], shown[1], shown[3], shown[4])  # else 8 - 6 - 0 - 0 = 2
    coordinator_row = next(r for r in marac_figures(coordinator, year, 2)["networks"] if r.label == network.name)
    assert coordinator_row.counts["referrals"] == 2 and not coordinator_row.hidden


def test_the_trend_chart_prints_coordinates_with_a_point(client, specialist, harju_case):
    for day, yes in ((30, 4), (10, 16)):
        assess(specialist, harju_case, yes=yes, assessed_on=timezone.localdate() - timedelta(days=day))
    client.force_login(specialist)
    page = client.get(reverse("marac:case-risk", args=[harju_case.pk])).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert not re.search(r'="[0-9]+,[0-9]', svg)


def test_the_case_list_shows_filters_and_sorts_and_hides_a_sealed_victim(
    client, specialist, manager, coordinator, network
):
    from cases.services import cases as case_services
    from tests.factories import make_person

    hostile = make_person(specialist, first_name="Ülle", last_name="<i>Шмидт</i>")
    older = refer(
        specialist, assess(specialist, make_case(specialist, county_code="harju", client=hostile), yes=20), network
    )
    MaracCase.objects.filter(pk=older.pk).update(referred_on=timezone.localdate() - timedelta(days=40))
    sealed_case = make_case(specialist, county_code="harju", client=make_person(specialist, first_name="Salajane"))
    newer = refer(specialist, assess(specialist, sealed_case, yes=20), network)
    case_services.case_set_sealed(actor=manager, case=sealed_case, sealed=True, reason="Klient on politseinik")
    meeting = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=1), at=time(9), count=1
    )[0]
    item = meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=older)
    police = network.agencies.get(kind="police")
    for number in range(2):
        action_services.action_add(
            actor=coordinator,
            item=item,
            agency=police,
            owner=None,
            description=f"Tegevus {number}",
            due_on=meeting.held_on,
        )
    login_verified(client, coordinator)
    html = client.get(reverse("marac:case-list")).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)[1:]
    # Newest first; the sealed case's victim is not named; a name is escaped; open actions counted.
    assert [newer.reference in rows[0], older.reference in rows[1]] == [True, True]
    assert "Salajane" not in html and "&lt;i&gt;Шмидт&lt;/i&gt;" in rows[1] and "<i>Шмидт" not in html
    assert re.search(r'data-label="Avatud tegevused">2<', rows[1]) and re.search(
        r'data-label="Avatud tegevused">0<', rows[0]
    )
    assert network.name in rows[0]
    ascending = client.get(reverse("marac:case-list") + "?sort=referred").content.decode()
    assert ascending.index(older.reference) < ascending.index(newer.reference)
    assert 'aria-sort="ascending"' in ascending
    only = client.get(reverse("marac:case-list") + f"?network={network.pk}&status=closed").content.decode()
    assert older.reference not in only and "Sobivaid MARAC-i juhtumeid pole." in only
    # The network filter offers the networks the user may see, and filters by the one chosen.
    from marac.models import Agency, Network
    from victimsupport.models import County

    city = Network.objects.create(name="Tallinna MARAC", county=network.county)
    support = Agency.objects.create(network=city, kind="victim_support", name="Ohvriabi")
    Membership.objects.create(
        network=city, agency=support, user=coordinator, starts_on=timezone.localdate(), is_coordinator=True
    )
    in_city = refer(specialist, assess(specialist, make_case(specialist, county_code="harju"), yes=20), city)
    south = Network.objects.create(name="Tartu MARAC", county=County.objects.get(code="tartu"))
    listed = client.get(reverse("marac:case-list")).content.decode()
    assert f'<option value="{city.pk}">Tallinna MARAC</option>' in listed and "Tartu MARAC" not in listed
    chosen = client.get(reverse("marac:case-list") + f"?network={city.pk}").content.decode()
    assert in_city.reference in chosen and older.reference not in chosen and newer.reference not in chosen
    assert f'<option value="{city.pk}" selected>' in chosen
    # Another region's network is no choice: a form error, and the list stays the user's whole list.
    foreign = client.get(reverse("marac:case-list") + f"?network={south.pk}").content.decode()
    assert 'class="errorlist"' in foreign and older.reference in foreign and in_city.reference in foreign
    # By status, and by status backwards: the whole list reversed.
    MaracCase.objects.filter(pk=older.pk).update(status="heard", first_heard_on=timezone.localdate())
    by_status = client.get(reverse("marac:case-list") + "?sort=status").content.decode()
    backwards = client.get(reverse("marac:case-list") + "?sort=-status").content.decode()
    order = [older.reference, newer.reference, in_city.reference]  # heard, then referred newest first
    assert sorted(order, key=by_status.index) == [older.reference, in_city.reference, newer.reference]
    assert sorted(order, key=backwards.index) == [newer.reference, in_city.reference, older.reference]
