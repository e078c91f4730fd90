"""What a real day brings: double submits, late changes, sealed cases, empty networks, wrong people."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from marac.models import Action, Agency, MaracCase, Meeting, Network, RiskAssessment
from marac.services import actions as action_services
from marac.services import meetings as meeting_services
from marac.services import networks as network_services
from marac.services import referrals as referral_services
from tests.factories import login_verified, make_user
from tests.marac.conftest import assess
from victimsupport.models import County

pytestmark = pytest.mark.django_db


def refer(actor, assessment, network):
    return referral_services.maraccase_refer(actor=actor, assessment=assessment, network=network, legal_basis="oas_10")


def planned_meeting(coordinator, network, days=1):
    return meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=days), at=time(9), count=1
    )[0]


def test_the_same_form_sent_twice_makes_one_assessment_and_one_action(specialist, coordinator, harju_case, network):
    first = assess(specialist, harju_case, yes=15)
    assert assess(specialist, harju_case, yes=15) == first
    assert RiskAssessment.objects.count() == 1
    assert assess(specialist, harju_case, yes=16) != first  # different answers: a new assessment
    meeting = planned_meeting(coordinator, network)
    item = meeting_services.agenda_add(
        actor=coordinator,
        meeting=meeting,
        referral=refer(specialist, RiskAssessment.objects.order_by("pk").last(), network),
    )
    police = network.agencies.get(kind="police")
    fields = {"item": item, "agency": police, "owner": None, "description": "Kontroll", "due_on": meeting.held_on}
    once = action_services.action_add(actor=coordinator, **fields)
    assert action_services.action_add(actor=coordinator, **fields) == once and Action.objects.count() == 1


def test_closed_cases_actions_and_completion_dates(specialist, coordinator, partner, harju_case, network):
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    meeting = planned_meeting(coordinator, network)
    item = meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    action = action_services.action_add(
        actor=coordinator,
        item=item,
        agency=network.agencies.get(kind="police"),
        owner=partner,
        description="Kontroll",
        due_on=meeting.held_on,
    )
    with pytest.raises(ValidationError) as error:
        action_services.action_update(
            actor=partner,
            action=action,
            expected_version=1,
            status="done",
            outcome="x",
            completed_on=timezone.localdate().replace(year=1900),
        )
    assert "completed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        action_services.action_add(
            actor=coordinator,
            item=item,
            agency=action.agency,
            owner=None,
            description="Kaugel",
            due_on=timezone.localdate().replace(year=2999),
        )
    referral_services.maraccase_close(actor=coordinator, referral=referral, expected_version=1, note="Ohutu")
    action.refresh_from_db()
    with pytest.raises(ValidationError):
        action_services.action_update(
            actor=coordinator,
            action=action,
            expected_version=action.version,
            status="open",
            outcome="",
            completed_on=None,
        )
    Action.objects.filter(pk=action.pk).update(status="open", due_on=timezone.localdate() - timedelta(days=3))
    assert action_services.actions_remind() == 0  # a closed case is not reminded of


def test_a_network_without_a_coordinator_receives_no_referral(specialist, harju_case, network):
    empty = Network.objects.create(name="Tühi võrgustik", county=County.objects.get(code="harju"))
    with pytest.raises(ValidationError) as error:
        refer(specialist, assess(specialist, harju_case, yes=20), empty)
    assert "network" in error.value.message_dict and not MaracCase.objects.exists()


def test_members_come_from_the_networks_region(coordinator, network):
    other = make_user("marac_partner", "louna")
    police = Agency.objects.get(network=network, kind="police")
    with pytest.raises(ValidationError) as error:
        network_services.membership_add(
            actor=coordinator, network=network, agency=police, user=other, starts_on=timezone.localdate()
        )
    assert "user" in error.value.message_dict


def test_moving_a_meeting_into_the_past_or_onto_another(client, coordinator, network):
    first, second = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=2), at=time(9), count=2
    )
    client.force_login(coordinator)
    url = reverse("marac:meeting-edit", args=[first.pk])
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert client.post(url, {"version": 1, "on": today, "at": "00:00", "place": ""}).status_code == 400
    onto = timezone.localtime(second.starts_at).strftime("%d.%m.%Y")
    assert client.post(url, {"version": 1, "on": onto, "at": "09:00", "place": ""}).status_code == 400
    first.refresh_from_db()
    assert first.version == 1


def test_closing_a_meeting_shows_what_is_missing_first(client, specialist, coordinator, harju_case, network):
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    meeting = planned_meeting(coordinator, network)
    meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(coordinator)
    page = client.get(reverse("marac:meeting-close", args=[meeting.pk]))
    assert page.status_code == 200
    assert page.context["nobody_present"] and [i.referral for i in page.context["without_minutes"]] == [referral]
    meeting.refresh_from_db()
    assert meeting.is_planned  # looking at the page changes nothing


def test_a_sealed_cases_notification_sheet_is_not_for_the_network(
    eager_celery, django_capture_on_commit_callbacks, specialist, coordinator, harju_case, network
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    url = reverse("marac:case-document", args=[referral.pk, "notification"])
    client = Client()
    login_verified(client, coordinator)
    assert client.get(url).status_code == 200
    Case.objects.filter(pk=harju_case.pk).update(sealed=True, sealed_reason="Politseiametnik")
    assert client.get(url).status_code == 404


def test_chair_and_coordinator_marks_change_on_their_page(client, coordinator, partner, network):
    membership = network.memberships.get(user=partner)
    client.force_login(coordinator)
    url = reverse("marac:member-roles", args=[membership.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"is_coordinator": "on"}).status_code == 302
    membership.refresh_from_db()
    assert (membership.is_chair, membership.is_coordinator) == (False, True)


def test_cancelling_a_meeting_asks_first(client, coordinator, network):
    meeting = planned_meeting(coordinator, network)
    client.force_login(coordinator)
    url = reverse("marac:meeting-cancel", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'type="submit"' in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.is_planned
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled


def test_the_organiser_changes_an_agreed_action(client, specialist, coordinator, partner, harju_case, network):
    referral = refer(specialist, assess(specialist, harju_case, yes=20), network)
    meeting = planned_meeting(coordinator, network)
    item = meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
    police = network.agencies.get(kind="police")
    action = action_services.action_add(
        actor=coordinator, item=item, agency=police, owner=None, description="Kontroll", due_on=meeting.held_on
    )
    client.force_login(coordinator)
    url = reverse("marac:action-edit", args=[action.pk])
    assert client.get(url).status_code == 200
    later = (meeting.held_on + timedelta(days=7)).strftime("%d.%m.%Y")
    data = {"version": 1, "agency": police.pk, "owner": partner.pk, "description": "Kontroll ja kõne", "due_on": later}
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.description, action.version) == (partner, "Kontroll ja kõne", 2)
    assert client.post(url, data).status_code == 409  # the version the form showed is gone
    partner_client = Client()
    login_verified(partner_client, partner)
    assert partner_client.get(url).status_code == 403  # the owner records the outcome, not the plan
